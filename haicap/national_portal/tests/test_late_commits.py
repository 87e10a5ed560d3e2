"""An event whose transaction commits after a later event's is still fed (PostgreSQL hands ids
out at insert, so the feed can read id n+1 before id n is visible) — on two real connections.

PostgreSQL only: SQLite takes its write lock at BEGIN IMMEDIATE, so ids commit in order there
(the simulated case in test_feed runs on both). The data must be committed for the other
connection to see it: `transactional_db` of the dossier tests deletes what the test added.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from haicap.dossiers.models import Dossier, DossierEvent, Status
from haicap.dossiers.services import record_event
from haicap.dossiers.testing import build_province, submit
from haicap.dossiers.tests.conftest import transactional_db  # noqa: F401 (the fixture)
from haicap.national_portal import services
from haicap.national_portal.models import FeedCursor, FeedItem

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite commits ids in order (BEGIN IMMEDIATE)")
WAIT = 20  # seconds


def withdraw(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.WITHDRAWN)
    dossier.refresh_from_db()
    record_event(dossier, "withdraw", Status.NEW)


def test_an_event_committed_after_a_later_one_is_fed(transactional_db):  # noqa: F811
    build_province()
    slow, quick = submit(channel="online"), submit(channel="online")
    services.produce()
    inserted, release = threading.Event(), threading.Event()

    def slow_transaction():
        try:
            with transaction.atomic():
                withdraw(slow)  # takes its id now, commits when released
                inserted.set()
                release.wait(WAIT)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    try:
        assert inserted.wait(WAIT)
        withdraw(quick)  # a higher id, committed at once
        services.produce()
        slow_event = DossierEvent.objects.filter(dossier=quick).latest("pk").pk - 1
        assert FeedCursor.objects.get().holes.keys() == {str(slow_event)}
    finally:
        release.set()
        thread.join(WAIT)

    services.produce()

    assert set(FeedItem.objects.filter(national_status=7).values_list("dossier", flat=True)) == {
        slow.pk, quick.pk}
    assert FeedCursor.objects.get().holes == {}
