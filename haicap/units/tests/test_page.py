"""The address page converts pasted addresses, with and without JavaScript."""

import pytest

pytestmark = pytest.mark.django_db


def test_address_page_has_a_labelled_textarea(client):
    response = client.get("/dia-chi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_addresses"' in html
    assert "Chuyển đổi địa chỉ" in html


def test_address_page_converts_without_javascript(client):
    response = client.post("/dia-chi/", {"addresses": "P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội\n"
                                                      "Phường 1, TP Hồ Chí Minh"})
    html = response.content.decode()
    assert "Phường Hoàn Kiếm, Thành phố Hà Nội" in html
    assert "Đã xác định" in html
    assert "Có nhiều khả năng" in html
    assert "<html" in html


def test_address_page_htmx_returns_only_the_results(client):
    response = client.post("/dia-chi/", {"addresses": "Phường Hoàn Kiếm, Hà Nội"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Phường Hoàn Kiếm" in html
    assert "<html" not in html


def test_address_page_refuses_more_than_50_lines(client):
    response = client.post("/dia-chi/", {"addresses": "Hà Nội\n" * 51})
    assert "tối đa 50" in response.content.decode()
