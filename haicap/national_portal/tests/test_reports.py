"""The reports of the feed (issue 6.6): the synchronization report the national portal expects
and the reconciliation of sent vs acknowledged, as selectors, API, pages and CSV."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haicap.core.periods import Period
from haicap.dossiers.testing import at, submit
from haicap.national_portal import selectors, services
from haicap.national_portal.models import FeedItem, FeedStatus, SandboxReceipt
from haicap.national_portal.portals import SandboxNationalPortal
from haicap.national_portal.tests.conftest import returned_dossier

pytestmark = pytest.mark.django_db

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def fed(province, monkeypatch, portal):
    """Two dossiers returned (one received 10 March, one 17 March, the later one finished after
    its appointment), one online submission still new, all sent and acknowledged."""
    on_time = returned_dossier(province, monkeypatch, day=10)
    late = returned_dossier(province, monkeypatch, day=17)
    type(late).objects.filter(pk=late.pk).update(due_at=late.finished_at - timedelta(hours=1))
    at(monkeypatch, 2025, 3, 20, 9, 0)
    new = submit(channel="online")
    services.sync_once(portal)
    return {"on_time": on_time, "late": late, "new": new}


def test_the_sync_report_counts_dossiers_per_procedure_and_national_status(fed):
    report = selectors.sync_report(FeedItem.objects.all(), MARCH)

    [total] = report.totals
    assert (total.received, total.in_process, total.finished_on_time, total.finished_late,
            total.returned, total.ended_without_result) == (2, 1, 1, 1, 2, 0)
    assert total.by_status == {1: 3, 2: 2, 3: 0, 4: 2, 5: 0, 6: 0, 7: 0, 8: 0, 9: 2, 10: 2}


def test_the_daily_sync_report_counts_what_was_open_at_each_days_end(fed):
    report = selectors.sync_report(FeedItem.objects.all(), MARCH)

    days = {row.day: row for row in report.rows}
    assert days[date(2025, 3, 10)].in_process == 1 and days[date(2025, 3, 10)].received == 1
    assert days[date(2025, 3, 12)].returned == 1 and days[date(2025, 3, 12)].in_process == 0
    assert days[date(2025, 3, 18)].finished_late == 1
    assert days[date(2025, 3, 20)].by_status[1] == 1 and days[date(2025, 3, 20)].in_process == 1
    assert date(2025, 3, 13) not in days  # nothing open, nothing changed


def test_the_reconciliation_counts_items_per_day(fed, monkeypatch):
    # One more dossier: its submission is rejected, its reception never sent.
    at(monkeypatch, 2025, 3, 21, 9, 0)
    rejected = submit(channel="online")
    services.produce()
    item = FeedItem.objects.get(dossier=rejected)
    item.payload["MaTTHC"] = "9.999999"
    item.save(update_fields=["payload"])
    services.send_due(SandboxNationalPortal(latency_ms=0, failure_rate=0))

    found = selectors.reconciliation(FeedItem.objects.all(), MARCH)

    days = {row.day: row for row in found.days}
    assert days[date(2025, 3, 10)] == selectors.DayRow(date(2025, 3, 10), 3, 3, 3, 0, 0, 0)
    assert days[date(2025, 3, 21)] == selectors.DayRow(date(2025, 3, 21), 1, 1, 0, 1, 0, 0)
    assert found.totals.produced == 12 and found.totals.acknowledged == 11
    [discrepancy] = found.discrepancies
    assert (discrepancy.kind, discrepancy.dossier_code, discrepancy.resendable) == (
        "rejected", rejected.code, True)
    assert found.sandbox and found.portal_checked


def test_the_reconciliation_finds_what_the_portal_holds_without_our_acknowledgement(
        province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    services.produce()
    services.send_due(SandboxNationalPortal(latency_ms=0, failure_rate=1.0,
                                            lost_answer_share=1.0))
    # and one we think acknowledged that the portal never got
    item = FeedItem.objects.get(dossier=dossier)
    other = returned_dossier(province, monkeypatch, day=17)
    services.produce()
    FeedItem.objects.filter(dossier=other).update(status=FeedStatus.ACKNOWLEDGED)

    found = selectors.reconciliation(FeedItem.objects.all(), MARCH)

    kinds = {(d.kind, d.key) for d in found.discrepancies}
    assert ("acknowledged_not_recorded", item.key) in kinds
    assert len([kind for kind, _ in kinds if kind == "recorded_not_at_portal"]) == 5
    assert SandboxReceipt.objects.filter(key=item.key, accepted=True).exists()


def test_a_bad_period_is_refused_with_invalid_period(ops, client):
    client.force_login(ops)

    for path in ("/api/v1/national-portal/sync-report", "/api/v1/national-portal/reconciliation"):
        response = client.get(path, {"period": "2025-13"})
        assert response.status_code == 422 and response.json()["code"] == "invalid_period"


@pytest.mark.parametrize("text,start,end", [
    ("2025-03-10", date(2025, 3, 10), date(2025, 3, 10)),
    ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
    ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("2025-03-01..2025-03-05", date(2025, 3, 1), date(2025, 3, 5)),
])
def test_periods_are_written_as_the_operations_centre_writes_them(text, start, end):
    assert Period.parse(text) == Period(start, end)


def test_the_sync_report_api_answers_the_operations_centre(fed, ops, client):
    client.force_login(ops)

    body = client.get("/api/v1/national-portal/sync-report", {"period": "2025-03"}).json()

    assert body["sandbox"] is True and body["period"] == "2025-03-01..2025-03-31"
    [total] = body["totals"]
    assert total["received"] == 2 and total["by_status"]["10"] == 2


def test_the_api_is_for_the_operations_centre_only(fed, province, client):
    client.force_login(province["desk"])

    response = client.get("/api/v1/national-portal/sync-report")

    assert response.status_code == 403


def test_an_officer_resends_through_the_api(fed, ops, client, monkeypatch):
    item = FeedItem.objects.filter(dossier=fed["new"]).get()
    FeedItem.objects.filter(pk=item.pk).update(status=FeedStatus.FAILED)
    client.force_login(ops)

    response = client.post("/api/v1/national-portal/items/resend", {"ids": [item.pk]},
                           content_type="application/json")

    assert response.json() == {"resent": 1}
    assert FeedItem.objects.get(pk=item.pk).status == FeedStatus.QUEUED


def test_the_pages_show_the_sandbox_and_the_numbers(fed, ops, client):
    client.force_login(ops)

    page = client.get("/cong-quoc-gia/doi-soat/", {"period": "2025-03"})
    report = client.get("/cong-quoc-gia/bao-cao-dong-bo/", {"period": "2025-03"})

    assert page.status_code == 200 and "SANDBOX" in page.content.decode()
    assert report.status_code == 200 and fed["on_time"].procedure.code in report.content.decode()


def test_the_pages_are_for_the_operations_centre_only(fed, province, client):
    client.force_login(province["leader"])

    assert client.get("/cong-quoc-gia/doi-soat/").status_code == 403


def test_the_resend_button_answers_htmx_with_the_refreshed_table(fed, ops, client):
    item = FeedItem.objects.filter(dossier=fed["new"]).get()
    FeedItem.objects.filter(pk=item.pk).update(status=FeedStatus.REJECTED, sent_at=item.sent_at)
    client.force_login(ops)

    response = client.post("/cong-quoc-gia/doi-soat/gui-lai/",
                           {"item": item.pk, "period": "2025-03"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and "<h1>" not in response.content.decode()
    assert FeedItem.objects.get(pk=item.pk).status == FeedStatus.QUEUED


def test_the_sync_report_downloads_as_csv(fed, ops, client):
    client.force_login(ops)

    response = client.get("/cong-quoc-gia/bao-cao-dong-bo/", {"period": "2025-03",
                                                             "format": "csv"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("day,procedure_code,procedure_name,received")
    assert lines[-1].startswith(f"2025-03-01..2025-03-31,{fed['on_time'].procedure.code}")


def test_the_reconciliation_page_reads_as_many_queries_whatever_the_items(
        fed, ops, client, province, monkeypatch, portal):
    client.force_login(ops)
    FeedItem.objects.filter(dossier=fed["new"]).update(status=FeedStatus.REJECTED)
    with CaptureQueriesContext(connection) as few:
        client.get("/cong-quoc-gia/doi-soat/", {"period": "2025-03"})

    returned_dossier(province, monkeypatch, day=24)
    services.sync_once(portal)
    FeedItem.objects.filter(national_status=10).update(status=FeedStatus.REJECTED)
    with CaptureQueriesContext(connection) as many:
        client.get("/cong-quoc-gia/doi-soat/", {"period": "2025-03"})

    assert len(many) == len(few)


def test_the_reconciliation_api_answers_per_day_with_the_sandbox_label(fed, ops, client):
    client.force_login(ops)

    body = client.get("/api/v1/national-portal/reconciliation", {"period": "2025-03"}).json()

    assert body["sandbox"] is True and body["portal_checked"] is True
    assert body["totals"]["produced"] == body["totals"]["acknowledged"] == 11
    assert body["discrepancy_count"] == 0 and body["days"][0]["day"] == "2025-03-10"


def test_an_item_given_up_shows_as_a_discrepancy_to_resend(province, monkeypatch, settings):
    settings.HAICAP_NATIONAL_PORTAL_MAX_ATTEMPTS = 1
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(channel="online")
    services.produce()
    services.send_due(SandboxNationalPortal(latency_ms=0, failure_rate=1.0,
                                            lost_answer_share=0.0))

    found = selectors.reconciliation(FeedItem.objects.all(), MARCH)

    [discrepancy] = found.discrepancies
    assert (discrepancy.kind, discrepancy.resendable) == ("given_up", True)
    assert found.days[0].failed == 1 and found.days[0].sent == 1
