"""Slips to HTML and PDF: one template per form, one QR code each, no network.

The slips use their own template engine rather than the site's: a slip is a document, not a
page, so it gets no request context processors, and it renders the same whether or not the app
is installed (a management command, a task worker, a test). Its stylesheet is inlined and its
QR code is a data: URI, so WeasyPrint never has to fetch anything; its URL fetcher allows
the data: scheme only, so a stray address in a template fails the render instead of calling out.
"""

from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse
from django.template import Context, Engine
from django.utils.cache import patch_cache_control

from haicap.slips.contexts import Slip
from haicap.slips.qr import qr_data_uri

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def engine() -> Engine:
    return Engine(
        dirs=[str(TEMPLATE_DIR)],
        libraries={"slip_format": "haicap.slips.templatetags.slip_format"},
        autoescape=True,
    )


def render_html(slip: Slip) -> str:
    """The slip as a self-contained HTML document (inline CSS, QR code as a data: URI)."""
    template = engine().get_template(slip.template_name)
    return template.render(Context({"slip": slip, "qr_uri": qr_data_uri(slip.tracking_url)}))


def url_fetcher():
    """A WeasyPrint fetcher that serves data: URIs only and fails the render on anything else."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)


def render_document(slip: Slip):
    """The slip laid out by WeasyPrint (a `weasyprint.Document`: pages, sizes, `write_pdf`)."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.2 s at start-up

    return HTML(string=render_html(slip), url_fetcher=url_fetcher()).render()


def render_pdf(slip: Slip) -> bytes:
    """The slip as an A4 PDF (fonts: DejaVu Serif and Sans from the system, by family name)."""
    return render_document(slip).write_pdf()


def slip_response(slip: Slip, fmt: str, filename: str) -> HttpResponse:
    """The slip as an HTTP answer, PDF ("pdf") or HTML; never cached (personal data)."""
    if fmt == "pdf":
        response = HttpResponse(render_pdf(slip), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    else:
        response = HttpResponse(render_html(slip), content_type="text/html; charset=utf-8")
    patch_cache_control(response, private=True, no_store=True)
    return response
