"""Partner webhooks (issue 5): a partner's own dossiers' events as signed CloudEvents, retried
with backoff, rejected for good on a 4xx."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from haicap.catalog.selectors import procedure_by_code
from haicap.core.tests import factories
from haicap.core.tokens import ensure_partner, issue_token
from haicap.dossiers import services, testing
from haicap.dossiers.testing import HAI_CHAU_ADDRESS, MARITAL_STATUS, at, fresh
from haicap.notifications import services as notifications
from haicap.notifications import webhooks
from haicap.notifications.models import DeliveryStatus, WebhookDelivery
from haicap.notifications.tests.test_dispatch import quick_gateways  # noqa: F401

pytestmark = pytest.mark.django_db

province = testing.province  # the fixture


class Endpoint:
    """A partner's HTTP endpoint on this machine: records each request, answers `status`."""

    def __init__(self):
        self.requests, self.status = [], 204
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.requests.append((dict(self.headers), body))
                self.send_response(endpoint.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def endpoint():
    listening = Endpoint()
    yield listening
    listening.server.shutdown()
    listening.server.server_close()


@pytest.fixture
def hospital(endpoint):
    partner = ensure_partner(code="benh-vien", name="Bệnh viện")
    subscription = webhooks.subscribe(partner=partner, url=endpoint.url)
    return {"partner": partner, "subscription": subscription}


def submit(client: str = "", channel: str = "api"):
    body = procedure_by_code(MARITAL_STATUS).current_version.spec.example.body(MARITAL_STATUS)
    person = services.Applicant(id_number=factories.national_id("female", 1992),
                                full_name="Nguyễn Thị Mai", address=HAI_CHAU_ADDRESS,
                                phone="0905123456")
    return services.submit_dossier(procedure_code=MARITAL_STATUS, channel=channel,
                                   applicant=person, form=body["form"],
                                   documents=body["documents"],
                                   idempotency_client=client).dossier


def test_only_the_partners_own_dossiers_reach_its_webhook(province, hospital):
    own = submit(client="benh-vien")
    submit(client="ngan-hang")  # another partner's
    submit(channel="online")  # a citizen's

    report = notifications.dispatch_outbox()

    assert report.webhooks == 1
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event["subject"] == own.code
    assert notifications.dispatch_outbox().webhooks == 0  # published: never twice


def test_the_event_is_a_signed_cloudevent(province, hospital, endpoint, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    own = submit(client="benh-vien")
    now = at(monkeypatch, 2025, 3, 10, 9, 5)
    services.receive_dossier(officer=province["desk"], dossier=own,
                             lock_version=fresh(own).lock_version)
    notifications.dispatch_outbox()

    assert notifications.call_webhooks_due().counts == {"sent": 2}

    headers, body = endpoint.requests[1]
    event = json.loads(body)
    assert headers["Content-Type"] == "application/cloudevents+json; charset=utf-8"
    assert {key: event[key] for key in ("specversion", "type", "subject", "source")} == {
        "specversion": "1.0", "type": "vn.haicap.dossier.receive", "subject": own.code,
        "source": "/haicap/48"}
    assert event["data"]["status"] == "received" and event["id"] and event["time"]
    timestamp, signature = (part.split("=", 1)[1]
                            for part in headers["X-Haicap-Signature"].split(","))
    expected = hmac.new(hospital["subscription"].secret.encode(),
                        f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert int(timestamp) == int(now.timestamp())
    assert WebhookDelivery.objects.filter(response_status=204).count() == 2


def test_a_failing_endpoint_is_retried_with_backoff(province, hospital, endpoint, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0, 0)
    submit(client="benh-vien")
    notifications.dispatch_outbox()
    endpoint.status = 503

    assert notifications.call_webhooks_due().counts == {"retry": 1}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.error_code, delivery.attempts) == (
        DeliveryStatus.QUEUED, "http_503", 1)
    assert delivery.next_attempt_at == testing.local(2025, 3, 10, 9, 1, 0)
    endpoint.status = 200
    at(monkeypatch, 2025, 3, 10, 9, 1, 0)
    assert notifications.call_webhooks_due().counts == {"sent": 1}
    assert len(endpoint.requests) == 2


def test_an_endpoint_that_refuses_the_event_is_not_retried(province, hospital, endpoint,
                                                           monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(client="benh-vien")
    notifications.dispatch_outbox()
    endpoint.status = 400

    assert notifications.call_webhooks_due().counts == {"rejected": 1}
    at(monkeypatch, 2025, 3, 11, 9, 0)
    assert notifications.call_webhooks_due().counts == {}
    assert WebhookDelivery.objects.get().error_code == "http_400"


def test_an_unreachable_endpoint_is_retried(province, hospital, endpoint):
    submit(client="benh-vien")
    notifications.dispatch_outbox()
    endpoint.server.shutdown()
    endpoint.server.server_close()

    assert notifications.call_webhooks_due().counts == {"retry": 1}
    assert WebhookDelivery.objects.get().error_code == "unreachable"


def test_a_subscription_may_choose_its_event_types(province, hospital):
    hospital["subscription"].types = ["vn.haicap.dossier.return_result"]
    hospital["subscription"].save()
    submit(client="benh-vien")

    assert notifications.dispatch_outbox().webhooks == 0


# -- the partner's API -----------------------------------------------------------------------------

def bearer(partner) -> dict:
    return {"Authorization": f"Bearer {issue_token(partner)[1]}"}


def test_a_partner_registers_lists_and_stops_its_webhooks(client):
    partner = ensure_partner(code="benh-vien", name="Bệnh viện")
    other = ensure_partner(code="ngan-hang", name="Ngân hàng")
    webhooks.subscribe(partner=other, url="https://bank.example.vn/events")
    headers = bearer(partner)

    created = client.post("/api/v1/webhooks", {"url": "https://hospital.example.vn/events",
                                               "types": ["vn.haicap.dossier.receive"]},
                          content_type="application/json", headers=headers)

    assert created.status_code == 201 and len(created.json()["secret"]) >= 40
    listed = client.get("/api/v1/webhooks", headers=headers).json()
    assert [(item["url"], item["types"]) for item in listed] == [
        ("https://hospital.example.vn/events", ["vn.haicap.dossier.receive"])]
    assert "secret" not in listed[0]
    other_id = other.webhooks.get().pk
    assert client.delete(f"/api/v1/webhooks/{other_id}", headers=headers).status_code == 404
    deleted = client.delete(f"/api/v1/webhooks/{created.json()['id']}", headers=headers)
    assert deleted.status_code == 204
    assert client.get("/api/v1/webhooks", headers=headers).json() == []


def test_a_webhook_needs_a_web_url_and_dossier_event_types(client):
    headers = bearer(ensure_partner(code="benh-vien", name="Bệnh viện"))

    for body, code in (({"url": "file:///etc/passwd"}, "invalid_webhook_url"),
                       ({"url": "https://h.example.vn/e", "types": ["vn.haicap.task.overdue"]},
                        "invalid_event_type")):
        response = client.post("/api/v1/webhooks", body, content_type="application/json",
                               headers=headers)
        assert (response.status_code, response.json()["code"]) == (422, code)


def test_webhooks_are_for_partner_systems_not_sessions(client, province):
    client.force_login(province["desk"])
    assert client.get("/api/v1/webhooks").status_code == 401
