from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from haicap.slips.templatetags.slip_format import (
    vn_date,
    vn_datetime,
    vn_long_date,
    vn_money,
    vn_time,
)

UTC = ZoneInfo("UTC")


def test_dates_print_dd_mm_yyyy_in_hanoi_time():
    assert vn_date(date(2026, 3, 5)) == "05/03/2026"
    # 18:30 UTC on 31 December is 01:30 on 1 January in Hanoi (UTC+7)
    assert vn_date(datetime(2026, 12, 31, 18, 30, tzinfo=UTC)) == "01/01/2027"
    assert vn_time(datetime(2026, 12, 31, 18, 30, tzinfo=UTC)) == "01:30"


def test_naive_datetimes_are_taken_as_local_time():
    assert vn_datetime(datetime(2026, 11, 26, 14, 5)) == "14:05 ngày 26/11/2026"
    assert vn_time(time(7, 30)) == "07:30"


def test_missing_values_print_nothing():
    assert vn_date(None) == vn_time(None) == vn_datetime(None) == vn_money(None) == ""


def test_place_and_date_line_spells_day_month_year():
    assert vn_long_date(date(2026, 3, 5)) == "ngày 05 tháng 03 năm 2026"


def test_money_groups_thousands_with_dots():
    assert vn_money(20000) == "20.000 đồng"
    assert vn_money(1234567) == "1.234.567 đồng"
    assert vn_money(0) == "0 đồng"
