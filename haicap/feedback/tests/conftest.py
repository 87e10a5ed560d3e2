"""Fixtures of the feedback tests: the dossier tests' province, a citizen of Hải Châu, and
dossiers of theirs moved through the real engine to their result."""

import pytest

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers import engine, testing
from haicap.dossiers.models import Dossier
from haicap.dossiers.testing import act, applicant, fresh, submit
from haicap.units.models import Commune

PHONE = "0905123456"

province = testing.province  # the fixture


@pytest.fixture
def citizen():
    commune = Commune.objects.get(province_id="48", name="Phường Hải Châu")
    return factories.resident(commune, full_name="Nguyễn Thị Mai", phone=PHONE)


@pytest.fixture
def ops_viewer(province):
    return factories.officer(province["centre"], Role.OPS_VIEWER)


def filed(offices, citizen, **fields) -> Dossier:
    """A dossier of the citizen (of Hải Châu unless `address` says), received at the Hải Châu
    desk; `offices` is the `province` fixture."""
    who = applicant(id_number=citizen.national_id, full_name=citizen.full_name, phone=PHONE,
                    **fields)
    return submit(desk=offices["hai_chau"], who=who)


def with_result(offices, citizen, *, returned: bool = False, **fields) -> Dossier:
    """The citizen's dossier appraised and approved (status finished), or also handed over."""
    dossier = filed(offices, citizen, **fields)
    act(engine.forward, offices["specialist"], dossier)
    act(engine.approve, offices["leader"], dossier)
    if returned:
        act(engine.return_result, offices["desk"], dossier)
    return fresh(dossier)


@pytest.fixture
def finished(province, citizen) -> Dossier:
    return with_result(province, citizen)
