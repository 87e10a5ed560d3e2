"""The dossier API's rules (issue 5 points 8 and 9): tokens, idempotent submission, field
errors with nothing stored, inlined files checked by their bytes, scoped reads."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haicap.core.models import ApiScope
from haicap.core.tests import factories
from haicap.core.tokens import ensure_partner, issue_token, revoke_token
from haicap.dossiers import api, testing
from haicap.dossiers.models import Dossier, DossierDocument, DossierEvent, Status
from haicap.dossiers.testing import HAI_CHAU_ADDRESS, example
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"


@pytest.fixture
def partner_token(province):
    partner = ensure_partner(code="hospital", name="Bệnh viện")
    _row, token = issue_token(partner)
    return token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def body(code: str = "1.001193", channel: str = "api", id_number: str | None = None) -> dict:
    return {**example(code), "channel": channel,
            "applicant": {"id_number": id_number or factories.national_id("female", 1992),
                          "full_name": "Nguyễn Thị Mai", "phone": "0905123456",
                          "address": HAI_CHAU_ADDRESS, "email": ""}}


def post(client, payload: dict, token: str | None = None, key: str | None = None):
    headers = bearer(token) if token else {}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, payload, content_type="application/json", **headers)


def test_partner_token_submits_the_example_body_and_a_retry_returns_the_same_dossier(
        client, partner_token, province):
    payload = body()

    first = post(client, payload, partner_token, key="birth-42")
    again = post(client, payload, partner_token, key="birth-42")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json() == first.json()
    created = first.json()
    assert created["status"] == Status.NEW and created["national_status"] == 1
    assert created["competent_unit"]["code"] == province["hai_chau"].code
    assert created["tracking_url"].endswith(f"/tra-cuu/?code={created['code']}")
    assert Dossier.objects.count() == 1


def test_a_partners_next_submissions_read_no_reference_data_again(client, partner_token):
    """Token, procedure, commune and office are kept by the worker (core.reference): after the
    first submission, the next ones only write, but for the applicant's account."""
    post(client, body(), partner_token, key="first")
    with CaptureQueriesContext(connection) as queries:
        assert post(client, body(), partner_token, key="second").status_code == 201

    reads = [query["sql"] for query in queries if query["sql"].lstrip().startswith("SELECT")]
    assert len(reads) == 1 and '"core_user"' in reads[0], reads


def test_idempotency_key_reused_for_another_body_is_422(client, partner_token):
    post(client, body(), partner_token, key="k-1")

    refused = post(client, body("1.004873"), partner_token, key="k-1")

    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"


def test_idempotency_key_longer_than_128_characters_is_refused(client, partner_token):
    refused = post(client, body(), partner_token, key="x" * 129)

    assert refused.status_code == 422
    assert not Dossier.objects.exists()


def test_submission_without_a_token_is_401(client, province):
    refused = post(client, body())

    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"
    assert refused.json()["message"]


def test_wrong_token_is_401(client, partner_token):
    refused = post(client, body(), partner_token + "x")

    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


def test_revoked_token_is_401(client, province):
    row, token = issue_token(ensure_partner(code="bank", name="Ngân hàng"))
    revoke_token(row)

    refused = post(client, body(), token)

    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


def test_token_without_the_submit_scope_is_403(client, province):
    _row, token = issue_token(ensure_partner(code="reader", name="Chỉ đọc",
                                             scopes=[ApiScope.READ_OWN]))

    assert post(client, body(), token).status_code == 403


def test_invalid_form_is_422_with_field_errors_and_nothing_stored(client, partner_token):
    payload = body()
    payload["form"] = {**payload["form"], "child_birth_date": "2025-02-31"}

    refused = post(client, payload, partner_token, key="bad-1")

    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_form"
    assert "child_birth_date" in refused.json()["details"]
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_missing_required_document_is_422_and_nothing_stored(client, partner_token):
    payload = {**body(), "documents": {}}

    refused = post(client, payload, partner_token)

    assert refused.status_code == 422
    assert not Dossier.objects.exists()


def test_unknown_procedure_is_404(client, partner_token):
    payload = {**body(), "procedure": "9.999999"}

    refused = post(client, payload, partner_token)

    assert refused.status_code == 404
    assert refused.json()["code"] == "procedure_not_found"


def test_partner_may_submit_only_through_the_api_channel(client, partner_token):
    refused = post(client, body(channel="in_person"), partner_token)

    assert refused.status_code == 422
    assert refused.json()["code"] == "channel_not_allowed"


def _inline(payload: dict, content: bytes, content_type: str) -> tuple[dict, str]:
    name = next(iter(payload["documents"]))
    payload["documents"][name] = {"filename": "scan.pdf", "content_type": content_type,
                                  "content_base64": base64.b64encode(content).decode()}
    return payload, name


def test_inlined_file_is_recorded_with_its_size_and_sha256(client, partner_token):
    content = b"%PDF-1.7\n" + b"0" * 100
    payload, name = _inline(body(), content, "application/pdf")

    created = post(client, payload, partner_token)

    assert created.status_code == 201, created.json()
    document = DossierDocument.objects.get(field_name=name)
    assert document.size == len(content)
    assert len(document.sha256) == 64


def test_inlined_file_whose_bytes_are_not_its_type_is_422(client, partner_token):
    payload, name = _inline(body(), b"MZ\x90\x00 not a pdf", "application/pdf")

    refused = post(client, payload, partner_token)

    assert refused.status_code == 422
    assert refused.json()["details"][name][0]["code"] == "invalid_file_type"
    assert not Dossier.objects.exists()


def test_partner_sees_only_its_own_dossiers(client, partner_token, province):
    mine = post(client, body(), partner_token).json()["code"]
    _row, other_token = issue_token(ensure_partner(code="other", name="Khác"))
    theirs = post(client, body(), other_token).json()["code"]

    listed = client.get(URL, **bearer(partner_token)).json()

    assert [item["code"] for item in listed["items"]] == [mine]
    assert client.get(f"{URL}/{theirs}", **bearer(partner_token)).status_code == 404
    assert client.get(f"{URL}/{mine}", **bearer(partner_token)).status_code == 200


def test_dossier_detail_has_its_history(client, partner_token):
    code = post(client, body(), partner_token).json()["code"]

    detail = client.get(f"{URL}/{code}", **bearer(partner_token)).json()

    assert [event["action"] for event in detail["events"]] == ["submit"]
    assert detail["applicant"]["full_name"] == "Nguyễn Thị Mai"


def test_officer_of_another_commune_gets_404(client, partner_token, province):
    code = post(client, body(), partner_token).json()["code"]

    client.force_login(province["son_tra_desk"])

    assert client.get(f"{URL}/{code}").status_code == 404


def test_desk_officer_receives_and_a_stale_lock_version_is_409(client, partner_token, province):
    created = post(client, body(), partner_token).json()
    client.force_login(province["desk"])
    receive = f"{URL}/{created['code']}/receive"

    received = client.post(receive, {"lock_version": created["lock_version"]},
                           content_type="application/json")
    stale = client.post(receive, {"lock_version": created["lock_version"]},
                        content_type="application/json")

    assert received.status_code == 200, received.json()
    assert received.json()["status"] == Status.RECEIVED and received.json()["due_at"]
    assert stale.status_code == 409
    assert stale.json()["code"] == "dossier_changed"


def test_desk_officer_files_in_person_at_their_own_desk(client, province):
    client.force_login(province["son_tra_desk"])

    created = post(client, body(channel="in_person"))

    assert created.status_code == 201, created.json()
    assert created.json()["receiving_unit"]["code"] == province["son_tra"].code
    assert created.json()["competent_unit"]["code"] == province["hai_chau"].code
    assert created.json()["status"] == Status.RECEIVED


def test_citizen_submits_online_and_sees_it_in_their_list(client, province):
    citizen = factories.resident(Commune.objects.get(province_id="48",
                                                     name="Phường Hải Châu"))
    client.force_login(citizen)

    payload = body(channel="online")
    created = post(client, payload, key="double-click")
    again = post(client, payload, key="double-click")
    listed = client.get(URL).json()

    assert created.status_code == 201 and again.status_code == 200
    assert [item["code"] for item in listed["items"]] == [created.json()["code"]]


def test_dossier_list_filters_and_runs_a_constant_number_of_queries(
        client, partner_token, province, django_assert_max_num_queries):
    for _ in range(6):
        post(client, body(), partner_token)
    client.force_login(province["desk"])

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(URL, {"limit": limit, "status": Status.NEW}).json()
        assert page["count"] == 6 and len(page["items"]) == limit
        return len(captured)

    queries(1)  # the worker reads the commune's offices once (core.reference)
    assert queries(1) == queries(6)
    with django_assert_max_num_queries(6):
        client.get(URL, {"limit": 6})
    assert client.get(URL, {"status": Status.RECEIVED}).json()["count"] == 0
    assert client.get(URL, {"procedure": "1.004873"}).json()["count"] == 0


def test_citizen_may_not_file_as_a_desk(client, province):
    citizen = factories.resident(Commune.objects.get(province_id="48",
                                                     name="Phường Hải Châu"))
    client.force_login(citizen)

    refused = post(client, body(channel="in_person"))

    assert refused.status_code == 422
    assert refused.json()["code"] == "channel_not_allowed"


def test_the_list_counts_no_further_than_its_cap(client, province, monkeypatch):
    monkeypatch.setattr(api, "LIST_COUNT_CAP", 2)
    for _ in range(4):
        testing.submit(desk=province["hai_chau"])
    client.force_login(province["desk"])

    page = client.get("/api/v1/dossiers?limit=1").json()

    assert page["count"] == 3  # "more than 2"
    assert len(page["items"]) == 1
