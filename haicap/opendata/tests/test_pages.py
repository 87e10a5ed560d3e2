"""The public catalogue (issue 6.5): pages without sign-in, DCAT JSON-LD and /data.json, and the
API with its paging and errors."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haicap.opendata import services
from haicap.opendata.registry import DEFINITIONS

pytestmark = pytest.mark.django_db

SUCCESSION = "sap-xep-don-vi-hanh-chinh"


@pytest.fixture
def published(province):
    report = services.publish_all(province)
    assert not report.failed, report.failed
    return report


def json_ld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_the_catalogue_lists_every_published_dataset_without_sign_in(published, client):
    response = client.get("/du-lieu-mo/")

    assert response.status_code == 200
    html = response.content.decode()
    for definition in DEFINITIONS:
        assert f'href="/du-lieu-mo/{definition.slug}/"' in html
    assert "/data.json" in html


def test_the_catalogue_searches_without_tone_marks_and_filters_by_theme(published, client):
    found = client.get("/du-lieu-mo/", {"q": "thu tuc hanh chinh"}).content.decode()
    assert 'href="/du-lieu-mo/thu-tuc-hanh-chinh/"' in found
    assert f'href="/du-lieu-mo/{SUCCESSION}/"' not in found

    units = client.get("/du-lieu-mo/", {"theme": "administrative_units"}).content.decode()
    assert f'href="/du-lieu-mo/{SUCCESSION}/"' in units
    assert 'href="/du-lieu-mo/thu-tuc-hanh-chinh/"' not in units


def test_with_htmx_the_catalogue_search_swaps_in_only_the_results(published, client):
    response = client.get("/du-lieu-mo/", {"q": "xa phuong"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html and 'href="/du-lieu-mo/don-vi-hanh-chinh-cap-xa/"' in html


@pytest.mark.parametrize("url", ["/du-lieu-mo/", f"/du-lieu-mo/{SUCCESSION}/", "/data.json",
                                 "/api/v1/opendata/datasets"])
def test_catalogue_pages_read_two_queries_whatever_the_number_of_datasets(published, client,
                                                                          url):
    """The datasets with their current release, then all their files: no query per dataset."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 2


def test_a_dataset_page_shows_metadata_preview_downloads_api_and_json_ld(published, client):
    response = client.get(f"/du-lieu-mo/{SUCCESSION}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ủy ban nhân dân Thành phố Đà Nẵng" in html and "Creative Commons" in html
    assert html.count("<tr>") >= 20 + 1  # 20 preview rows and the header
    assert f"/du-lieu-mo/tai-ve/{SUCCESSION}.parquet" in html
    assert f"/api/v1/opendata/datasets/{SUCCESSION}/rows" in html
    head = html.split("</head>")[0]
    document = json_ld(head)
    assert document["@type"] == "Dataset" and document["license"].startswith("https://creativecommons")
    assert document["temporalCoverage"] == "2025-07-01/.."
    assert {d["encodingFormat"] for d in document["distribution"]} == {
        "text/csv", "application/json", "application/vnd.apache.parquet"}


def test_an_unknown_dataset_page_is_404(published, client):
    assert client.get("/du-lieu-mo/khong-co/").status_code == 404
    assert client.get(f"/du-lieu-mo/tai-ve/{SUCCESSION}.xlsx").status_code == 404


def test_a_download_is_the_current_release_file_with_its_checksum(published, client):
    response = client.get(f"/du-lieu-mo/tai-ve/{SUCCESSION}.csv")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert f'filename="{SUCCESSION}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "legacy_province_code" and len(rows) > 50
    api = client.get(f"/api/v1/opendata/datasets/{SUCCESSION}").json()
    csv_file = next(d for d in api["distributions"] if d["format"] == "csv")
    assert response["ETag"] == f'"{csv_file["sha256"]}"' and csv_file["size"] == len(body)


def test_data_json_is_a_dcat_us_catalogue_of_every_dataset(published, client):
    response = client.get("/data.json")

    catalog = response.json()
    assert response.status_code == 200
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalog["@type"] == "dcat:Catalog" and len(catalog["dataset"]) == len(DEFINITIONS)
    required = {"title", "description", "keyword", "modified", "publisher", "contactPoint",
                "identifier", "accessLevel", "license", "distribution"}
    for dataset in catalog["dataset"]:
        assert required <= set(dataset), required - set(dataset)
        assert dataset["accessLevel"] == "public" and dataset["keyword"]
        assert dataset["contactPoint"]["hasEmail"].startswith("mailto:")
        assert dataset["identifier"].startswith("http://testserver/du-lieu-mo/")
        downloads = [d for d in dataset["distribution"] if "downloadURL" in d]
        assert {d["format"] for d in downloads} == {"CSV", "JSON", "Parquet"}
        assert all(d["mediaType"] and d["downloadURL"].startswith("http") for d in downloads)
    statistics = next(d for d in catalog["dataset"] if d["title"].startswith("Thống kê"))
    assert statistics["accrualPeriodicity"] == "R/P1M"
    communes = next(d for d in catalog["dataset"] if d["landingPage"].endswith("cap-xa/"))
    assert re.fullmatch(r"2025-07-01/\d{4}-\d{2}-\d{2}", communes["temporal"])


def test_the_api_lists_datasets_and_filters_them(published, client):
    listed = client.get("/api/v1/opendata/datasets").json()
    assert [d["slug"] for d in listed] == [d.slug for d in DEFINITIONS]
    units = client.get("/api/v1/opendata/datasets", {"theme": "administrative_units"}).json()
    assert {d["theme"] for d in units} == {"administrative_units"} and len(units) == 3
    assert client.get("/api/v1/opendata/datasets", {"theme": "weather"}).status_code == 422


def test_the_api_gives_a_dataset_with_columns_and_files(published, client):
    dataset = client.get(f"/api/v1/opendata/datasets/{SUCCESSION}").json()

    assert dataset["licence"] == "CC-BY-4.0" and dataset["spatial"] == "Thành phố Đà Nẵng"
    assert dataset["temporal_start"] == "2025-07-01" and dataset["row_count"] > 50
    assert dataset["columns"][0]["name"] == "legacy_province_code"
    assert {d["format"] for d in dataset["distributions"]} == {"csv", "json", "parquet"}


def test_the_api_pages_through_the_rows(published, client):
    first = client.get(f"/api/v1/opendata/datasets/{SUCCESSION}/rows",
                       {"limit": 2, "offset": 0}).json()
    second = client.get(f"/api/v1/opendata/datasets/{SUCCESSION}/rows",
                        {"limit": 2, "offset": 1}).json()

    assert len(first["rows"]) == 2 and first["total"] > 50
    assert first["rows"][1] == second["rows"][0]
    assert first["rows"][0]["effective_date"] == "2025-07-01"
    assert isinstance(first["rows"][0]["is_split"], bool)


@pytest.mark.parametrize("paging", [{"limit": 0}, {"limit": 1001}, {"offset": -1},
                                    {"offset": 10**19}, {"limit": "many"}])
def test_bad_paging_is_422(published, client, paging):
    response = client.get(f"/api/v1/opendata/datasets/{SUCCESSION}/rows", paging)

    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_an_unknown_dataset_is_404_dataset_not_found(published, client):
    for url in ("/api/v1/opendata/datasets/khong-co", "/api/v1/opendata/datasets/khong-co/rows"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "dataset_not_found"
