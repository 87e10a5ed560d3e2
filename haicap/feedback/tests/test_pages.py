"""Feedback pages: the rating page of the signed link (no sign-in), the block on a citizen's
dossier page, the officers' complaints page with its answer form."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from haicap.core.tests import factories
from haicap.feedback import links, services
from haicap.feedback.models import Complaint, ComplaintStatus, Rating
from haicap.feedback.tests.conftest import filed
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_the_link_page_rates_without_signing_in(client, finished):
    path = links.rating_path(finished)
    page = client.get(path)

    response = client.post(path, {"score": "5", "reason": "helpful", "comment": ""})

    assert page.status_code == 200
    assert finished.code in page.content.decode() and 'name="score"' in page.content.decode()
    assert (response.status_code, response["Location"]) == (302, f"{path}?done=1")
    thanks = client.get(response["Location"]).content.decode()
    assert "5/5" in thanks and 'role="status"' in thanks
    rating = Rating.objects.get(dossier=finished)
    assert (rating.score, rating.reason, rating.via) == (5, "helpful", "portal")
    assert finished.events.last().actor == "rating-link"


def test_the_link_page_shows_the_error_and_keeps_the_choices(client, finished):
    response = client.post(links.rating_path(finished), {"score": "7", "comment": "Được"})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and "Được" in html
    assert not Rating.objects.exists()


def test_a_forged_link_opens_nothing(client, finished):
    response = client.get(links.rating_path(finished).replace(f"{finished.pk}:", "1:", 1)
                          .replace("/danh-gia/", "/danh-gia/9"))

    assert response.status_code == 422
    assert 'name="score"' not in response.content.decode()


def _block(dossier, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load feedback %}{% dossier_feedback dossier %}").render(
        Context({"dossier": dossier, "request": request, "csrf_token": "t"}))


def test_the_dossier_block_offers_rating_once_there_is_a_result(finished, province, citizen):
    open_dossier = filed(province, citizen)

    with_result = _block(finished, citizen)
    without = _block(open_dossier, citizen)

    assert 'name="score"' in with_result and f"{finished.code}/danh-gia/" in with_result
    assert 'name="score"' not in without and 'name="category"' in without


def test_the_block_shows_the_rating_given_and_the_answers(finished, province, citizen):
    services.rate_dossier(finished, 4, "clear", "sms")
    complaint = services.file_complaint(finished, "fees", "Thu thêm phí", "portal")
    services.answer_complaint(officer=province["leader"], complaint=complaint,
                              answer="Đã hoàn trả khoản thu thừa.")

    html = _block(finished, citizen)

    assert "4/5" in html and "Đã hoàn trả khoản thu thừa." in html


def test_a_citizen_rates_from_their_dossier_page_with_htmx(client, finished, citizen):
    client.force_login(citizen)

    response = client.post(f"/ho-so-cua-toi/{finished.code}/danh-gia/", {"score": "3"},
                           headers=HTMX)

    assert response.status_code == 200
    assert 'id="feedback"' in response.content.decode()
    assert Rating.objects.get().score == 3


def test_a_plain_form_goes_back_to_the_dossier_page(client, finished, citizen):
    client.force_login(citizen)

    response = client.post(f"/ho-so-cua-toi/{finished.code}/phan-anh/",
                           {"category": "attitude", "text": "Cán bộ chưa niềm nở"})

    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-cua-toi/{finished.code}/#feedback"
    assert Complaint.objects.get().category == "attitude"


def test_a_complaint_error_comes_back_in_the_block(client, finished, citizen):
    client.force_login(citizen)

    response = client.post(f"/ho-so-cua-toi/{finished.code}/phan-anh/",
                           {"category": "late", "text": ""}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in html
    assert not Complaint.objects.exists()


def test_another_citizens_dossier_is_404(client, finished):
    other = factories.resident(Commune.objects.get(province_id="48", name="Phường Hội An"),
                               full_name="Lê Văn C")
    client.force_login(other)

    response = client.post(f"/ho-so-cua-toi/{finished.code}/danh-gia/", {"score": "5"})

    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_an_officer_is_told_the_citizen_forms_are_for_citizens(client, finished, province):
    client.force_login(province["desk"])

    response = client.post(f"/ho-so-cua-toi/{finished.code}/danh-gia/", {"score": "5"})

    assert response.status_code == 403


@pytest.fixture
def complaints(finished, province, citizen):
    made = [services.file_complaint(finished, category, f"Phản ánh {category}", "portal")
            for category in ("late", "fees", "attitude")]
    hoi_an = filed(province, citizen, address="3 Trần Hưng Đạo, Phường Hội An, "
                                              "Thành phố Đà Nẵng")
    made.append(services.file_complaint(hoi_an, "other", "Ở Hội An", "portal"))
    return made


def test_the_complaints_page_lists_the_units_complaints_with_filters(client, complaints,
                                                                     province):
    client.force_login(province["specialist"])

    page = client.get("/can-bo/phan-anh/")
    filtered = client.get("/can-bo/phan-anh/?category=fees", headers=HTMX)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Phản ánh late" in html and "Phản ánh fees" in html and "Ở Hội An" not in html
    assert "Phản ánh fees" in filtered.content.decode()
    assert "Phản ánh late" not in filtered.content.decode()


def test_the_complaints_page_reads_a_fixed_number_of_queries(client, complaints, province):
    client.force_login(province["leader"])
    client.get("/can-bo/phan-anh/")  # warm the per-worker reference data

    with CaptureQueriesContext(connection) as few:
        client.get("/can-bo/phan-anh/?category=late")
    another = filed(province, complaints[0].dossier.applicant)
    more = [services.file_complaint(another, "other", "Thêm", "portal") for _ in range(2)]
    with CaptureQueriesContext(connection) as many:
        client.get("/can-bo/phan-anh/")

    assert more and len(many) == len(few)


def test_an_officer_answers_in_place_with_htmx(client, complaints, province):
    complaint = complaints[0]
    client.force_login(province["desk"])

    response = client.post(f"/can-bo/phan-anh/{complaint.pk}/",
                           {"action": "answer", "answer": "Đơn vị xin lỗi ông/bà."},
                           headers=HTMX)

    assert response.status_code == 200
    assert f'id="complaint-{complaint.pk}"' in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.ANSWERED


def test_another_units_complaint_cannot_be_answered_from_the_page(client, complaints,
                                                                  province):
    client.force_login(province["son_tra_desk"])

    response = client.post(f"/can-bo/phan-anh/{complaints[0].pk}/",
                           {"action": "answer", "answer": "Không phải đơn vị tôi"})

    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaints[0].pk).status == ComplaintStatus.RECEIVED


def test_a_citizen_is_refused_the_complaints_page(client, citizen):
    client.force_login(citizen)

    assert client.get("/can-bo/phan-anh/").status_code == 403
