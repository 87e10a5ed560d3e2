"""Test set-up of the documents app (files go to a temporary MEDIA_ROOT: haicap/conftest.py)."""

import pytest

from haicap.catalog.services import load_catalog
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.core.tokens import Caller, ensure_partner
from haicap.units.models import Commune

# Smallest real files of each accepted type: the first bytes are what the checks read.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
HAI_CHAU_ADDRESS = "45 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng"


@pytest.fixture
def province():
    load_catalog()
    hai_chau = Commune.objects.get(province_id="48", name="Phường Hải Châu")
    son_tra = Commune.objects.get(province_id="48", name="Phường Sơn Trà")
    offices = {"hai_chau": factories.commune_office(hai_chau),
               "son_tra": factories.commune_office(son_tra)}
    factories.province_office("48", OfficeKind.ONE_STOP_CENTRE)
    return {**offices,
            "hai_chau_desk": factories.officer(offices["hai_chau"], Role.DESK_OFFICER),
            "hai_chau_specialist": factories.officer(offices["hai_chau"], Role.SPECIALIST),
            "son_tra_desk": factories.officer(offices["son_tra"], Role.DESK_OFFICER),
            "citizen": factories.resident(hai_chau),
            "other_citizen": factories.resident(hai_chau, full_name="Trần Văn Bình")}


@pytest.fixture
def hospital(province):
    return Caller(partner=ensure_partner(code="hospital", name="Bệnh viện"))


@pytest.fixture
def bank(province):
    return Caller(partner=ensure_partner(code="bank", name="Ngân hàng"))
