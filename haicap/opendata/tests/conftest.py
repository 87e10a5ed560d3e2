import pytest

from haicap.catalog.services import load_catalog
from haicap.core.roles import OfficeKind
from haicap.core.tests import factories
from haicap.units.models import Province


@pytest.fixture
def province(db) -> Province:
    """Đà Nẵng with the catalogue, two commune offices and the one-stop centre."""
    load_catalog()
    for commune in factories.communes("48", 2):
        factories.commune_office(commune)
    factories.province_office("48", OfficeKind.ONE_STOP_CENTRE)
    factories.province_office("48", OfficeKind.DEPARTMENT)
    return Province.objects.get(code="48")
