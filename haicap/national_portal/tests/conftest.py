"""Fixtures of the feed tests: the dossier tests' province, a quiet sandbox portal, an
operations-centre viewer, and a dossier taken from submission to the result returned."""

import pytest

from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers import engine, testing
from haicap.dossiers.testing import act, at, submit, task_of
from haicap.national_portal.portals import SandboxNationalPortal

province = testing.province  # the fixture


@pytest.fixture
def portal() -> SandboxNationalPortal:
    """Answers at once and never fails (tests that want outages build their own)."""
    return SandboxNationalPortal(latency_ms=0, failure_rate=0.0)


@pytest.fixture
def ops(province):
    office = factories.province_office("48", OfficeKind.DEPARTMENT)
    return factories.officer(office, Role.OPS_VIEWER)


def returned_dossier(province, monkeypatch, day: int = 10):
    """Submitted and received at the Hải Châu desk on 2025-03-`day` 09:00, claimed at 10:00,
    approved the next day, result returned the day after: national statuses 1, 2, 4, 9, 10."""
    at(monkeypatch, 2025, 3, day, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, day, 10, 0)
    engine.claim_task(officer=province["specialist"], task=task_of(dossier),
                      lock_version=type(dossier).objects.get(pk=dossier.pk).lock_version)
    act(engine.forward, province["specialist"], dossier)
    at(monkeypatch, 2025, 3, day + 1, 9, 0)
    act(engine.approve, province["leader"], dossier)
    at(monkeypatch, 2025, 3, day + 2, 9, 0)
    act(engine.return_result, province["desk"], dossier)
    dossier.refresh_from_db()
    return dossier
