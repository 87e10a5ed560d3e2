"""Sending the feed (issue 6.6): batches in order per dossier, retries with exponential backoff,
giving up, rejections, acknowledgements stored on the item, resending by an officer."""

from datetime import timedelta

import pytest

from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.dossiers.testing import at, submit
from haicap.national_portal import services
from haicap.national_portal.models import FeedItem, FeedStatus, SandboxReceipt
from haicap.national_portal.portals import SandboxNationalPortal
from haicap.national_portal.tests.conftest import returned_dossier

pytestmark = pytest.mark.django_db


def outage(*, answer_lost: bool = False) -> SandboxNationalPortal:
    """A portal that never answers (answer_lost: it stores each batch, the answer gets lost)."""
    return SandboxNationalPortal(latency_ms=0, failure_rate=1.0,
                                 lost_answer_share=1.0 if answer_lost else 0.0)


def clock(monkeypatch, moment) -> None:
    monkeypatch.setattr(services.timezone, "now", lambda: moment)


def states(dossier) -> list[tuple[int, str]]:
    return list(FeedItem.objects.filter(dossier=dossier).order_by("event_id")
                .values_list("national_status", "status"))


def test_a_dossiers_statuses_leave_one_at_a_time_in_order(province, monkeypatch, portal):
    dossier = returned_dossier(province, monkeypatch)
    services.produce()

    sent = []
    while services.send_due(portal).items:
        sent.append(list(SandboxReceipt.objects.order_by("-id").values_list(
            "national_status", flat=True)[:1]))

    assert sent == [[1], [2], [4], [9], [10]]
    assert all(state == FeedStatus.ACKNOWLEDGED for _, state in states(dossier))
    item = FeedItem.objects.filter(dossier=dossier).first()
    assert item.acknowledged_at is not None and item.receipt.startswith("sandbox-")
    assert item.sandbox is True and item.attempts == 1


def test_other_dossiers_go_in_the_same_batch(province, monkeypatch, portal):
    returned_dossier(province, monkeypatch, day=10)
    returned_dossier(province, monkeypatch, day=17)
    services.produce()

    assert services.send_due(portal).counts == {FeedStatus.ACKNOWLEDGED: 2}


def test_a_dossier_whose_earlier_item_was_rejected_waits(province, monkeypatch, portal):
    waiting = returned_dossier(province, monkeypatch, day=10)
    other = returned_dossier(province, monkeypatch, day=17)
    services.produce()
    first = FeedItem.objects.filter(dossier=waiting).first()
    first.payload["MaTTHC"] = "9.999999"  # a procedure the national catalogue does not know
    first.save(update_fields=["payload"])

    services.sync_once(portal)

    assert states(waiting) == [(1, FeedStatus.REJECTED)] + [
        (status, FeedStatus.QUEUED) for status in (2, 4, 9, 10)]
    assert {state for _, state in states(other)} == {FeedStatus.ACKNOWLEDGED}
    first.refresh_from_db()
    assert first.error_code == "unknown_procedure" and "9.999999" in first.last_error
    assert not FeedItem.objects.filter(dossier=waiting, sent_at__isnull=False)\
        .exclude(pk=first.pk).exists()


def test_an_unanswered_batch_is_retried_with_exponential_backoff_then_given_up(
        province, monkeypatch, settings):
    settings.HAICAP_NATIONAL_PORTAL_MAX_ATTEMPTS = 3
    settings.HAICAP_NATIONAL_PORTAL_RETRY_SECONDS = 60
    now = at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(channel="online")
    services.produce()
    portal = outage()

    assert services.send_due(portal).counts == {"retry": 1}
    first_retry = FeedItem.objects.get().next_attempt_at
    assert first_retry == now + timedelta(seconds=60)
    assert services.send_due(portal).items == 0  # not due before its time
    clock(monkeypatch, first_retry)
    assert services.send_due(portal).counts == {"retry": 1}
    second_retry = FeedItem.objects.get().next_attempt_at
    assert second_retry == first_retry + timedelta(seconds=120)
    clock(monkeypatch, second_retry)

    assert services.send_due(portal).counts == {FeedStatus.FAILED: 1}
    item = FeedItem.objects.get()
    assert (item.status, item.attempts, item.error_code) == (FeedStatus.FAILED, 3,
                                                             "portal_unavailable")
    assert item.acknowledged_at is None and not SandboxReceipt.objects.exists()


def test_retry_delays_double(settings):
    settings.HAICAP_NATIONAL_PORTAL_RETRY_SECONDS = 60

    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_lost_answer_is_retried_and_the_portal_counts_the_item_once(province, monkeypatch,
                                                                       portal):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(channel="online")
    services.produce()

    assert services.send_due(outage(answer_lost=True)).counts == {"retry": 1}
    receipt = SandboxReceipt.objects.get()
    assert receipt.accepted  # the portal has it; we do not know yet
    item = FeedItem.objects.get()
    clock(monkeypatch, item.next_attempt_at)
    assert services.send_due(portal).counts == {FeedStatus.ACKNOWLEDGED: 1}

    item.refresh_from_db()
    assert item.receipt == receipt.receipt and item.attempts == 2
    assert SandboxReceipt.objects.filter(accepted=True).count() == 1


def test_the_portal_refuses_a_status_jump(province, portal):
    record = {"MaDongBo": "48-1", "MaHoSo": "X-1", "MaTTHC": "1.001193", "MaDonVi": "UB-1",
              "TrangThaiHoSo": 10, "KenhThucHien": 2, "NgayNopHoSo": "20250310090000",
              "NgayTiepNhan": "20250310090000", "ThoiDiemCapNhat": "20250310090000"}

    [ack] = portal.send([record])

    assert not ack.accepted and ack.code == "status_jump_refused"


def test_the_portal_refuses_a_supplement_request_of_a_dossier_not_received(province, monkeypatch,
                                                                           portal):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    services.produce()
    item = FeedItem.objects.get(dossier=dossier)
    item.payload["TrangThaiHoSo"] = 5
    item.save(update_fields=["payload"])

    services.send_due(portal)

    item.refresh_from_db()
    assert (item.status, item.error_code) == (FeedStatus.REJECTED, "not_received_yet")


def test_an_officer_resends_a_rejected_item_and_it_is_audited(province, monkeypatch, portal, ops):
    dossier = returned_dossier(province, monkeypatch)
    services.produce()
    first = FeedItem.objects.filter(dossier=dossier).first()
    first.payload["MaTTHC"] = "9.999999"
    first.save(update_fields=["payload"])
    services.sync_once(portal)

    assert services.resend(officer=ops, item_ids=[first.pk]) == 1
    services.sync_once(portal)

    first.refresh_from_db()
    assert first.payload["MaTTHC"] == dossier.procedure.code  # rebuilt from the dossier
    assert [state for _, state in states(dossier)] == [FeedStatus.ACKNOWLEDGED] * 5
    entry = AuditEntry.objects.get(action="national_portal.resend")
    assert entry.object_id == str(first.pk) and "unknown_procedure" in entry.summary


def test_only_failed_or_rejected_items_are_resent(province, monkeypatch, portal, ops):
    returned_dossier(province, monkeypatch)
    services.sync_once(portal)

    with pytest.raises(InvalidInput):
        services.resend(officer=ops, item_ids=list(FeedItem.objects.values_list("pk", flat=True)))


def test_a_desk_officer_may_not_resend(province, monkeypatch, portal):
    with pytest.raises(PermissionDenied):
        services.resend(officer=province["desk"], item_ids=[1])
