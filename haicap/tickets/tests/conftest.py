"""Fixtures of the desk-ticket tests: the province centre and a commune, set up with the
default groups and counters, and their officers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers.tests.conftest import transactional_db  # noqa: F401 (the fixture)
from haicap.tickets import services
from haicap.tickets.models import Counter, ServiceGroup
from haicap.units.models import Commune

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*moment) -> datetime:
    return datetime(*moment, tzinfo=LOCAL)


def build_centres() -> dict:
    """The province centre (two counters: 1 serves A and C, 2 serves B and D), the Hải Châu
    commune desk (one counter, all groups), and officers."""
    centre = factories.province_office("48", OfficeKind.ONE_STOP_CENTRE)
    commune = factories.commune_office(Commune.objects.get(province_id="48",
                                                           name="Phường Hải Châu"))
    services.set_up_centre(centre, counters=2)
    services.set_up_centre(commune, counters=1)
    operations = factories.province_office("48", OfficeKind.DEPARTMENT)
    return {
        "centre": centre, "commune": commune,
        "groups": {group.prefix: group for group in ServiceGroup.objects.filter(office=centre)},
        "commune_groups": {group.prefix: group
                           for group in ServiceGroup.objects.filter(office=commune)},
        "counters": {counter.number: counter for counter in Counter.objects.filter(office=centre)},
        "commune_counter": Counter.objects.get(office=commune),
        "desk": factories.officer(centre, Role.DESK_OFFICER),
        "other_desk": factories.officer(centre, Role.DESK_OFFICER),
        "commune_desk": factories.officer(commune, Role.DESK_OFFICER),
        "centre_specialist": factories.officer(centre, Role.SPECIALIST),
        "commune_leader": factories.officer(commune, Role.LEADER),
        "ops": factories.officer(operations, Role.OPS_VIEWER),
    }


@pytest.fixture
def centres(db) -> dict:
    return build_centres()
