"""What the datasets hold (issue 6.5): aggregates, the catalogue, the units and the offices —
never personal data; complete months only; no totals."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from haicap.core.tests import factories
from haicap.opendata import builders
from haicap.opendata.registry import DEFINITIONS

pytestmark = pytest.mark.django_db

# Column names that would describe a person (the unit and procedure "name" columns are fine).
PERSONAL_COLUMN = re.compile(
    r"full_?name|applicant|citizen|person|resident|officer|user|owner|birth|gender|sex|"
    r"national_id|cccd|cmnd|id_number|passport|phone|mobile|email|address|street|house")
# Values that look like a citizen ID (12 digits), an old ID card (9) or a mobile number.
PERSONAL_VALUE = re.compile(r"^(\d{12}|\d{9}|(\+84|0)[35789]\d{8})$")


@dataclass(frozen=True)
class Stat:
    """A row as `haicap.ioc.selectors.monthly_statistics` yields it (the contract's StatRow)."""

    month: str
    commune_code: str
    commune_name: str
    procedure_code: str
    procedure_name: str
    received: int
    finished: int
    on_time: int
    late: int
    online: int


def stat(month="2026-09", commune="20194", received=20, finished=12, on_time=10, late=2,
         online=8, procedure="1.001193") -> Stat:
    return Stat(month, commune, f"Phường {commune}" if commune else "", procedure,
                "Đăng ký khai sinh", received, finished, on_time, late, online)


def test_no_dataset_has_a_column_or_a_value_that_looks_like_personal_data(province):
    resident = factories.resident(factories.communes()[0])  # personal data exists in the DB
    for definition in DEFINITIONS:
        table = definition.build(province)
        for column in table.columns:
            assert not PERSONAL_COLUMN.search(column.name), (definition.slug, column.name)
        for row in table.rows:
            for value in row:
                assert not (isinstance(value, str) and PERSONAL_VALUE.match(value)), value
                assert value not in (resident.full_name, resident.phone), value


def test_statistics_publish_complete_months_only_and_say_which():
    rows = [stat("2026-09"), stat("2026-10"), stat("2026-11")]

    table = builders.statistics_table(rows, before="2026-11")

    assert [row[0] for row in table.rows] == ["2026-09", "2026-10"]
    assert (table.temporal_start, table.temporal_end) == (date(2026, 9, 1), date(2026, 10, 31))


def test_statistics_hide_small_counts_and_their_complement_and_flag_the_row():
    table = builders.statistics_table(
        [stat(received=3, finished=12, on_time=10, late=2, online=0),
         stat(commune="20195", received=30, finished=15, on_time=10, late=5, online=9)],
        before="2026-11")
    records = {record["commune_code"]: record for record in table.records()}

    hidden = records["20194"]
    assert hidden["received"] is None and hidden["late"] is None and hidden["on_time"] is None
    assert hidden["finished"] == 12 and hidden["online"] is None and hidden["suppressed"] is True
    whole = records["20195"]
    assert (whole["received"], whole["late"], whole["suppressed"]) == (30, 5, False)


def test_statistics_publish_no_totals_one_row_per_month_commune_and_procedure():
    table = builders.statistics_table(
        [stat(), stat(procedure="1.004873"), stat(commune="")], before="2026-11")
    keys = [(r["month"], r["commune_code"], r["procedure_code"]) for r in table.records()]

    assert len(keys) == len(set(keys)) == 3
    assert not any("total" in name for name in table.names)
    province_level = next(r for r in table.records() if r["commune_code"] is None)
    assert province_level["commune_name"]  # "Province level" in words, not an empty cell


def test_the_procedure_catalogue_lists_each_active_procedure_with_deadline_and_fees(province):
    table = builders.procedures(province)
    birth = next(record for record in table.records() if record["code"] == "1.001193")

    assert birth["name"] and birth["level"] == "commune" and birth["deadline"]
    assert birth["free"] is True and birth["fee_vnd"] == 0 and birth["fees"]
    assert isinstance(birth["full_online"], bool)


def test_units_are_the_province_communes_and_their_2025_predecessors(province):
    communes = builders.communes(province)
    succession = builders.commune_succession(province)

    codes = {record["code"] for record in communes.records()}
    assert len(codes) == len(communes.rows) > 50
    assert {record["commune_code"] for record in succession.records()} <= codes
    assert succession.temporal_start == date(2025, 7, 1)
    assert all(record["legacy_commune_code"] for record in succession.records())


def test_offices_are_those_that_receive_dossiers_not_departments(province):
    table = builders.receiving_offices(province)
    kinds = sorted(record["kind"] for record in table.records())

    assert kinds == ["commune", "commune", "one_stop_centre"]
    centre = next(record for record in table.records() if record["kind"] == "one_stop_centre")
    assert centre["commune_code"] is None


def test_statistics_leave_out_rows_whose_counts_are_all_zero():
    table = builders.statistics_table(
        [stat(received=0, finished=0, on_time=0, late=0, online=0), stat(commune="20195")],
        before="2026-11")

    assert [record["commune_code"] for record in table.records()] == ["20195"]
