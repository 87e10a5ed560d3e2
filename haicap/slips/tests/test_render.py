"""Each slip renders to HTML and to a real A4 PDF that keeps its facts and its Vietnamese text.

Each PDF is rendered once per module (WeasyPrint takes ~0.3 s a page). The PDF text is read with
poppler's `pdftotext` when the machine has it; the project does not depend on it.
"""

import shutil
import subprocess
from urllib.parse import unquote

import pytest

from haicap.slips.contexts import ControlSheet, DossierRegister, Timeliness
from haicap.slips.qr import qr_data_uri
from haicap.slips.render import render_document, render_html, render_pdf, url_fetcher
from haicap.slips.tests import samples

FORMS = sorted(samples.ALL)
# The date each form must print, in dd/mm/yyyy: the appointment (01, 04: the new one, 06, 07)
# or the reception date the slip refers to (02, 03).
KEY_DATE = {"01": "01/12/2026", "02": "26/11/2026", "03": "26/11/2026", "04": "04/12/2026",
            "06": "01/12/2026", "07": "01/12/2026"}


@pytest.fixture(scope="module")
def html() -> dict[str, str]:
    return {form: render_html(samples.ALL[form]()) for form in FORMS}


@pytest.fixture(scope="module")
def laid_out() -> dict:
    return {form: render_document(samples.ALL[form]()) for form in FORMS}


@pytest.fixture(scope="module")
def pdf(laid_out) -> dict[str, bytes]:
    return {form: document.write_pdf() for form, document in laid_out.items()}


def pdf_text(document: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document,
                          capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.parametrize("form", FORMS)
def test_html_slip_carries_form_number_dossier_code_and_key_date(html, form):
    text = html[form]
    assert f"Mẫu số {form}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert KEY_DATE[form] in text
    if form != "07":
        assert samples.CODE in text
    else:
        assert all(row.dossier_code in text for row in samples.register().rows)


@pytest.mark.parametrize("form", FORMS)
def test_every_slip_has_a_qr_code_of_its_tracking_url_and_the_url_as_a_link(html, form):
    slip = samples.ALL[form]()
    assert f'<img src="{qr_data_uri(slip.tracking_url)}"' in html[form]
    assert f'<a href="{slip.tracking_url}">{slip.tracking_url}</a>' in html[form]


def test_qr_code_is_an_svg_data_uri_of_the_url():
    uri = qr_data_uri(samples.TRACKING)
    assert uri.startswith("data:image/svg+xml")
    assert "<svg" in unquote(uri)


A4_PX = sorted((round(210 / 25.4 * 96), round(297 / 25.4 * 96)))  # CSS pixels


@pytest.mark.parametrize("form", FORMS)
def test_slip_fits_on_one_a4_page(laid_out, pdf, form):
    assert pdf[form].startswith(b"%PDF-")
    pages = laid_out[form].pages
    assert len(pages) == 1
    assert sorted((round(pages[0].width), round(pages[0].height))) == A4_PX


def test_wide_forms_print_landscape_the_others_portrait(laid_out):
    for form, document in laid_out.items():
        page = document.pages[0]
        assert (page.width > page.height) == (form in ("06", "07")), form


def test_render_pdf_gives_pdf_bytes():
    assert render_pdf(samples.refusal()).startswith(b"%PDF-")


@pytest.mark.parametrize("form", FORMS)
def test_pdf_slip_keeps_vietnamese_text_and_key_facts(pdf, form):
    text = pdf_text(pdf[form])
    assert f"Mẫu số {form}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert KEY_DATE[form] in text
    assert samples.ALL[form]().title in text


def test_receipt_prints_times_in_hanoi_time_and_money_with_dot_separators(html):
    text = html["01"]
    assert "14:05 ngày 26/11/2026" in text  # received 07:05 UTC
    assert "16:30 ngày 01/12/2026" in text  # appointment counted in hours shows its time
    assert "20.000 đồng" in text
    assert "28.000 đồng" in text


def test_receipt_counted_in_days_prints_the_date_only():
    slip = samples.receipt()
    text = render_html(type(slip)(**{**slip.__dict__, "appointment_time": None}))
    assert "Thời gian trả kết quả giải quyết hồ sơ: <b>01/12/2026</b>" in text


def test_receipt_without_fees_says_none_are_charged():
    slip = samples.receipt()
    text = render_html(type(slip)(**{**slip.__dict__, "fees": ()}))
    assert "Phí, lệ phí phải nộp: không thu." in text


def test_control_sheet_prints_each_hand_over_with_its_timeliness(html):
    text = html["06"]
    assert text.count("Giao: ") == 3
    assert Timeliness.EARLY.label in text and Timeliness.ON_TIME.label in text
    assert "Đang xử lý" in text


def test_control_sheet_without_entries_says_so():
    sheet = samples.control_sheet()
    assert "Chưa có lượt giao, nhận hồ sơ." in render_html(
        ControlSheet(**{**sheet.__dict__, "entries": ()}))


def test_register_marks_late_dossiers(html):
    assert "Quá hạn" in html["07"]
    assert "Đúng hạn" in html["07"]


def test_applicant_text_is_escaped():
    slip = samples.refusal()
    text = render_html(type(slip)(**{**slip.__dict__, "reasons": ("<script>x</script>",)}))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_pdf_renderer_fetches_data_uris_only():
    fetcher = url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


@pytest.mark.parametrize("form", ["01", "07"])
def test_printed_qr_code_decodes_to_the_tracking_url(pdf, form, tmp_path):
    """Rasterize the PDF and read the code back (poppler-utils and zbar-tools, when present)."""
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        pytest.skip("pdftoppm (poppler-utils) or zbarimg (zbar-tools) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", "-", str(tmp_path / "slip")],
                   input=pdf[form], check=True)
    done = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "slip.png")],
                          capture_output=True, check=True)
    assert done.stdout.decode().strip() == samples.ALL[form]().tracking_url


def test_long_register_runs_over_several_numbered_pages_repeating_its_header():
    register = samples.register()
    rows = register.rows * 20
    document = render_document(DossierRegister(**{**register.__dict__, "rows": rows}))
    assert len(document.pages) > 1
    text = pdf_text(document.write_pdf())
    pages = text.split("\f")
    assert all("Mã hồ sơ" in page for page in pages if page.strip())
    assert f"Trang 2/{len(document.pages)}" in text
