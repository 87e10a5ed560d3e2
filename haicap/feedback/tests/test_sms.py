"""Rating by SMS (sandbox gateway callback): "DG <code> <1-5> [reason]" from the applicant's
own phone only; a bad message is a 422 with a stable code and a Vietnamese reply."""

import pytest
from django.conf import settings

from haicap.dossiers.models import DossierEvent
from haicap.feedback.models import Rating
from haicap.feedback.tests.conftest import PHONE, filed

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/sms"


def sms(client, text: str, sender: str = PHONE, secret: str = settings.DEMO_FEEDBACK_SMS_SECRET):
    return client.post(URL, {"from": sender, "text": text}, content_type="application/json",
                       headers={"X-Haicap-Sms-Secret": secret})


def test_a_rating_sms_from_the_applicants_phone_is_recorded_via_sms(client, finished):
    response = sms(client, f"dg {finished.code} 5 Cán bộ hướng dẫn tận tình")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["score"], body["sandbox"]) == ("rated", 5, True)
    assert body["message"].startswith("Cảm ơn")
    rating = Rating.objects.get(dossier=finished)
    assert (rating.score, rating.via, rating.comment) == (5, "sms", "Cán bộ hướng dẫn tận tình")
    event = DossierEvent.objects.filter(dossier=finished, action="rate").get()
    assert event.data == {"score": 5, "reason": "", "via": "sms"}
    assert event.actor == "sms-gateway"


def test_the_sender_number_may_come_in_international_form(client, finished):
    response = sms(client, f"DG {finished.code} 4", sender="+84905123456")

    assert response.status_code == 200


def test_a_rating_sms_from_another_phone_is_refused(client, finished):
    response = sms(client, f"DG {finished.code} 1", sender="0912000111")

    assert response.status_code == 422
    assert response.json()["code"] == "phone_mismatch"
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("text", "code"), [
    ("Xin chào", "sms_format"),
    ("DG", "sms_format"),
    ("HS 123 5", "sms_format"),
    ("DG {code} 6", "invalid_score"),
    ("DG {code} năm", "invalid_score"),
    ("DG UB-99999-2025-000001 5", "dossier_not_found"),
])
def test_a_bad_message_gets_a_stable_code_and_a_vietnamese_reply(client, finished, text, code):
    response = sms(client, text.format(code=finished.code))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["message"] != body["code"]
    assert not Rating.objects.exists()


def test_a_rating_sms_before_the_result_is_refused(client, province, citizen):
    dossier = filed(province, citizen)

    response = sms(client, f"DG {dossier.code} 5")

    assert (response.status_code, response.json()["code"]) == (422, "no_result_yet")


def test_the_gateway_must_give_the_shared_secret(client, finished, settings):
    settings.HAICAP_FEEDBACK_SMS_SECRET = "another-secret"

    response = sms(client, f"DG {finished.code} 5")

    assert (response.status_code, response.json()["code"]) == (403, "invalid_gateway_secret")
    assert sms(client, f"DG {finished.code} 5", secret="another-secret").status_code == 200
