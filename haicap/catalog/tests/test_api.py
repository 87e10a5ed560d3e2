"""The catalogue API: search, read, the example submission and form validation."""

import pytest

from haicap.catalog.services import load_catalog
from haicap.catalog.tests.portal_catalogue import load_test_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    load_test_catalogue()


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_procedure_list_items_have_code_name_level_deadline_fees_and_full_online(client):
    body = get(client, "/api/v1/procedures")
    assert body["count"] == 3
    birth = next(item for item in body["items"] if item["code"] == "1.001193")
    assert birth["name"] == "Đăng ký khai sinh"
    assert birth["level"] == "commune"
    assert birth["full_online"] is True
    assert birth["deadline"] == {"value": 0, "unit": "same_day", "text": "Trong ngày",
                                 "verification_extension": 3}
    assert birth["fees"][0]["rule"] == "fixed" and birth["fees"][0]["amount"] == 0
    assert birth["url"] == "/thu-tuc/1.001193/"


def test_procedure_list_fee_rules_in_detail_and_in_words(client):
    body = get(client, "/api/v1/procedures", q="2.000815")
    fee = body["items"][0]["fees"][0]
    assert fee["tiers"] == [{"from_page": 1, "amount": 2000}, {"from_page": 3, "amount": 1000}]
    assert fee["cap_per_copy"] == 200000
    assert fee["text"] == ("2.000 đ/trang cho trang 1–2, 1.000 đ/trang từ trang 3, "
                           "tối đa 200.000 đ/bản")


def test_procedure_search_without_tone_marks(client):
    body = get(client, "/api/v1/procedures", q="dang ky khai sinh")
    assert [item["code"] for item in body["items"]] == ["1.001193"]


def test_procedure_list_filters(client):
    assert get(client, "/api/v1/procedures", full_online="true")["count"] == 1
    assert get(client, "/api/v1/procedures", field="certification")["count"] == 1
    assert get(client, "/api/v1/procedures", life_event="birth")["count"] == 2
    assert get(client, "/api/v1/procedures", level="province_centre")["count"] == 0


def test_bad_query_parameters_are_422(client):
    body = get(client, "/api/v1/procedures", status=422, field="astrology")
    assert body["code"] == "invalid_input"
    get(client, "/api/v1/procedures", status=422, full_online="maybe")
    get(client, "/api/v1/procedures", status=422, limit="0")


def test_procedure_list_uses_a_constant_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page
        get(client, "/api/v1/procedures")
    load_catalog()
    with django_assert_num_queries(2):
        assert len(get(client, "/api/v1/procedures")["items"]) > 3


def test_procedure_detail_adds_documents_form_schema_and_workflow_version(client):
    body = get(client, "/api/v1/procedures/1.001193")
    assert body["workflow_version"] == 1
    assert body["form_schema"]["type"] == "object"
    assert "child_birth_date" in body["form_schema"]["properties"]
    assert body["form_layout"][0]["section"] == "Thông tin của trẻ"
    identity = next(doc for doc in body["documents"] if doc["key"] == "mother_identity")
    assert identity["fetch_from"] == "population"
    assert body["linked_procedures"] == [{"code": "1.004222", "name": "Đăng ký thường trú"}]
    assert body["channels"] == ["in_person", "online", "post"]
    assert body["legal_bases"][0]["document"] == "Luật Hộ tịch số 60/2014/QH13"
    assert body["result"]["kind"] == "certificate"


def test_unknown_procedure_is_404_procedure_not_found(client):
    for url in ("/api/v1/procedures/9.999999", "/api/v1/procedures/9.999999/example"):
        body = get(client, url, status=404)
        assert body["code"] == "procedure_not_found"
        assert "9.999999" in body["message"]
    response = client.post("/api/v1/procedures/9.999999/validate", {"form": {}},
                           content_type="application/json")
    assert response.status_code == 404


def test_example_is_a_ready_dossier_body_that_validates(client):
    example = get(client, "/api/v1/procedures/1.001193/example")
    assert example["procedure"] == "1.001193"
    assert example["form"]["child_full_name"] == "Nguyễn Văn Bình"
    assert example["documents"]["declaration"]["content_type"] == "application/pdf"
    response = client.post("/api/v1/procedures/1.001193/validate",
                           {"form": example["form"], "documents": example["documents"]},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is True
    assert body["cleaned"]["child_birth_date"] == "2025-07-01"
    assert body["cleaned"]["address"]["commune_name"] == "Phường Hoàn Kiếm"


def test_every_example_validates(client):
    for item in get(client, "/api/v1/procedures")["items"]:
        example = get(client, f"/api/v1/procedures/{item['code']}/example")
        response = client.post(f"/api/v1/procedures/{item['code']}/validate",
                               {"form": example["form"], "documents": example["documents"]},
                               content_type="application/json")
        assert response.status_code == 200, (item["code"], response.content)


def test_every_shipped_example_passes_the_eform_validator(client):
    load_catalog()
    for item in get(client, "/api/v1/procedures", limit=1000)["items"]:
        example = get(client, f"/api/v1/procedures/{item['code']}/example")
        response = client.post(f"/api/v1/procedures/{item['code']}/validate",
                               {"form": example["form"], "documents": example["documents"]},
                               content_type="application/json")
        assert response.status_code == 200, (item["code"], response.json())


def test_invalid_form_is_422_with_field_errors_in_vietnamese(client):
    response = client.post("/api/v1/procedures/1.001193/validate", {"form": {
        "child_full_name": "An", "child_birth_date": "01/07/2025",
        "mother_national_id": "999195001234", "phone": "123", "nickname": "Bi"}},
        content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_form"
    details = body["details"]
    assert details["child_birth_date"][0]["code"] == "invalid_date"
    assert "yyyy-mm-dd" in details["child_birth_date"][0]["message"]
    assert details["mother_national_id"][0]["code"] == "invalid_national_id_province"
    assert details["phone"][0]["code"] == "invalid_phone"
    assert details["nickname"][0]["code"] == "unknown_field"
    assert "child_full_name" not in details


def test_validate_without_form_is_422(client):
    response = client.post("/api/v1/procedures/1.001193/validate", {},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_catalogue_endpoints_are_in_the_openapi_schema(client):
    schema = get(client, "/api/v1/openapi.json")
    for path in ("/api/v1/procedures", "/api/v1/procedures/{code}",
                 "/api/v1/procedures/{code}/example", "/api/v1/procedures/{code}/validate"):
        assert path in schema["paths"]
    assert "ProcedureDetailOut" in schema["components"]["schemas"]


def test_fee_exposes_its_online_amount_and_condition(client):
    load_catalog()
    birth = get(client, "/api/v1/procedures", q="1.001193")["items"][0]
    late, copies = birth["fees"]
    assert (late["applies_when"], late["amount"]) == ("late_registration", 5000)
    assert late["text"] == "5.000 đ nếu đăng ký quá hạn"
    assert (copies["applies_when"], copies["text"]) == (
        "extract_copy_requested", "8.000 đ/bản nếu yêu cầu cấp bản sao")
    [residence] = get(client, "/api/v1/procedures", q="1.004194")["items"][0]["fees"]
    assert (residence["amount"], residence["online_amount"], residence["applies_when"]) == (
        15000, 7000, None)
    assert residence["online_discount_percent"] == 0
    assert residence["text"] == "15.000 đ/hồ sơ, 7.000 đ khi nộp trực tuyến"


def test_building_permit_deadline_is_15_days(client):
    load_catalog()
    permit = get(client, "/api/v1/procedures", q="1.009122")["items"][0]
    assert permit["deadline"]["unit"] == "calendar_days"
    assert permit["deadline"]["text"] == "15 ngày"


def test_every_shipped_example_gives_files_only_as_document_descriptors(client):
    load_catalog()
    for item in get(client, "/api/v1/procedures", limit=1000)["items"]:
        detail = get(client, f"/api/v1/procedures/{item['code']}")
        files = {name for name, field in detail["form_schema"]["properties"].items()
                 if field.get("format") == "file"}
        example = get(client, f"/api/v1/procedures/{item['code']}/example")
        assert not files & set(example["form"]), item["code"]
        assert set(example["documents"]) <= files, item["code"]
        for descriptor in example["documents"].values():
            assert descriptor["filename"] and descriptor["content_type"]
            assert not descriptor["filename"].startswith("to-khai-"), item["code"]


def test_validate_refuses_a_file_field_given_in_form(client):
    example = get(client, "/api/v1/procedures/1.001193/example")
    response = client.post("/api/v1/procedures/1.001193/validate",
                           {"form": {**example["form"], "declaration": "to-khai.pdf"}},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["declaration"][0]["code"] == "file_in_form"
