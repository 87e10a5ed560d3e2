"""The documents viewer (issue 5 point 6: "documents viewer"): the file streams, with its
checked type and nosniff, to officers whose unit sees the dossier and to the applicant; to
anyone else it does not exist (404)."""

import pytest
from django.urls import reverse
from django.utils import translation

from haicap.core.tokens import Caller
from haicap.documents import services
from haicap.documents.models import ScanStatus
from haicap.documents.tests.builders import first_field, submit
from haicap.documents.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth(province):
    """An online dossier of the Hải Châu citizen with an uploaded PDF, and a descriptor."""
    citizen = province["citizen"]
    upload = services.store_upload(PDF, uploader=citizen, filename='Giấy "chứng sinh".pdf')
    dossier = submit(Caller(user=citizen), {first_field(): upload.pk}, channel="online").dossier
    upload.refresh_from_db()
    return {"dossier": dossier, "upload": upload}


def file_url(upload, prefix="officer") -> str:
    return reverse(f"documents:{prefix}_file", args=[upload.pk])


def test_officer_of_the_competent_commune_gets_the_file_inline_with_its_type(
        client, province, birth):
    client.force_login(province["hai_chau_specialist"])

    response = client.get(file_url(birth["upload"]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''Gi%E1%BA%A5y%20%22ch%E1%BB%A9ng%20sinh%22.pdf" in disposition
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_download_link_sends_it_as_an_attachment(client, province, birth):
    client.force_login(province["hai_chau_desk"])

    response = client.get(file_url(birth["upload"]) + "?download=1")

    assert response["Content-Disposition"].startswith("attachment;")


def test_officer_of_another_commune_gets_404(client, province, birth):
    client.force_login(province["son_tra_desk"])

    assert client.get(file_url(birth["upload"])).status_code == 404
    viewer = reverse("documents:officer_viewer", args=[birth["upload"].pk])
    assert client.get(viewer).status_code == 404


def test_the_applicant_gets_their_file_and_another_citizen_gets_404(client, province, birth):
    client.force_login(province["citizen"])
    assert client.get(file_url(birth["upload"], "citizen")).status_code == 200

    client.force_login(province["other_citizen"])
    assert client.get(file_url(birth["upload"], "citizen")).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, birth):
    response = client.get(file_url(birth["upload"]))

    assert response.status_code == 302 and "next=" in response["Location"]


def test_unattached_upload_is_not_viewable_even_by_its_uploader(client, province):
    upload = services.store_upload(PNG, uploader=province["hai_chau_desk"], filename="a.png")
    client.force_login(province["hai_chau_desk"])

    assert client.get(file_url(upload)).status_code == 404


def test_viewer_page_frames_a_pdf_and_offers_a_download(client, province, birth):
    client.force_login(province["hai_chau_desk"])

    page = client.get(reverse("documents:officer_viewer", args=[birth["upload"].pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'data="{file_url(birth["upload"])}"' in html
    assert f'href="{file_url(birth["upload"])}?download=1"' in html
    assert reverse("workspace:dossier", args=[birth["dossier"].code]) in html


def test_viewer_page_shows_an_image_as_an_image(client, province):
    citizen = province["citizen"]
    upload = services.store_upload(PNG, uploader=citizen, filename="anh.png")
    dossier = submit(Caller(user=citizen), {first_field(): upload.pk}, channel="online").dossier
    client.force_login(citizen)

    page = client.get(reverse("documents:citizen_viewer", args=[upload.pk]))

    html = page.content.decode()
    assert f'<img class="viewer-image" src="{file_url(upload, "citizen")}"' in html
    assert reverse("portal:my_dossier", args=[dossier.code]) in html


def test_dossier_page_links_stored_documents_and_marks_descriptor_only_ones(
        client, province, birth):
    old = submit(Caller(user=province["citizen"]), {}, channel="online").dossier
    client.force_login(province["hai_chau_desk"])

    with_file = client.get(reverse("workspace:dossier", args=[birth["dossier"].code]))
    descriptors = client.get(reverse("workspace:dossier", args=[old.code]))

    viewer = reverse("documents:officer_viewer", args=[birth["upload"].pk])
    assert viewer in with_file.content.decode()
    with translation.override("vi"):
        label = translation.gettext("no file (descriptor only)")
        clean = str(ScanStatus.CLEAN.label)
    assert label in descriptors.content.decode()
    assert clean in with_file.content.decode()
