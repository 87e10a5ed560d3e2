"""Every dashboard table downloads as CSV and Excel with the rows the page shows; a table too
large for one request is written by a background job (django-tasks, database backend) whose
file only the user who asked may download."""

import csv
import io
import os
import time

import pytest
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers.testing import build_province
from haicap.ioc import exports
from haicap.ioc.tests.test_pages import PERIOD, build_dossiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def province() -> dict:
    return build_province()


@pytest.fixture
def ops(province):
    return factories.officer(province["centre"], Role.OPS_VIEWER)


@pytest.fixture
def dossiers(province, monkeypatch):
    return build_dossiers(province, monkeypatch)


def export_url(table: str, fmt: str) -> str:
    return reverse("ioc:export", kwargs={"table": table, "fmt": fmt})


def run_waiting_jobs() -> None:
    """What `haicap db_worker` does with each waiting job, in the test's transaction (the
    command itself closes the connection between jobs, and with it the test's transaction)."""
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test",
                    excluded_queue_names=[])
    for job in DBTaskResult.objects.ready():
        job.claim(worker.worker_id)
        worker.run_task(job)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for Vietnamese
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_breakdown_downloads_as_csv_with_the_rows_of_the_page(client, province, ops,
                                                              dossiers):
    client.force_login(ops)
    response = client.get(export_url("breakdown", "csv"), {"period": PERIOD, "by": "office"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "breakdown-office_20250301-20250331.csv" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    page = client.get(reverse("ioc:breakdown"), {"period": PERIOD, "by": "office"})
    table = page.context["section"]["table"]
    assert rows[0] == [column.label for column in table.columns]
    assert [row[0] for row in rows[1:]] == [row[0] for row in table.rows]
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit[province["hai_chau"].name][1] == "2"  # received


def test_dossier_list_downloads_as_excel_with_every_dossier(client, province, ops,
                                                            dossiers):
    client.force_login(ops)
    response = client.get(export_url("dossiers", "xlsx"), {"period": PERIOD})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] and len(values) == 1 + 3
    assert {row[0] for row in values[1:]} == {dossier.code for dossier in dossiers.values()}


def test_an_export_is_scoped_like_its_page(client, province, dossiers):
    client.force_login(province["hoi_an_leader"])
    refused = client.get(export_url("dossiers", "csv"),
                         {"period": PERIOD, "unit": province["hai_chau"].code})
    assert refused.status_code == 403
    own = csv_rows(client.get(export_url("dossiers", "csv"), {"period": PERIOD}).content)
    assert [row[0] for row in own[1:]] == [dossiers["hoi_an"].code]


def test_an_export_with_a_bad_filter_is_422_and_an_unknown_table_404(client, ops):
    client.force_login(ops)
    assert client.get(export_url("breakdown", "csv"), {"by": "colour"}).status_code == 422
    assert client.get(export_url("nothing", "csv")).status_code == 404
    assert client.get("/dieu-hanh/xuat/dossiers.pdf").status_code == 404


def test_a_large_export_runs_in_the_background_and_only_its_owner_downloads_it(
        client, province, ops, dossiers, monkeypatch):
    monkeypatch.setattr(exports, "ROWS_IN_REQUEST", 2)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    client.force_login(ops)
    url = export_url("dossiers", "csv")

    offer = client.get(url, {"period": PERIOD})
    assert offer.status_code == 200 and b'method="post"' in offer.content

    started = client.post(url, {"period": PERIOD})
    assert started.status_code == 302
    status_url = started["Location"]
    waiting = client.get(status_url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in waiting.content  # the page keeps polling

    forgotten = exports.export_folder(ops.pk) / "old-job.csv"
    forgotten.parent.mkdir(parents=True, exist_ok=True)
    forgotten.write_text("code\n")
    two_days_ago = time.time() - 48 * 3600
    os.utime(forgotten, (two_days_ago, two_days_ago))

    run_waiting_jobs()
    assert not forgotten.exists()  # an export holds personal data: none kept past a day

    done = client.get(status_url, headers={"HX-Request": "true"})
    assert b"hx-trigger" not in done.content  # polling stops once the file is ready
    download = reverse("ioc:export_download", kwargs={"job_id": done.context["job"].id})
    assert download.encode() in done.content
    response = client.get(download)
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))
    assert {row[0] for row in rows[1:]} == {dossier.code for dossier in dossiers.values()}

    someone_else = factories.officer(province["centre"], Role.OPS_VIEWER)
    client.force_login(someone_else)
    assert client.get(status_url).status_code == 404
    assert client.get(download).status_code == 404


def test_text_that_looks_like_a_formula_stays_text_in_both_formats():
    table = exports.Table("units", "Units", [exports.Column("Unit"), exports.Column("Late",
                                                                                   "number")],
                          [("=HYPERLINK(\"http://x\")", -3)], 1)
    assert csv_rows(exports.write_bytes(table, "csv"))[1] == ["'=HYPERLINK(\"http://x\")", "-3"]
    table.rows = [("=HYPERLINK(\"http://x\")", -3)]
    sheet = load_workbook(io.BytesIO(exports.write_bytes(table, "xlsx"))).active
    assert sheet["A2"].data_type == "s" and sheet["B2"].value == -3
