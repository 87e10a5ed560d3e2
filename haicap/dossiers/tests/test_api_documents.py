"""Documents of an API submission (issue 5 points 1 and 8): an earlier upload by its id, or a
small file inlined as base64 whose bytes are stored the same way; a retry stores nothing
twice."""

import base64

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from haicap.core.tokens import ensure_partner, issue_token
from haicap.documents.models import StoredFile
from haicap.dossiers.models import Dossier, DossierDocument
from haicap.dossiers.testing import HAI_CHAU_ADDRESS, example

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def token(province):
    return issue_token(ensure_partner(code="hospital", name="Bệnh viện"))[1]


def body(**documents) -> tuple[dict, str]:
    payload = {**example("1.001193"), "channel": "api",
               "applicant": {"id_number": "048192000123", "full_name": "Nguyễn Thị Mai",
                             "phone": "0905123456", "address": HAI_CHAU_ADDRESS}}
    field = next(iter(payload["documents"]))
    payload["documents"][field] = {"filename": "giay-chung-sinh.pdf",
                                   "content_type": "application/pdf", **documents}
    return payload, field


def post(client, token, payload, key: str = ""):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/dossiers", payload, content_type="application/json", **headers)


def inlined(content: bytes = PDF) -> str:
    return base64.b64encode(content).decode()


def test_an_inlined_file_is_stored_and_attached_to_its_document(client, token):
    payload, field = body(content_base64=inlined())

    created = post(client, token, payload)

    assert created.status_code == 201, created.json()
    document = DossierDocument.objects.get(field_name=field)
    stored = document.stored_file
    assert (document.size, stored.size) == (len(PDF), len(PDF))
    with default_storage.open(stored.storage_name) as saved:
        assert saved.read() == PDF


def test_a_retry_with_an_inlined_file_returns_the_same_dossier_and_stores_it_once(client,
                                                                                   token):
    payload, _field = body(content_base64=inlined())

    first = post(client, token, payload, key="birth-7")
    again = post(client, token, payload, key="birth-7")

    assert (first.status_code, again.status_code) == (201, 200), again.json()
    assert again.json()["code"] == first.json()["code"]
    assert StoredFile.objects.count() == 1 and Dossier.objects.count() == 1


def test_the_same_key_with_another_file_is_refused(client, token):
    post(client, token, body(content_base64=inlined())[0], key="birth-8")

    other = post(client, token, body(content_base64=inlined(PDF + b"% v2\n"))[0], key="birth-8")

    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_an_earlier_upload_is_named_by_its_id(client, token):
    uploaded = client.post("/api/v1/uploads", {"file": _file()},
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert uploaded.status_code == 201, uploaded.json()
    payload, field = body(upload_id=uploaded.json()["id"])

    created = post(client, token, payload)

    assert created.status_code == 201, created.json()
    assert str(DossierDocument.objects.get(field_name=field).stored_file.pk) == \
        uploaded.json()["id"]


def test_an_unknown_upload_is_422_under_its_field_and_nothing_is_stored(client, token):
    payload, field = body(upload_id="00000000-0000-4000-8000-000000000000")

    refused = post(client, token, payload)

    assert refused.status_code == 422
    assert refused.json()["details"][field][0]["code"] == "upload_not_found"
    assert not Dossier.objects.exists()


def test_an_upload_id_and_an_inlined_file_together_are_422(client, token):
    payload, field = body(upload_id="00000000-0000-4000-8000-000000000000",
                          content_base64=inlined())

    refused = post(client, token, payload)

    assert refused.status_code == 422
    assert refused.json()["details"][field][0]["code"] == "upload_and_inline_file"


def _file():
    return SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
