"""Producing the feed (issue 6.6): one item per national status change, read from the event log
with the feed's own cursor, never twice, never skipping an event that commits late."""

import pytest

from haicap.dossiers.models import Dossier, DossierEvent, OutboxMessage, Status
from haicap.dossiers.services import record_event
from haicap.dossiers.testing import HANOI_TIME, at, submit
from haicap.national_portal import services
from haicap.national_portal.models import FeedCursor, FeedItem
from haicap.national_portal.tests.conftest import returned_dossier

pytestmark = pytest.mark.django_db


def statuses(dossier) -> list[int]:
    return list(FeedItem.objects.filter(dossier=dossier).order_by("event_id")
                .values_list("national_status", flat=True))


def test_each_national_status_change_of_a_dossier_becomes_one_feed_item(province, monkeypatch):
    dossier = returned_dossier(province, monkeypatch)

    report = services.produce()

    # forward (in process → in process) changes nothing the portal counts
    assert statuses(dossier) == [1, 2, 4, 9, 10]
    assert report.items == 5 and report.events == dossier.events.count() == 6


def test_running_the_feed_again_never_duplicates_an_item(province, monkeypatch):
    dossier = returned_dossier(province, monkeypatch)
    services.produce()

    assert services.produce().items == 0
    FeedCursor.objects.update(position=0, holes={})  # even read from the start again
    assert services.produce().items == 0
    assert statuses(dossier) == [1, 2, 4, 9, 10]


def test_an_event_that_keeps_the_national_status_makes_no_item(province, monkeypatch):
    dossier = returned_dossier(province, monkeypatch)
    services.produce()

    record_event(dossier, "rate", dossier.status, data={"score": 5, "via": "portal"})

    assert services.produce() == services.ProduceReport(events=1, items=0)


def test_the_feed_leaves_the_outbox_to_the_notifications(province, monkeypatch):
    returned_dossier(province, monkeypatch)

    services.produce()

    assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()


def hide(event: DossierEvent) -> dict:
    """Take an event out of the log as if its transaction had not committed yet; the row to
    put back under the same id (its commit)."""
    row = DossierEvent.objects.filter(pk=event.pk).values().get()
    DossierEvent.objects.filter(pk=event.pk).delete()
    return row


def three_events(dossier) -> list[DossierEvent]:
    """A note, a withdrawal (national status 7) and a note, from three transactions."""
    record_event(dossier, "note", dossier.status)
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.WITHDRAWN)
    dossier.refresh_from_db()
    record_event(dossier, "withdraw", Status.NEW)
    record_event(dossier, "note", dossier.status)
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("-pk")[:3])[::-1]


def test_an_event_committed_after_a_higher_one_is_not_skipped(province, monkeypatch):
    now = at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    services.produce()
    _, withdrawal, last = three_events(dossier)
    # PostgreSQL hands ids out at insert: the withdrawal's transaction commits after the last
    # note's, which the feed reads first.
    uncommitted = hide(withdrawal)

    services.produce()
    assert FeedCursor.objects.get().position == last.pk
    assert FeedCursor.objects.get().holes == {str(withdrawal.pk): now.isoformat()}

    at(monkeypatch, 2025, 3, 10, 9, 1)
    DossierEvent.objects.bulk_create([DossierEvent(**uncommitted)])  # commits
    assert services.produce().items == 1

    assert statuses(dossier) == [1, 7]
    assert FeedCursor.objects.get().holes == {}


def test_a_hole_no_event_fills_is_given_up_after_the_safety_lag(province, monkeypatch,
                                                                 settings):
    settings.HAICAP_NATIONAL_PORTAL_LAG_SECONDS = 600
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    services.produce()
    _, rolled_back, _ = three_events(dossier)
    hide(rolled_back)  # a transaction that rolled back: its id never appears
    services.produce()

    at(monkeypatch, 2025, 3, 10, 9, 10)
    services.produce()
    assert FeedCursor.objects.get().holes != {}  # still looked for within the lag
    at(monkeypatch, 2025, 3, 10, 9, 10, 1)
    services.produce()

    assert FeedCursor.objects.get().holes == {}


def test_the_payload_has_the_portals_fields_and_no_personal_data_but_the_id_number(
        province, monkeypatch):
    dossier = returned_dossier(province, monkeypatch)
    services.produce()

    records = [item.payload for item in FeedItem.objects.filter(dossier=dossier)
               .order_by("event_id")]

    received = records[1]
    assert received["MaHoSo"] == dossier.code and received["TrangThaiHoSo"] == 2
    assert received["MaTTHC"] == dossier.procedure.code
    assert received["MaDonVi"] == dossier.competent_office.code
    assert received["KenhThucHien"] == 1  # in person
    assert received["NgayTiepNhan"] == "20250310090000"
    assert received["NgayHenTra"] == dossier.due_at.astimezone(HANOI_TIME).strftime("%Y%m%d%H%M%S")
    assert records[0]["NgayTiepNhan"] is None and records[0]["NgayHenTra"] is None
    assert records[4]["NgayTra"] == "20250312090000"
    assert records[3]["NgayKetThucXuLy"] == "20250311090000"
    text = str(records)
    for personal in (dossier.applicant_name, dossier.applicant_address, dossier.applicant_phone):
        assert personal not in text
    assert all(record["SoDinhDanhChuHoSo"] == dossier.applicant_id_number for record in records)
