"""The uploads API (issue 5 point 8: "uploads"): multipart upload with size, type and virus
checks, own uploads only, and the upload named in a dossier submission."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from haicap.catalog.eforms import MAX_FILE_BYTES
from haicap.core.models import ApiScope
from haicap.core.tokens import ensure_partner, issue_token
from haicap.documents.models import StoredFile
from haicap.documents.scanners import EICAR
from haicap.documents.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db

URL = "/api/v1/uploads"


@pytest.fixture
def token(province):
    _row, token = issue_token(ensure_partner(code="hospital", name="Bệnh viện"))
    return token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(client, content: bytes, token: str, name="giay.pdf", content_type="application/pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, content_type)},
                       **bearer(token))


def test_partner_uploads_a_pdf_and_gets_its_id_size_sha256_and_scan(client, token):
    response = send(client, PDF, token)

    assert response.status_code == 201, response.json()
    body = response.json()
    stored = StoredFile.objects.get()
    assert body["id"] == str(stored.pk)
    assert body["size"] == len(PDF) and body["sha256"] == stored.sha256
    assert body["content_type"] == "application/pdf"
    assert body["scan_status"] == "clean" and body["sandbox_scanner"] is True
    assert body["attached"] is False


def test_upload_without_a_token_is_401(client, province):
    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", PDF)})

    assert response.status_code == 401


def test_token_without_the_submit_scope_may_not_upload(client, province):
    partner = ensure_partner(code="reader", name="Chỉ đọc", scopes=[ApiScope.READ_OWN])
    _row, token = issue_token(partner)

    response = send(client, PDF, token)

    assert response.status_code == 403
    assert not StoredFile.objects.exists()


def test_file_over_10_mb_is_413(client, token):
    response = send(client, PDF + b"0" * MAX_FILE_BYTES, token)

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_a_program_named_pdf_is_422_invalid_file_type(client, token):
    response = send(client, b"MZ\x90\x00\x03", token, name="giay.pdf")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_file_type"


def test_eicar_is_422_file_infected(client, token):
    response = send(client, PDF + EICAR, token)

    assert response.status_code == 422
    assert response.json()["code"] == "file_infected"


def test_signed_in_citizen_uploads_with_the_portal_session(client, province):
    client.force_login(province["citizen"])

    response = client.post(URL, {"file": SimpleUploadedFile("anh.png", PNG, "image/png")})

    assert response.status_code == 201
    assert StoredFile.objects.get().uploaded_by == province["citizen"]


def test_get_upload_shows_my_own_and_404_for_another_callers(client, token, province):
    mine = send(client, PDF, token).json()
    _row, other = issue_token(ensure_partner(code="bank", name="Ngân hàng"))

    assert client.get(f"{URL}/{mine['id']}", **bearer(token)).json()["id"] == mine["id"]
    refused = client.get(f"{URL}/{mine['id']}", **bearer(other))
    assert refused.status_code == 404 and refused.json()["code"] == "upload_not_found"


def test_a_3_mb_scan_spooled_to_a_temporary_file_is_stored_whole(client, token):
    """Django keeps uploads over 2.5 MB in a temporary file; the checks stream it the same."""
    content = PDF + b"0" * (3 * 1024 * 1024)

    response = send(client, content, token)

    assert response.status_code == 201
    stored = StoredFile.objects.get()
    assert stored.size == len(content)
    with default_storage.open(stored.storage_name, "rb") as saved:
        assert saved.read() == content
