"""Rules of `haicap demo`: an office per commune with officers, kept on re-run, rebuilt on reset."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import TestCase

from haicap.core import services
from haicap.core.demo.load import DEMO_PASSWORD, allocate, commune_codenames
from haicap.core.models import AuditEntry, Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.core.validation import validate_national_id
from haicap.units.models import Commune

CITIZENS = 50


def run_demo(*args) -> str:
    out = StringIO()
    # The demo dossiers have their own tests (test_demo_dossiers.py).
    call_command("demo", "--citizens", str(CITIZENS), "--dossiers", "0", *args, stdout=out)
    return out.getvalue()


def demo_counts() -> tuple[int, int, int]:
    return (Office.objects.count(),
            User.objects.exclude(role=Role.CITIZEN).count(),
            User.objects.filter(role=Role.CITIZEN).count())


class DemoProvinceTests(TestCase):
    """One demo build shared by the tests of the class (each test's changes are rolled back)."""

    @classmethod
    def setUpTestData(cls):
        cls.output = run_demo()

    def test_demo_creates_one_office_per_commune_of_da_nang_with_three_officers_each(self):
        output = self.output
        communes = Commune.objects.filter(province_id="48")
        assert communes.count() == 94
        commune_offices = Office.objects.filter(kind=OfficeKind.COMMUNE, province_id="48")
        assert commune_offices.count() == 94
        assert set(commune_offices.values_list("commune_id", flat=True)) == set(
            communes.values_list("code", flat=True)
        )
        for office in commune_offices.prefetch_related("officers"):
            assert sorted(officer.role for officer in office.officers.all()) == sorted(
                [Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER]
            ), office.name
        assert Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE).count() == 1
        for office in Office.objects.exclude(kind=OfficeKind.COMMUNE):
            assert office.officers.exists(), office.name
        assert User.objects.filter(role=Role.CITIZEN).count() == CITIZENS
        assert "http://127.0.0.1:8000" in output and "motcua.haichau" in output
        assert "sandbox" in output.lower()


    def test_demo_logins_are_readable_and_sign_in_with_the_demo_password(self):
        usernames = ("admin", "motcua.haichau", "chuyenvien.hoiandong", "lanhdao.tamky",
                     "motcua.trungtam", "dieuhanh", "dulieu")
        assert User.objects.filter(username__in=usernames).count() == len(usernames)
        # Signing in upgrades the hash to full strength (0.5 s each), so try two of them.
        for username in ("admin", "motcua.haichau"):
            user = authenticate(username=username, password=DEMO_PASSWORD)
            assert user is not None, username
        assert User.objects.get(username="dieuhanh").role == Role.OPS_VIEWER
        assert User.objects.get(username="dulieu").role == Role.DATA_STEWARD


    def test_demo_residents_have_valid_cccd_phone_and_an_address_in_the_province(self):
        for citizen in User.objects.filter(role=Role.CITIZEN).select_related("residence_commune"):
            validate_national_id(citizen.national_id, date_of_birth=citizen.date_of_birth,
                                 gender=citizen.gender)
            assert citizen.residence_commune.province_id == "48"
            assert citizen.address_street and citizen.full_name


    def test_running_demo_again_keeps_the_data(self):
        before = demo_counts()
        logins = set(User.objects.values_list("username", flat=True))
        output = run_demo()
        assert "already loaded" in output
        assert demo_counts() == before
        assert set(User.objects.values_list("username", flat=True)) == logins


    def test_reset_rebuilds_the_same_demo_and_keeps_the_audit_log(self):
        before = demo_counts()
        national_ids = set(User.objects.filter(role=Role.CITIZEN).values_list("national_id",
                                                                              flat=True))
        audit_rows = AuditEntry.objects.count()
        run_demo("--reset")
        assert demo_counts() == before
        assert set(User.objects.filter(role=Role.CITIZEN).values_list("national_id",
                                                                      flat=True)) == national_ids
        assert AuditEntry.objects.count() > audit_rows
        assert AuditEntry.objects.filter(action="demo.reset").count() == 1


    def test_reset_after_a_stewards_decision_rebuilds_the_master_data(self):
        """Decisions name the steward, a demo officer the reset deletes: the province's master
        data goes first and is loaded again."""
        from haicap.mdm import review
        from haicap.mdm.models import GoldenRecord, PairDecision, SourceRecord

        first, second = SourceRecord.objects.order_by("record_key")[:2]
        review.decide_pair((first.record_key, second.record_key), "not_same",
                           User.objects.get(username="dulieu"))
        records = SourceRecord.objects.count()

        output = run_demo("--reset")

        assert PairDecision.objects.count() == 0
        assert SourceRecord.objects.count() == records > 0
        assert GoldenRecord.objects.exists() and "Master data" in output


@pytest.mark.django_db
def test_commune_codenames_are_unique_ascii():
    communes = list(Commune.objects.filter(province_id="48"))
    names = commune_codenames(communes).values()
    assert len(set(names)) == len(communes)
    assert all(name.isascii() and name.isalnum() for name in names)


def test_allocation_splits_the_total_exactly_and_leaves_uninhabited_communes_empty():
    counts = allocate(2000, {"a": 10, "b": 4, "c": 1, "hoang_sa": 0})
    assert sum(counts.values()) == 2000
    assert counts["hoang_sa"] == 0
    assert counts["a"] > counts["b"] > counts["c"]


@pytest.mark.django_db
def test_a_demo_build_that_fails_half_way_saves_nothing():
    # Someone already holds a login the demo needs: the build stops at that commune.
    services.create_administrator(username="lanhdao.tamky", full_name="Người khác",
                                  password="another-pass-1234")
    offices, users = Office.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="nothing of it was saved"):
        run_demo()
    assert Office.objects.count() == offices
    assert User.objects.count() == users
