"""The QR code printed on every slip: the public tracking address, as an SVG data URI."""

import segno


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` (error correction M, 4-module quiet zone) as a data: URI.

    SVG keeps it sharp at any print size and needs no image library; a data URI keeps the PDF
    renderer off the network.
    """
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=4, border=4)
