"""Rule: the portal speaks Vietnamese unless the person picks another language on the site."""

import pytest

pytestmark = pytest.mark.django_db


def test_portal_is_vietnamese_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert "Cổng dịch vụ công" in response.text
    assert response.headers["Content-Language"] == "vi"


def test_chosen_language_is_kept(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert "Public-service portal" in response.text


def test_api_docs_load_their_assets_locally(client):
    page = client.get("/api/v1/docs").text

    assert "cdn." not in page
    assert "/static/ninja/" in page
