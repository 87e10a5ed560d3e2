"""The data steward's pages (issue 7 points 1, 4, 5 and 6): who may open them, the import in
two steps (a file or a database, the mapping with its preview, saved versions reused), the batch
with its bad rows, the golden record with its lineage and override form, the review queue and
the side-by-side pair, the decision log, runs and the quality report. List pages read a fixed
number of queries however long they are."""

import io
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from haicap.core.roles import Role
from haicap.mdm import inspection, review, tasks
from haicap.mdm.models import Batch, Mapping, PairDecision, QualityReport, ReviewPair, Verdict
from haicap.mdm.tests.test_review import (
    build_world,
    finished_run,
    golden,
    review_pair,
    source_with_rows,
    steward_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()

SHEET = [["Mã", "Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại", "Địa chỉ"],
         ["10", "Lê Văn Cường", "01/02/1970", "048070000001", "0905111222", "Hòa Vang"],
         ["11", "Phạm Thị Dung", "15/08/1982", "", "0168 999 1234", "Thăng Bình"],
         ["", "Không có mã", "01/01/1990", "", "", ""]]


@pytest.fixture
def steward(client):
    user = steward_of("48")
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def no_standardization(monkeypatch):
    """The preview's row problems come from the standardization (tested on its own); here a
    fixed problem for an old phone prefix."""
    def problems(values):
        phone = values.get("phone", "")
        return ([{"field": "phone", "code": "phone_old_prefix",
                  "message": "Old 11-digit number"}] if phone.startswith("016") else [])
    monkeypatch.setattr(inspection, "row_problems", problems)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def vi(message: str, *, escaped: bool = False) -> str:
    """A message as the pages show it (in Vietnamese unless the user chose English); escaped
    as a variable is, not as a template's own text."""
    with override("vi"):
        found = gettext(message)
    return escape(found) if escaped else found


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "dan-cu.xlsx"
    return data


# -- who may look ---------------------------------------------------------------------------------

PAGES = ["mdm:sources", "mdm:golden_list", "mdm:queue", "mdm:runs", "mdm:quality", "mdm:audit"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_officers_who_are_not_stewards_are_refused(client, name):
    client.force_login(steward_of("48", Role.LEADER))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert vi("Only data stewards work on master data.") in text(response)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_for_a_steward_even_when_empty(client, steward, name):
    assert client.get(reverse(name)).status_code == 200


def test_the_menu_leads_stewards_to_master_data(client, steward):
    response = client.get(reverse("portal:home"))
    assert reverse("mdm:sources") in response.content.decode()


# -- sources and imports --------------------------------------------------------------------------

def test_a_steward_creates_a_source_of_their_own_province(client, steward):
    response = client.post(reverse("mdm:sources"), {
        "code": "qna-mc", "name": "Một cửa Quảng Nam", "system": "oracle", "trust": "70"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mdm:source", args=["qna-mc"])
    assert client.get(reverse("mdm:sources")).content.decode().count("qna-mc") >= 1

    again = client.post(reverse("mdm:sources"), {
        "code": "qna-mc", "name": "x", "system": "oracle", "trust": "70"})
    assert again.status_code == 422 and "qna-mc" in text(again)


def test_an_excel_file_is_mapped_previewed_with_its_problems_and_imported(client, steward):
    source_with_rows("A", [])
    start = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})
    assert start.status_code == 302
    mapping_page = client.get(start["Location"])
    page = text(mapping_page)
    assert mapping_page.status_code == 200
    # The saved mapping does not fit these columns: one is guessed from the names.
    form = mapping_page.context["form"]
    assert form.initial["map_full_name"] == "Họ và tên"
    assert form.initial["map_birth_date"] == "Ngày sinh"
    assert "Lê Văn Cường" in page and "Old 11-digit number" in page
    assert vi("The row has no key.") in page  # the keyless row, as the import will refuse it

    data = {"kind": "person", "key_column": "Mã", "map_full_name": "Họ và tên",
            "map_birth_date": "Ngày sinh", "map_national_id": "Số CCCD",
            "map_phone": "Điện thoại", "action": "import"}
    done = client.post(start["Location"], data)
    batch = Batch.objects.get(source__code="A", rows_read=3)
    assert done.status_code == 302 and done["Location"] == reverse("mdm:batch", args=[batch.pk])
    assert (batch.rows_imported, batch.rows_bad, batch.mapping.version) == (2, 1, 2)
    batch_page = text(client.get(done["Location"]))
    assert vi("The row has no key.") in batch_page and "missing_key" in batch_page
    # The staged file is gone with the import.
    assert client.get(start["Location"]).status_code == 404


def test_uploads_abandoned_for_a_day_are_deleted_when_the_next_one_is_staged(client, steward,
                                                                            settings, tmp_path):
    import os
    import time
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path)
    other = Path(tmp_path) / "mdm" / "staged" / "999"
    other.mkdir(parents=True)
    abandoned, recent = other / "old.xlsx", other / "new.xlsx"
    for path in (abandoned, recent):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(abandoned, (day_ago, day_ago))
    source_with_rows("A", [])

    start = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})

    assert start.status_code == 302 and client.get(start["Location"]).status_code == 200
    assert not abandoned.exists() and recent.exists()


def test_a_saved_mapping_version_is_offered_and_an_unchanged_one_reused(client, steward):
    source_with_rows("A", [])
    start = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})
    data = {"kind": "person", "key_column": "Mã", "map_full_name": "Họ và tên",
            "map_birth_date": "Ngày sinh", "action": "import"}
    client.post(start["Location"], data)
    again = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})
    page = client.get(again["Location"])
    assert page.context["chosen"].version == 2  # the latest fits the file's columns now
    assert page.context["form"].initial["map_full_name"] == "Họ và tên"
    older = client.get(again["Location"], {"mapping": "1"})
    assert older.context["chosen"].version == 1
    client.post(again["Location"], data)
    assert list(Mapping.objects.filter(source__code="A").values_list("version", flat=True)
                ) == [2, 1]


def test_a_mapping_without_a_name_is_refused_before_the_import(client, steward):
    source_with_rows("A", [])
    start = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})
    response = client.post(start["Location"], {"kind": "person", "key_column": "Mã",
                                                "map_birth_date": "Ngày sinh",
                                                "action": "import"})
    assert response.status_code == 422
    assert vi("The mapping must fill %(fields)s.").split("%")[0] in text(response)
    assert not Batch.objects.filter(source__code="A", rows_read=3).exists()


def test_the_preview_is_redrawn_alone_for_htmx(client, steward):
    source_with_rows("A", [])
    start = client.post(reverse("mdm:import_start", args=["A"]), {"file": workbook(SHEET)})
    response = client.post(start["Location"], {"kind": "person", "key_column": "Mã",
                                                "map_full_name": "Họ và tên",
                                                "map_birth_date": "Ngày sinh",
                                                "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "Lê Văn Cường" in text(response)


def test_a_file_or_a_database_must_be_given_and_an_unknown_database_is_refused(client, steward):
    source_with_rows("A", [])
    empty = client.post(reverse("mdm:import_start", args=["A"]), {})
    assert empty.status_code == 422
    assert vi("Give a file or a database connection string.") in text(empty)
    bad = client.post(reverse("mdm:import_start", args=["A"]),
                      {"database_url": "oracle://x/y", "table": "cong_dan"})
    assert bad.status_code == 422 and "postgres://" in text(bad)


def test_another_provinces_source_and_batch_are_not_found(client, steward):
    _source, batch = source_with_rows("HN", [["1", "A", "1990", "", "", ""]], province_code="01")
    assert client.get(reverse("mdm:source", args=["HN"])).status_code == 404
    assert client.get(reverse("mdm:batch", args=[batch.pk])).status_code == 404


# -- golden records -------------------------------------------------------------------------------

def test_the_golden_record_shows_where_each_value_came_from_and_the_rows_as_received(
        client, steward, world):
    response = client.get(reverse("mdm:golden", args=[world.an.golden_id]))
    page = text(response)
    assert response.status_code == 200
    assert 'href="#record-a1"' in page  # the lineage links to the source record below
    assert "Nguyen Van An" in page and "07/03/1985" in page  # B:7 as received
    assert "HO_TEN" in page


def test_an_override_from_the_form_is_shown_as_the_stewards_value(client, steward, world):
    url = reverse("mdm:golden_override", args=[world.an.golden_id])
    response = client.post(url, {"field": "phone", "value": "0905 999 888", "note": "mới"})
    assert response.status_code == 302
    page = text(client.get(reverse("mdm:golden", args=[world.an.golden_id])))
    assert "0905999888" in page and vi("steward's value") in page

    refused = client.post(url, {"field": "national_id", "value": "12345"})
    assert refused.status_code == 422
    assert vi("The personal identification number must have exactly 12 digits.") in text(refused)

    cleared = client.post(reverse("mdm:golden_clear", args=[world.an.golden_id, "phone"]))
    assert cleared.status_code == 302
    world.an.refresh_from_db()
    assert world.an.phone == "0905123456"


def test_a_record_is_split_off_from_the_golden_record_page(client, steward, world):
    response = client.post(reverse("mdm:golden_split", args=[world.an.golden_id]),
                           {"record_key": "B:7", "note": "khác người"})
    assert response.status_code == 302
    assert PairDecision.objects.get().action == "split"


def test_golden_records_are_found_by_name_or_identification_number(client, steward, world):
    by_name = client.get(reverse("mdm:golden_list"), {"q": "bình"})
    assert by_name.context["records"].paginator.count == 2
    by_id = client.get(reverse("mdm:golden_list"), {"q": "048085000123"})
    assert [record.golden_id for record in by_id.context["records"]] == [world.an.golden_id]


def test_another_provinces_golden_record_is_not_found(client, world):
    client.force_login(steward_of("01"))
    assert client.get(reverse("mdm:golden", args=[world.an.golden_id])).status_code == 404


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_golden_list_reads_as_many_queries_for_three_records_as_for_forty(client, steward,
                                                                             world):
    few = queries_for(client, reverse("mdm:golden_list"))
    for serial in range(10, 47):
        golden(world.run, serial, [f"C:{serial}"], full_name=f"Người {serial}")
    assert queries_for(client, reverse("mdm:golden_list")) == few


def test_the_golden_list_page_takes_a_fixed_number_of_queries(client, steward, world,
                                                              django_assert_num_queries):
    # session, user, office; count, page
    with django_assert_num_queries(5):
        client.get(reverse("mdm:golden_list"))


# -- review ---------------------------------------------------------------------------------------

def test_the_queue_lists_both_records_of_each_pair(client, steward, world):
    page = text(client.get(reverse("mdm:queue")))
    assert "Trần Thị Bình" in page and "A:2" in page and "B:8" in page
    assert reverse("mdm:pair", args=[world.pair.pk]) in page


def test_the_queue_reads_as_many_queries_for_one_pair_as_for_fifty(client, steward, world,
                                                                   django_assert_num_queries):
    # session, user, office; count, page, the records of the page's pairs
    with django_assert_num_queries(6):
        client.get(reverse("mdm:queue"))
    for number in range(49):
        review_pair(world.run, f"A:{100 + number}", f"B:{100 + number}", probability=0.7)
    with django_assert_num_queries(6):
        client.get(reverse("mdm:queue"))


def test_the_pair_page_shows_the_records_side_by_side_and_each_comparisons_weight(
        client, steward, world):
    response = client.get(reverse("mdm:pair", args=[world.pair.pk]))
    page = text(response)
    assert "12/01/1990" in page and "1990" in page
    assert "Jaro-Winkler &gt;= 0.92" in page and "+6.40" in page.replace(",", ".")
    assert "-1.30" in page.replace(",", ".")
    comparisons = {row.name: row for row in response.context["detail"].comparisons}
    assert comparisons["full_name"].agrees is True
    assert comparisons["birth_date"].agrees is False


def test_a_decision_on_the_pair_page_opens_the_next_pair(client, steward, world):
    following = review_pair(world.run, "A:1", "B:8", probability=0.6)
    response = client.post(reverse("mdm:pair", args=[world.pair.pk]),
                           {"verdict": Verdict.NOT_SAME, "note": "khác cha mẹ"})
    assert response["Location"] == reverse("mdm:pair", args=[following.pk])
    last = client.post(reverse("mdm:pair", args=[following.pk]), {"verdict": Verdict.SAME})
    assert last["Location"] == reverse("mdm:queue")
    assert not ReviewPair.objects.filter(decision__isnull=True).exists()


def test_ticked_pairs_are_decided_together(client, steward, world):
    other = review_pair(world.run, "A:1", "B:8", probability=0.6)
    response = client.post(reverse("mdm:bulk"), {"pairs": [world.pair.pk, other.pk],
                                                 "verdict": Verdict.SAME})
    assert response.status_code == 302
    assert set(PairDecision.objects.values_list("action", flat=True)) == {"bulk"}
    nothing = client.post(reverse("mdm:bulk"), {"verdict": Verdict.SAME}, follow=True)
    assert vi("Tick at least one pair and choose a decision.") in text(nothing)


def test_the_decision_log_shows_who_decided_and_only_our_province(client, steward, world):
    review.decide_pair(world.pair, Verdict.SAME, steward, "cùng hộ")
    hanoi_run = finished_run("01")
    hanoi = steward_of("01")
    review.decide_pair(review_pair(hanoi_run, "X:1", "Y:1"), Verdict.SAME, hanoi)
    page = text(client.get(reverse("mdm:audit")))
    assert steward.username in page and "cùng hộ" in page
    assert hanoi.username not in page and "X:1" not in page


# -- runs and quality -----------------------------------------------------------------------------

def test_the_runs_page_lists_figures_and_starts_a_run_in_the_background(client, steward, world):
    page = text(client.get(reverse("mdm:runs")))
    assert re.search(r"3[.,]5", page)  # seconds, all stages
    response = client.post(reverse("mdm:runs"), {})
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(task_path=tasks.match_run.module_path).count() == 1
    busy = client.get(reverse("mdm:runs"))
    assert busy.context["busy"] and 'hx-trigger="every 5s"' in busy.content.decode()
    again = client.post(reverse("mdm:runs"), {})
    assert again.status_code == 422
    assert vi("A run of this province is already waiting or running.") in text(again)


def test_the_quality_report_draws_each_sources_chart_beside_its_table(client, steward, world):
    from haicap.mdm.models import Source

    for source in Source.objects.filter(province_id="48"):
        QualityReport.objects.create(run=world.run, source=source, records=2, figures={
            "fields": [{"field": "full_name", "filled": 100.0, "valid": None},
                       {"field": "national_id", "filled": 50.0, "valid": 100.0}],
            "fixes": {"phone_old_prefix": 1}, "duplicates_in_source": 0,
            "found_in_other_sources": 1})
    response = client.get(reverse("mdm:quality"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-quality-A-data"' in page and 'id="chart-quality-B-data"' in page
    assert 'id="chart-duplicates-data"' in page and "vendor/plotly.min.js" in page
    assert "phone_old_prefix" in page and vi("Personal identification number") in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server")
def test_a_postgresql_table_is_imported_through_the_same_two_steps(client, steward):
    """A table committed in the test server (its own connection: the import reads it through
    a connection string, outside the test's transaction)."""
    import psycopg

    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS mdm_old_citizens")
        admin.execute("CREATE TABLE mdm_old_citizens (ma text, ho_ten text, ngay_sinh date)")
        admin.execute("INSERT INTO mdm_old_citizens VALUES ('1', 'Lê Văn Cường', '1970-02-01'),"
                      " ('2', 'Phạm Thị Dung', '1982-08-15'), ('2', 'Trùng mã', NULL)")
    try:
        source_with_rows("A", [])
        start = client.post(reverse("mdm:import_start", args=["A"]),
                            {"database_url": url, "table": "mdm_old_citizens"})
        assert start.status_code == 302
        assert url not in client.get(start["Location"]).content.decode()  # never in a page
        done = client.post(start["Location"], {
            "kind": "person", "key_column": "ma", "map_full_name": "ho_ten",
            "map_birth_date": "ngay_sinh", "action": "import"})
        batch = Batch.objects.get(pk=done["Location"].rstrip("/").rsplit("/", 1)[-1])
        assert (batch.format, batch.rows_imported, batch.rows_bad) == ("postgresql", 2, 1)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("DROP TABLE IF EXISTS mdm_old_citizens")


def test_the_pair_is_compared_as_the_run_standardized_it_beside_the_values_as_received(
        client, steward, world):
    from datetime import date

    import pyarrow as pa

    from haicap.mdm import store

    store.write_output(world.run, "records", pa.table({
        "record_key": ["A:2", "B:8", "A:1"],
        "full_name": ["Trần Thị Bình", "Trần Thị Bình", "Nguyễn Văn An"],
        "birth_date": pa.array([date(1990, 1, 12), date(1990, 1, 12), None], pa.date32()),
        "phone": ["0389123456", "0389123456", None]}))
    response = client.get(reverse("mdm:pair", args=[world.pair.pk]))
    comparisons = {row.name: row for row in response.context["detail"].comparisons}
    assert comparisons["birth_date"].agrees is True  # "12/01/1990" and "1990" as received
    assert comparisons["birth_date"].b_received == "1990"
    assert comparisons["phone"].a == "0389123456"
    assert comparisons["phone"].a_received == "01689123456"
    assert "01689123456" in text(response)


def test_a_long_golden_list_is_counted_no_further_than_the_cap(client, steward, world,
                                                               monkeypatch):
    from haicap.mdm import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    response = client.get(reverse("mdm:golden_list"))
    assert response.context["records"].paginator.more
    assert len(response.context["records"].object_list) == 3  # the page is still whole


def test_the_weights_of_a_pair_name_each_comparison_and_level_in_vietnamese():
    """Level labels are saved in the model's JSON in English and translated where shown."""
    from haicap.mdm.selectors import Weight

    with override("vi"):
        name = Weight("name", "same full name", 10.3)
        parents = Weight("parents", "missing", 0.0)
        birth = Weight("birth_date", "day and month swapped", 4.1)
        assert (name.label, name.level_label) == ("Họ và tên", "trùng họ và tên")
        assert (parents.label, parents.level_label) == ("Họ tên cha mẹ", "thiếu dữ liệu")
        assert birth.level_label == "đảo ngày và tháng"
