"""The units API: lists, search, predecessors, batch address conversion and its errors."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/addresses/normalize", data=json.dumps(body),
                       content_type="application/json")


def test_lists_the_34_provinces(client):
    response = client.get("/api/v1/units/provinces")
    assert response.status_code == 200
    assert len(response.json()) == 34
    assert response.json()[0]["code"] == "01"


def test_commune_search_without_tone_marks_in_one_province(client):
    response = client.get("/api/v1/units/communes", {"province": "48", "q": "hai chau",
                                                    "kind": "phuong"})
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert "Phường Hải Châu" in names
    assert all(item["province_code"] == "48" for item in response.json()["items"])


def test_commune_list_is_paginated(client):
    response = client.get("/api/v1/units/communes", {"province": "48", "limit": 10})
    assert response.json()["count"] == 94
    assert len(response.json()["items"]) == 10


def test_commune_with_predecessors(client):
    response = client.get("/api/v1/units/communes/00070")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Phường Hoàn Kiếm"
    hang_bac = [p for p in body["predecessors"] if p["code"] == "00061"][0]
    assert hang_bac["district"]["name"] == "Quận Hoàn Kiếm"
    assert hang_bac["is_split"] is False


def test_province_with_predecessors(client):
    body = client.get("/api/v1/units/provinces/48").json()
    assert {p["code"] for p in body["predecessors"]} == {"48", "49"}


def test_legacy_commune_with_successors(client):
    body = client.get("/api/v1/units/legacy-communes/00061").json()
    assert body["successors"][0]["code"] == "00070"
    assert body["province"]["code"] == "01"


def test_unknown_unit_code_is_404_with_code(client):
    for url in ("/api/v1/units/communes/99999", "/api/v1/units/provinces/99",
                "/api/v1/units/legacy-communes/99999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "unit_not_found"
        assert response.json()["message"]


def test_normalize_batch_keeps_order(client):
    addresses = ["Phường Hoàn Kiếm, Hà Nội", "", "P. Minh An, Hội An, Quảng Nam"]
    response = post(client, {"addresses": addresses})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["input"] for r in results] == addresses
    assert [r["status"] for r in results] == ["resolved", "unresolved", "resolved"]
    assert results[2]["province_code"] == "48"


def test_malformed_batch_is_422_naming_the_bad_items(client):
    response = post(client, {"addresses": ["ok", 5, None, "x" * 501]})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_addresses"
    assert [item["index"] for item in response.json()["details"]] == [1, 2, 3]


def test_empty_batch_is_422(client):
    response = post(client, {"addresses": []})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_addresses"


def test_batch_over_1000_is_413(client):
    response = post(client, {"addresses": ["Hà Nội"] * 1001})
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"


@override_settings(LANGUAGE_CODE="vi")
def test_error_messages_are_vietnamese(client):
    response = client.get("/api/v1/units/communes/99999", HTTP_ACCEPT_LANGUAGE="vi")
    assert "mã" in response.json()["message"]
