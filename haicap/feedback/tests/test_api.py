"""The feedback API: a signed-in citizen rates and complains about their own dossiers only;
officers list and answer their own unit's complaints."""

import pytest

from haicap.core.tests import factories
from haicap.feedback import services
from haicap.feedback.models import Complaint, Rating
from haicap.feedback.tests.conftest import filed
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_the_owner_rates_their_dossier(client, finished, citizen):
    client.force_login(citizen)

    response = post(client, f"/api/v1/dossiers/{finished.code}/rating",
                    {"score": 5, "reason": "fast", "comment": "Tốt"})

    assert response.status_code == 200
    body = response.json()
    assert (body["dossier_code"], body["score"], body["via"]) == (finished.code, 5, "portal")
    assert body["changeable_until"] > body["rated_at"]


def test_someone_elses_dossier_is_not_found(client, finished):
    other = factories.resident(Commune.objects.get(province_id="48", name="Phường Hải Châu"),
                               full_name="Trần Văn B")
    client.force_login(other)

    response = post(client, f"/api/v1/dossiers/{finished.code}/rating", {"score": 5})

    assert (response.status_code, response.json()["code"]) == (404, "dossier_not_found")
    assert not Rating.objects.exists()


def test_rating_needs_a_signed_in_person(client, finished):
    response = post(client, f"/api/v1/dossiers/{finished.code}/rating", {"score": 5})

    assert response.status_code == 401


def test_the_api_refuses_a_score_outside_1_to_5_and_a_dossier_without_result(
        client, finished, citizen, province):
    client.force_login(citizen)
    open_dossier = filed(province, citizen)

    bad_score = post(client, f"/api/v1/dossiers/{finished.code}/rating", {"score": 9})
    too_early = post(client, f"/api/v1/dossiers/{open_dossier.code}/rating", {"score": 5})

    assert (bad_score.status_code, bad_score.json()["code"]) == (422, "invalid_score")
    assert (too_early.status_code, too_early.json()["code"]) == (422, "no_result_yet")


def test_the_owner_sends_a_complaint(client, finished, citizen):
    client.force_login(citizen)

    response = post(client, f"/api/v1/dossiers/{finished.code}/complaints",
                    {"category": "late", "text": "Trễ hẹn hai ngày"})

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["office_code"]) == ("received", finished.competent_office.code)
    assert Complaint.objects.get().filed_by == citizen


def test_officers_list_their_units_complaints_only(client, finished, province, citizen):
    ours = services.file_complaint(finished, "late", "Trễ", "portal")
    hoi_an = filed(province, citizen, address="3 Trần Hưng Đạo, Phường Hội An, "
                                              "Thành phố Đà Nẵng")
    services.file_complaint(hoi_an, "fees", "Phí", "portal")
    client.force_login(province["leader"])

    response = client.get("/api/v1/complaints?status=received")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [ours.pk]
    assert client.get("/api/v1/complaints?status=nonsense").status_code == 422


def test_a_citizen_cannot_list_complaints(client, citizen):
    client.force_login(citizen)

    assert client.get("/api/v1/complaints").status_code == 403


def test_an_officer_answers_through_the_api_and_another_unit_cannot(client, finished,
                                                                    province):
    complaint = services.file_complaint(finished, "late", "Trễ", "portal")
    client.force_login(province["hoi_an_leader"])
    refused = post(client, f"/api/v1/complaints/{complaint.pk}/answer", {"answer": "Không"})
    client.force_login(province["leader"])

    response = post(client, f"/api/v1/complaints/{complaint.pk}/answer",
                    {"answer": "Đơn vị xin lỗi."})

    assert refused.status_code == 404  # another unit's complaint is not even visible
    assert (response.status_code, response.json()["status"]) == (200, "answered")
