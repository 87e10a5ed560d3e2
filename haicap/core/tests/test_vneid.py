"""Rule: citizens sign in through a VNeID-style redirect flow; the sandbox says it is one."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user

from haicap.core.models import AuditEntry
from haicap.core.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_sandbox(settings):
    settings.HAICAP_SANDBOX_LATENCY_MS = 0
    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0


@pytest.fixture
def citizen():
    return factories.resident(factories.communes(count=1)[0], "Võ Thị Thu")


def authorize(client, national_id: str, passcode: str = "123456"):
    """Start at our site, answer the sandbox's page; return the response of that answer."""
    start = client.get("/dang-nhap/vneid/?next=/can-bo/cu-dan/")
    assert start.status_code == 302
    return client.post(start.url, {"national_id": national_id, "passcode": passcode})


def test_sandbox_flow_signs_the_citizen_in_and_returns_to_next(client, citizen):
    answer = authorize(client, citizen.national_id)
    callback = client.get(answer.url)

    assert callback.status_code == 302
    assert callback.url == "/can-bo/cu-dan/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert get_user(client).pk == citizen.pk  # the next requests are signed in too
    assert AuditEntry.objects.filter(action="citizen.sign_in", object_id=str(citizen.pk)).exists()


def test_sandbox_page_is_labelled_sandbox(client, citizen):
    start = client.get("/dang-nhap/vneid/")
    page = client.get(start.url)

    assert page.status_code == 200
    assert "SANDBOX" in page.text


def test_authorization_code_cannot_be_replayed(client, citizen):
    answer = authorize(client, citizen.national_id)
    query = parse_qs(urlsplit(answer.url).query)
    client.get(answer.url)
    client.logout()

    # A second sign-in attempt that presents the same code with a fresh state is refused.
    client.get("/dang-nhap/vneid/")
    state = client.session["vneid"]["state"]
    replay = client.get("/dang-nhap/vneid/callback/", {"code": query["code"][0], "state": state})

    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_callback_with_foreign_state_is_refused(client, citizen):
    answer = authorize(client, citizen.national_id)
    code = parse_qs(urlsplit(answer.url).query)["code"][0]

    response = client.get("/dang-nhap/vneid/callback/", {"code": code, "state": "forged"})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_unknown_identity_is_rejected_on_the_sandbox_page(client, citizen):
    response = authorize(client, factories.national_id("male", 1985))

    assert response.status_code == 200
    assert "VNeID" in response.text
    assert "_auth_user_id" not in client.session


def test_wrong_passcode_is_rejected(client, citizen):
    response = authorize(client, citizen.national_id, passcode="000000")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sandbox_outage_is_shown_as_a_retryable_error(client, citizen, settings):
    answer = authorize(client, citizen.national_id)
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0

    response = client.get(answer.url)

    assert response.status_code == 503
    assert "identity_provider_unavailable" in response.text
    assert "_auth_user_id" not in client.session


def test_authorize_refuses_redirect_to_another_host(client):
    response = client.get("/sandbox/vneid/authorize/", {
        "redirect_uri": "https://evil.example/cb", "state": "s", "nonce": "n"})

    assert response.status_code == 400
