"""Public tracking (issue 5 point 7): code + CCCD, no other personal data, no enumeration."""

import pytest

from haicap.dossiers.testing import BIRTH, applicant, submit

pytestmark = pytest.mark.django_db

PHONE = "0905123456"


@pytest.fixture
def dossier(province):
    return submit(BIRTH, desk=province["hai_chau"],
                  who=applicant(phone=PHONE, email="mai@example.vn"))


def test_tracking_with_code_and_cccd_shows_the_progress(client, dossier):
    found = client.get(f"/api/v1/tracking/{dossier.code}",
                       {"id_number": dossier.applicant_id_number})

    assert found.status_code == 200
    body = found.json()
    assert body["code"] == dossier.code and body["national_status"] == 2
    assert body["procedure_name"] == dossier.procedure.name
    assert body["due_at"] and body["received_at"]
    assert body["competent_unit"] == dossier.competent_office.name


def test_tracking_shows_no_phone_address_name_or_email(client, dossier):
    text = client.get(f"/api/v1/tracking/{dossier.code}",
                      {"id_number": dossier.applicant_id_number}).content.decode()

    for personal in (PHONE, "Trần Phú", "Nguyễn Thị Mai", "mai@example.vn"):
        assert personal not in text


def test_tracking_with_the_wrong_id_number_is_the_same_404_as_an_unknown_code(client, dossier):
    wrong = client.get(f"/api/v1/tracking/{dossier.code}", {"id_number": "048192999999"})
    unknown = client.get("/api/v1/tracking/UB-0-2026-999999",
                         {"id_number": dossier.applicant_id_number})

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_tracking_page_shows_the_dossier_for_the_right_cccd_only(client, dossier):
    page = client.post("/tra-cuu/", {"code": dossier.code,
                                    "id_number": dossier.applicant_id_number})
    wrong = client.post("/tra-cuu/", {"code": dossier.code, "id_number": "048192999999"})

    assert page.status_code == 200
    assert dossier.procedure.name in page.content.decode()
    assert PHONE not in page.content.decode() and "Trần Phú" not in page.content.decode()
    assert wrong.status_code == 404
    assert dossier.procedure.name not in wrong.content.decode()


def test_tracking_page_opens_with_the_code_from_the_link(client, dossier):
    page = client.get("/tra-cuu/", {"code": dossier.code})

    assert page.status_code == 200
    assert f'value="{dossier.code}"' in page.content.decode()


def test_tracking_names_the_status_in_vietnamese_with_its_national_code(client, dossier):
    body = client.get(f"/api/v1/tracking/{dossier.code}",
                      {"id_number": dossier.applicant_id_number}).json()

    assert body["status_label"] == "Đã tiếp nhận"
    assert body["national_status"] == 2
