"""The public catalogue pages: browse, search with or without tone marks, read, fill in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haicap.catalog.services import load_catalog
from haicap.catalog.tests.portal_catalogue import load_test_catalogue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n"


@pytest.fixture(autouse=True)
def catalogue():
    load_test_catalogue()


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_catalogue_lists_procedures_with_deadline_fees_and_full_online_badge(client):
    html = page(client, "/thu-tuc/")
    assert "Thủ tục hành chính" in html
    assert "Đăng ký khai sinh" in html and "1.001193" in html
    assert "Trong ngày" in html
    assert "7 ngày làm việc" in html
    assert "Toàn trình" in html
    assert "2.000 đ/trang cho trang 1–2, 1.000 đ/trang từ trang 3, tối đa 200.000 đ/bản" in html
    assert "Miễn phí" in html


def test_search_without_tone_marks_finds_the_procedure(client):
    html = page(client, "/thu-tuc/", data={"q": "dang ky khai sinh"})
    assert "Đăng ký khai sinh" in html
    assert "Chứng thực bản sao" not in html
    assert "1 thủ tục" in html


def test_search_by_code(client):
    html = page(client, "/thu-tuc/", data={"q": "2.000815"})
    assert "Chứng thực bản sao" in html and "Đăng ký khai sinh" not in html


def test_browse_by_life_event_and_field_with_counts(client):
    html = page(client, "/thu-tuc/")
    assert 'href="/thu-tuc/?life_event=birth"' in html
    assert 'href="/thu-tuc/?field=certification"' in html
    html = page(client, "/thu-tuc/", data={"life_event": "birth"})
    assert "Đăng ký khai sinh" in html and "Đăng ký thường trú" in html
    assert "Chứng thực bản sao" not in html
    assert 'aria-current="true"' in html


def test_full_online_filter(client):
    html = page(client, "/thu-tuc/", data={"full_online": "1"})
    assert "Đăng ký khai sinh" in html and "Đăng ký thường trú" not in html


def test_unknown_filter_values_are_ignored(client):
    html = page(client, "/thu-tuc/", data={"field": "nonsense", "level": "x"})
    assert "Đăng ký khai sinh" in html


def test_live_search_with_htmx_returns_only_the_results(client):
    html = page(client, "/thu-tuc/", data={"q": "chung thuc"}, HTTP_HX_REQUEST="true")
    assert "<html" not in html
    assert "Chứng thực bản sao" in html
    assert 'hx-swap-oob="true"' in html


def test_list_page_uses_a_constant_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(3):  # results, life-event counts, field counts
        page(client, "/thu-tuc/")
    load_catalog()  # the shipped catalogue: many more procedures, the same queries
    with django_assert_num_queries(3):
        html = page(client, "/thu-tuc/")
    assert html.count('class="card result"') > 3
    with django_assert_num_queries(3):
        page(client, "/thu-tuc/", data={"q": "dang ky"}, HTTP_HX_REQUEST="true")


def test_procedure_page_shows_documents_fees_deadline_where_and_legal_bases(client):
    html = page(client, "/thu-tuc/2.000815/")
    assert "Bản chính giấy tờ cần chứng thực" in html
    assert "2.000 đ/trang cho trang 1–2" in html
    assert "Trong ngày" in html
    assert "Nghị định 118/2025/NĐ-CP: phi địa giới hành chính" in html
    assert "Nghị định số 23/2015/NĐ-CP" in html
    assert "Trực tuyến một phần" in html
    assert 'href="/thu-tuc/2.000815/nop/"' in html


def test_procedure_page_marks_once_only_documents_and_linked_procedures(client):
    html = page(client, "/thu-tuc/1.001193/")
    assert "Tự động lấy từ CSDL quốc gia — không cần nộp" in html
    assert 'href="/thu-tuc/1.004222/"' in html
    assert "Toàn trình" in html
    assert "3 ngày làm việc" in html  # verification extension


def test_procedure_page_of_unknown_code_is_404(client):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404
    assert "9.999999" in response.content.decode()


def test_eform_renders_sections_labels_and_hints(client):
    html = page(client, "/thu-tuc/1.001193/nop/")
    assert "<legend>Thông tin của trẻ</legend>" in html
    assert '<label for="f-child_full_name">' in html
    assert 'enctype="multipart/form-data"' in html
    assert "novalidate" in html
    assert 'type="tel"' in html
    assert "dd/mm/yyyy" in html
    assert "chưa được gửi" in html


def test_eform_post_with_errors_shows_field_errors_in_vietnamese(client):
    response = client.post("/thu-tuc/1.001193/nop/", {
        "child_full_name": "Nguyễn Văn Bình", "child_birth_date": "2025-13-45",
        "mother_national_id": "999195001234", "phone": "12345"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#f-child_birth_date"' in html
    assert 'aria-invalid="true"' in html
    assert "Số điện thoại" in html and "10 chữ số" in html
    assert 'value="Nguyễn Văn Bình"' in html


def test_eform_post_with_ambiguous_address_offers_the_candidates(client):
    response = client.post("/thu-tuc/1.001193/nop/", {
        "child_full_name": "An", "child_birth_date": "01/07/2025",
        "mother_national_id": "048195001234", "address": "Phường 1, TP Hồ Chí Minh"})
    html = response.content.decode()
    assert 'name="address__candidate"' in html
    assert 'type="radio"' in html


def test_valid_eform_is_confirmed_without_pretending_a_dossier_exists(client):
    declaration = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    response = client.post("/thu-tuc/1.001193/nop/", {
        "child_full_name": "Nguyễn Văn Bình", "child_birth_date": "01/07/2025",
        "mother_national_id": "048195001234", "phone": "0905 123 456",
        "address": "12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội",
        "declaration": declaration})
    assert response.status_code == 200
    html = response.content.decode()
    assert "hợp lệ" in html
    assert "01/07/2025" in html
    assert "Phường Hoàn Kiếm, Thành phố Hà Nội" in html
    assert "0905123456" in html
    assert "mã hồ sơ" in html.lower()


def test_home_page_links_to_the_catalogue_with_a_search_box(client):
    html = page(client, "/")
    assert 'href="/thu-tuc/"' in html
    assert 'action="/thu-tuc/"' in html


def test_fee_summary_says_free_then_each_case_that_costs_something(client):
    load_catalog()
    html = page(client, "/thu-tuc/", data={"q": "1.001193"})
    assert "Miễn phí; 5.000 đ nếu đăng ký quá hạn; 8.000 đ/bản nếu yêu cầu cấp bản sao" in html
    assert "5.000 đ/hồ sơ" not in html


def test_exact_online_amount_is_shown_not_a_percentage(client):
    load_catalog()
    html = page(client, "/thu-tuc/1.004194/")
    assert "15.000 đ/hồ sơ, 7.000 đ khi nộp trực tuyến" in html
    assert "%" not in html.split("Phí, lệ phí")[-1].split("</section>")[0]


def test_building_permit_page_says_15_days(client):
    load_catalog()
    html = page(client, "/thu-tuc/1.009122/")
    assert "15 ngày" in html and "15 ngày làm việc" not in html
