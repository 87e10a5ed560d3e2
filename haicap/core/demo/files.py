"""Small real files for the demo dossiers' documents, made in code (no binary file in the repo):
a one-page PDF, a PNG and a JPEG "scan". The same bytes every time, so storage keeps each once
(content-addressed)."""

import io
from functools import cache

from PIL import Image, ImageDraw

PAGE_TEXT = ("HAICAP - demo document", "Sample scan for trying the document viewer.",
             "Not a real paper.")


@cache
def pdf_bytes() -> bytes:
    """A valid one-page A4 PDF with a few lines of text (Helvetica, no embedded font)."""
    lines = "".join(f"({line}) Tj 0 -24 Td " for line in PAGE_TEXT)
    stream = f"BT /F1 16 Tf 72 760 Td {lines}ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _scan(image_format: str) -> bytes:
    """A paper-like page with a header band and text lines, as a phone photo of a form."""
    image = Image.new("RGB", (420, 594), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 390, 80), outline=(160, 30, 30), width=3)
    for number, line in enumerate(PAGE_TEXT):
        draw.text((44, 44 + 14 * number), line, fill=(40, 40, 40))
    for y in range(120, 540, 22):
        draw.line((40, y, 380, y), fill=(190, 190, 200), width=1)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


@cache
def png_bytes() -> bytes:
    return _scan("PNG")


@cache
def jpeg_bytes() -> bytes:
    return _scan("JPEG")


CONTENT = {"application/pdf": pdf_bytes, "image/png": png_bytes, "image/jpeg": jpeg_bytes}


def content_for(content_type: str) -> bytes:
    """Bytes of the given type (a PDF for any other)."""
    return CONTENT.get(content_type, pdf_bytes)()
