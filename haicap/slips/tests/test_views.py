"""Slip pages (issue 5 point 4): PDF and HTML per form, scoped by unit; the applicant's receipt."""

import pytest
from django.urls import reverse

from haicap.core.tests import factories
from haicap.dossiers import engine, services
from haicap.slips.tests import test_builders
from haicap.slips.tests.test_builders import act, at, run_through, submit

province = test_builders.province  # the same fixture: offices and officers of two communes

pytestmark = pytest.mark.django_db


def slip_url(dossier, form, fmt="html"):
    return reverse("slips:slip", kwargs={"code": dossier.code, "form": form, "fmt": fmt})


@pytest.fixture
def received(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    return submit(province["desk"])


def test_the_receipt_pdf_is_a_pdf_named_after_the_dossier(client, province, received):
    client.force_login(province["desk"])

    response = client.get(slip_url(received, "01", "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="{received.code}-mau-01.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_receipt_html_has_the_qr_code_and_tracking_link(client, province, received):
    client.force_login(province["specialist"])

    response = client.get(slip_url(received, "01"))

    html = response.content.decode()
    assert response.status_code == 200 and received.code in html
    assert f"http://testserver/tra-cuu/?code={received.code}" in html
    assert "data:image/svg+xml" in html


def test_the_control_sheet_shows_every_hand_over(client, province, monkeypatch, received):
    run_through(province, monkeypatch, received)
    client.force_login(province["leader"])

    response = client.get(slip_url(received, "06"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "PHIẾU KIỂM SOÁT" in html and "Quá hạn" in html and "Đúng hạn" in html


def test_another_communes_officer_gets_404(client, province, received):
    client.force_login(province["hoi_an_desk"])

    for form in ("01", "06"):
        assert client.get(slip_url(received, form)).status_code == 404


def test_supplement_request_slip_is_404_until_a_supplement_is_requested(client, province,
                                                                      received):
    client.force_login(province["desk"])
    assert client.get(slip_url(received, "02")).status_code == 404
    assert client.get(slip_url(received, "03")).status_code == 404
    assert client.get(slip_url(received, "04")).status_code == 404

    act(engine.request_supplement, province["specialist"], received,
        reason="Bản sao trích lục khai tử của chồng.")

    response = client.get(slip_url(received, "02"))
    assert response.status_code == 200
    assert "Bản sao trích lục khai tử của chồng." in response.content.decode()


def test_the_applicant_may_download_their_own_receipt_only(client, province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    citizen = province["citizen"]
    dossier = submit(province["desk"], channel="online", submitted_by=citizen)
    services.receive_dossier(officer=province["desk"], dossier=dossier,
                             lock_version=dossier.lock_version)
    client.force_login(citizen)

    assert client.get(slip_url(dossier, "01")).status_code == 200
    assert client.get(slip_url(dossier, "06")).status_code == 404

    client.force_login(factories.resident(citizen.residence_commune, full_name="Trần Văn B"))
    assert client.get(slip_url(dossier, "01")).status_code == 404


def test_slips_need_a_login(client, received):
    response = client.get(slip_url(received, "01"))

    assert response.status_code == 302 and "next=" in response["Location"]


def test_register_lists_the_officers_own_office_for_the_period(client, province, monkeypatch,
                                                              received):
    elsewhere = submit(province["hoi_an_desk"])
    client.force_login(province["desk"])
    url = reverse("slips:register", kwargs={"fmt": "html"})

    response = client.get(url, {"from": "2025-03-01", "to": "2025-03-31"})

    html = response.content.decode()
    assert response.status_code == 200 and received.code in html
    assert elsewhere.code not in html
    assert received.code not in client.get(url, {"from": "2025-03-11",
                                                 "to": "2025-03-31"}).content.decode()


def test_register_pdf(client, province, received):
    client.force_login(province["desk"])

    response = client.get(reverse("slips:register", kwargs={"fmt": "pdf"}),
                          {"from": "2025-03-01", "to": "2025-03-31"})

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        'inline; filename="so-theo-doi-20250301-20250331.pdf"')


@pytest.mark.parametrize("query", [{}, {"from": "2025-03-01"}, {"from": "01/03/2025",
                                                               "to": "2025-03-31"},
                                   {"from": "2025-03-31", "to": "2025-03-01"},
                                   {"from": "2020-01-01", "to": "2025-03-01"}])
def test_register_with_bad_dates_is_400_in_vietnamese(client, province, query):
    client.force_login(province["desk"])

    response = client.get(reverse("slips:register", kwargs={"fmt": "pdf"}), query)

    assert response.status_code == 400
    assert any(word in response.content.decode() for word in ("Kỳ", "kỳ", "ngày"))


def test_citizens_have_no_register(client, province):
    client.force_login(province["citizen"])

    response = client.get(reverse("slips:register", kwargs={"fmt": "html"}),
                          {"from": "2025-03-01", "to": "2025-03-31"})

    assert response.status_code == 404
