"""Reading notifications (issue 5): the API and /thong-bao/ show the caller's own only."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haicap.core.tests import factories
from haicap.dossiers import testing, timers
from haicap.dossiers.testing import at
from haicap.notifications import services
from haicap.notifications.models import Notification, NotificationChannel
from haicap.notifications.tests.test_dispatch import quick_gateways, submit  # noqa: F401

pytestmark = pytest.mark.django_db

province = testing.province  # the fixture


@pytest.fixture
def told(province, monkeypatch):
    """Two citizens told of their dossiers by SMS; two specialists warned in the app."""
    at(monkeypatch, 2025, 3, 10, 9, 0)
    commune = factories.communes()[0]
    mai, lan = factories.resident(commune), factories.resident(commune, full_name="Trần Lan")
    mine = submit(applicant=mai, email="")
    theirs = submit(applicant=lan, email="", phone="0912345678")
    for person, dossier in ((mai, mine), (lan, theirs)):
        dossier.applicant = person
        dossier.save(update_fields=["applicant"])
    submit(channel="in_person", desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, 11, 14, 0)
    timers.tick()  # warns the appraisal's queue: both specialists
    services.dispatch_outbox()
    services.send_due()
    return {"mai": mai, "lan": lan, "mine": mine, "theirs": theirs}


def test_the_api_lists_only_my_own_notifications_newest_first(told, client):
    client.force_login(told["mai"])

    response = client.get("/api/v1/notifications")

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["dossier_code"] == told["mine"].code and item["channel"] == NotificationChannel.SMS
    assert item["status"] == "sent" and item["sandbox"] is True
    assert item["text"].startswith(f"Hồ sơ {told['mine'].code}")


def test_the_api_needs_a_signed_in_person(told, client):
    assert client.get("/api/v1/notifications").status_code == 401


def test_an_officer_marks_in_app_notifications_read_through_the_api(told, client, province):
    client.force_login(province["specialist"])
    [item] = client.get("/api/v1/notifications").json()["items"]
    assert item["channel"] == NotificationChannel.IN_APP and item["read_at"] is None

    response = client.post("/api/v1/notifications/read", {"ids": [item["id"]]},
                           content_type="application/json")

    assert response.json() == {"marked": 1}
    assert Notification.objects.get(pk=item["id"]).read_at is not None
    other = Notification.objects.get(recipient=province["other_specialist"])
    assert other.read_at is None  # someone else's stays unread


def test_nobody_marks_another_persons_notification_read(told, client, province):
    other = Notification.objects.get(recipient=province["other_specialist"])
    client.force_login(province["specialist"])

    response = client.post("/api/v1/notifications/read", {"ids": [other.pk]},
                           content_type="application/json")

    assert response.json() == {"marked": 0}


def test_the_page_shows_my_messages_with_the_sandbox_label(told, client):
    client.force_login(told["mai"])

    page = client.get(reverse("notifications:inbox")).content.decode()

    assert told["mine"].code in page and told["theirs"].code not in page
    assert "sandbox" in page and "0905123456" in page
    assert reverse("portal:my_dossier", args=[told["mine"].code]) in page


def test_an_officer_reads_and_marks_all_read_on_the_page(told, client, province):
    client.force_login(province["specialist"])
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "sắp đến hạn" in page and "Đánh dấu 1 thông báo chưa đọc là đã đọc" in page
    assert "/can-bo/ho-so/" in page  # the dossier in the workspace

    response = client.post(reverse("notifications:mark_read"))

    assert response.status_code == 302
    assert not Notification.objects.of(province["specialist"]).unread().exists()
    assert Notification.objects.of(province["other_specialist"]).unread().exists()


def test_the_page_needs_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_unread_badge_counts_my_unread_in_app_notifications(told, rf, province):
    request = rf.get("/")
    request.user = province["specialist"]
    template = Template("{% load notifications %}{% unread_notifications as n %}{{ n }}")
    assert template.render(Context({"request": request})) == "1"


def test_the_page_takes_the_same_queries_for_one_or_many_notifications(told, client,
                                                                        province):
    client.force_login(province["specialist"])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:inbox"))
    first = Notification.objects.get(recipient=province["specialist"])
    for n in range(5):
        Notification.objects.create(message_id=f"00000000-0000-0000-0000-00000000000{n}",
                                    kind=first.kind, channel=first.channel,
                                    recipient=province["specialist"], text=first.text,
                                    dossier_code=first.dossier_code, created_at=first.created_at)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("notifications:inbox"))

    assert len(six) == len(one)
