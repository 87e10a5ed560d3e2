"""The master-data API (/api/v1/mdm/): sources, batches and their bad rows, golden records by
golden id or CCCD number with lineage, the review queue and decisions — for signed-in stewards of
the province; every refusal a JSON body with a stable code."""

import pytest

from haicap.core.roles import Role
from haicap.mdm.models import PairDecision, Verdict
from haicap.mdm.tests.test_review import (
    build_world,
    finished_run,
    review_pair,
    source_with_rows,
    steward_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()
API = "/api/v1/mdm"


@pytest.fixture
def steward(client):
    user = steward_of("48")
    client.force_login(user)
    return user


def test_sources_of_my_province_with_their_imports(client, steward, world):
    source_with_rows("HN", [["1", "A", "1990", "", "", ""]], province_code="01")
    body = client.get(f"{API}/sources").json()
    assert [(item["code"], item["batches"], item["mapping_version"]) for item in body] == [
        ("A", 1, 1), ("B", 1, 1)]


def test_a_batch_and_its_bad_rows_with_reasons(client, steward):
    _source, batch = source_with_rows("C", [["1", "Lê Văn Cường", "1970", "", "", ""],
                                            ["1", "Trùng mã", "1971", "", "", ""],
                                            ["", "", "", "", "", ""]])
    batches = client.get(f"{API}/sources/C/batches").json()
    assert batches["count"] == 1 and batches["items"][0]["rows_bad"] == 2
    bad = client.get(f"{API}/batches/{batch.pk}/bad-rows").json()
    assert [row["row_number"] for row in bad["items"]] == [3, 4]
    assert bad["items"][0]["reasons"][0]["code"] == "duplicate_key"
    assert {reason["code"] for reason in bad["items"][1]["reasons"]} >= {"missing_key",
                                                                         "missing_value"}


def test_a_golden_record_by_golden_id_and_by_national_id_with_lineage(client, steward, world):
    by_id = client.get(f"{API}/golden-records/{world.an.golden_id}").json()
    by_cccd = client.get(f"{API}/golden-records/by-national-id/048085000123").json()
    assert by_id == by_cccd
    lineage = {item["field"]: item for item in by_id["lineage"]}
    assert lineage["phone"] == {"field": "phone", "value": "0905123456", "source": "A:1"}
    assert lineage["birth_date"]["source"] is None
    assert [row["record_key"] for row in by_id["source_records"]] == ["A:1", "B:7"]
    assert by_id["source_records"][1]["raw"]["HO_TEN"] == "Nguyen Van An"


def test_the_review_queue_with_each_comparisons_weight(client, steward, world):
    body = client.get(f"{API}/review-pairs").json()
    assert body["count"] == 1
    [pair] = body["items"]
    assert (pair["record_a"], pair["record_b"], pair["probability"]) == ("A:2", "B:8", 0.8)
    assert pair["explanation"][0] == {"comparison": "full_name",
                                      "level": "Jaro-Winkler >= 0.92", "match_weight": 6.4}


def test_posting_a_decision_takes_the_pair_out_of_the_queue(client, steward, world):
    response = client.post(f"{API}/review-pairs/{world.pair.pk}/decision",
                           {"verdict": Verdict.SAME, "note": "cùng hộ"},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["verdict"], body["action"], body["decided_by"]) == ("same", "merge",
                                                                     steward.username)
    assert client.get(f"{API}/review-pairs").json()["count"] == 0


def test_a_decision_on_two_record_keys(client, steward, world):
    response = client.post(f"{API}/decisions", {"record_a": "B:7", "record_b": "A:1",
                                                 "verdict": Verdict.NOT_SAME},
                           content_type="application/json")
    assert response.status_code == 201
    assert PairDecision.objects.get().record_a == "A:1"


@pytest.mark.parametrize(("path", "code"), [
    ("/golden-records/48999999999", "unknown_golden_record"),
    ("/golden-records/by-national-id/001099000001", "unknown_national_id"),
    ("/sources/nope/batches", "unknown_source"),
    ("/batches/999999/bad-rows", "unknown_batch"),
])
def test_what_is_not_there_is_a_404_with_a_code(client, steward, path, code):
    response = client.get(f"{API}{path}")
    assert response.status_code == 404 and response.json()["code"] == code


def test_an_invalid_decision_is_a_422_with_a_code(client, steward, world):
    response = client.post(f"{API}/review-pairs/{world.pair.pk}/decision", {"verdict": "maybe"},
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_verdict"


def test_another_provinces_records_and_pairs_are_not_found(client, world):
    client.force_login(steward_of("01"))
    assert client.get(f"{API}/golden-records/{world.an.golden_id}").status_code == 404
    assert client.get(f"{API}/review-pairs").json()["count"] == 0
    response = client.post(f"{API}/review-pairs/{world.pair.pk}/decision",
                           {"verdict": Verdict.SAME}, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "unknown_pair"


def test_other_officers_are_refused_and_strangers_asked_to_sign_in(client, world):
    assert client.get(f"{API}/sources").status_code == 401
    client.force_login(steward_of("48", Role.SPECIALIST))
    for path in ("/sources", "/review-pairs", f"/golden-records/{world.an.golden_id}"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_the_queue_api_reads_as_many_queries_for_one_pair_as_for_thirty(
        client, steward, world, django_assert_max_num_queries):
    run = finished_run()
    for number in range(29):
        review_pair(run, f"A:{200 + number}", f"B:{200 + number}", probability=0.6)
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/review-pairs").json()["count"] == 30


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/mdm/review-pairs/{pair_id}/decision" in paths
    assert "/api/v1/mdm/golden-records/by-national-id/{national_id}" in paths
