"""`haicap address convert` for one address and for a JSON-lines batch."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_convert_one_address_prints_the_new_address():
    out = io.StringIO()
    call_command("address", "convert", "12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội",
                 stdout=out)
    assert "Phường Hoàn Kiếm" in out.getvalue()
    assert "00070" in out.getvalue()


def test_convert_file_as_jsonl_keeps_order_and_survives_blank_lines(tmp_path):
    source = tmp_path / "addresses.txt"
    source.write_text("Phường Hoàn Kiếm, Hà Nội\n\nP1, Q3, TPHCM\n", encoding="utf-8")
    out = io.StringIO()
    call_command("address", "convert", "--file", str(source), "--format", "jsonl", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["status"] for row in rows] == ["resolved", "unresolved", "resolved"]
    assert rows[0]["commune_code"] == "00070"
    assert rows[0]["province_code"] == "01"
    for row in rows:
        assert {"input", "status", "commune_code", "province_code", "confidence", "street",
                "old_units", "candidates"} <= set(row)
