"""The population database's sandbox answers from the golden records, and the e-forms take the
blanks from it (once-only)."""

from datetime import date

import pytest
from django.urls import reverse

from haicap.catalog.services import load_catalog
from haicap.core.tests import factories
from haicap.mdm.models import GoldenRecord, MatchRun
from haicap.registries.population import RegistryUnavailable, SandboxPopulationRegistry
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db


def _golden(national_id: str, **fields) -> GoldenRecord:
    run = MatchRun.objects.create(province_id="48", merge_threshold=0.99, review_threshold=0.5)
    values = {"full_name": "Nguyễn Thị Lan", "birth_date": date(1990, 5, 17),
              "phone": "0935111222", "address": "7 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng",
              **fields}
    return GoldenRecord.objects.create(golden_id="48000000001", province_id="48",
                                       national_id=national_id, run=run, **values)


def test_the_sandbox_answers_a_number_from_its_golden_record_and_says_it_is_a_sandbox():
    _golden("048190000123", father_name="Nguyễn Văn Hùng")
    person = SandboxPopulationRegistry(latency_ms=0, failure_rate=0).person("048190000123")
    assert (person.full_name, person.birth_date, person.father_name) == (
        "Nguyễn Thị Lan", date(1990, 5, 17), "Nguyễn Văn Hùng")
    assert person.source == "CSDL dân cư (sandbox): 48000000001"


def test_an_unknown_or_retired_number_is_no_one():
    _golden("048190000123", retired_into="48000000009")
    registry = SandboxPopulationRegistry(latency_ms=0, failure_rate=0)
    assert registry.person("048190000123") is None
    assert registry.person("048190000999") is None


def test_an_outage_is_an_error_with_its_code():
    with pytest.raises(RegistryUnavailable) as failed:
        SandboxPopulationRegistry(latency_ms=0, failure_rate=1.0).person("048190000123")
    assert failed.value.code == "registry_unavailable"


def test_the_eform_takes_the_phone_the_account_lacks_from_the_population_database(client):
    load_catalog()
    citizen = factories.resident(Commune.objects.get(province_id="48", name="Phường Hải Châu"),
                                 phone="")
    _golden(citizen.national_id)
    client.force_login(citizen)
    html = client.get(reverse("catalog:form", args=["1.001193"])).content.decode()
    assert 'value="0935111222"' in html
    assert 'value="12 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng"' in html  # its own wins


def test_the_eform_still_opens_when_the_population_database_is_down(client, settings):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    load_catalog()
    citizen = factories.resident(Commune.objects.get(province_id="48", name="Phường Hải Châu"),
                                 phone="")
    client.force_login(citizen)
    assert client.get(reverse("catalog:form", args=["1.001193"])).status_code == 200
