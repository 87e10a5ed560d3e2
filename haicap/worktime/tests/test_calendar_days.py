"""Rules: which days are working days for officials, pinned on real announcements of past years."""

from datetime import date, timedelta

import pytest

from haicap.worktime.calendar import is_working_day
from haicap.worktime.selectors import calendar_days, working_day_count

pytestmark = pytest.mark.django_db


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_weekdays_are_working_days_and_weekends_are_not():
    assert is_working_day(date(2025, 3, 10))  # Monday
    assert is_working_day(date(2025, 3, 14))  # Friday
    assert not is_working_day(date(2025, 3, 8))  # Saturday
    assert not is_working_day(date(2025, 3, 9))  # Sunday


def test_tet_2025_days_are_not_working_days():
    # Thông báo 6150/TB-BLĐTBXH: off from Saturday 25/1 to Sunday 2/2/2025, nine days.
    assert not any(is_working_day(day) for day in days(date(2025, 1, 25), date(2025, 2, 2)))
    assert is_working_day(date(2025, 1, 24))
    assert is_working_day(date(2025, 2, 3))


def test_tet_2024_is_8_to_14_february():
    assert not any(is_working_day(day) for day in days(date(2024, 2, 8), date(2024, 2, 14)))
    assert is_working_day(date(2024, 2, 7))
    assert is_working_day(date(2024, 2, 15))


def test_tet_2026_is_14_to_22_february():
    assert not any(is_working_day(day) for day in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert is_working_day(date(2026, 2, 13))
    assert is_working_day(date(2026, 2, 23))


def test_makeup_saturday_2025_04_26_is_a_working_day():
    assert is_working_day(date(2025, 4, 26))


def test_reunification_day_2025_is_30_april_to_4_may():
    assert not any(is_working_day(day) for day in days(date(2025, 4, 30), date(2025, 5, 4)))
    assert is_working_day(date(2025, 4, 29))
    assert is_working_day(date(2025, 5, 5))


def test_reunification_day_2024_is_27_april_to_1_may_with_makeup_saturday_4_may():
    # Công văn 2450/VPCP-KGVX: Monday 29/4/2024 swapped for Saturday 4/5/2024.
    assert not any(is_working_day(day) for day in days(date(2024, 4, 27), date(2024, 5, 1)))
    assert is_working_day(date(2024, 5, 2))
    assert is_working_day(date(2024, 5, 4))


def test_national_day_2025_is_30_august_to_2_september():
    assert not any(is_working_day(day) for day in days(date(2025, 8, 30), date(2025, 9, 2)))
    assert is_working_day(date(2025, 8, 29))
    assert is_working_day(date(2025, 9, 3))


def test_national_day_has_two_days_since_2021():
    assert not is_working_day(date(2021, 9, 3))  # Friday after Thursday 2/9
    assert is_working_day(date(2020, 9, 3))  # Labor Code 2012: one day only


def test_new_year_2026_friday_2_january_swapped_for_saturday_10_january():
    assert not any(is_working_day(day) for day in days(date(2026, 1, 1), date(2026, 1, 4)))
    assert is_working_day(date(2026, 1, 10))


def test_hung_kings_day_2022_on_sunday_is_observed_on_monday():
    assert not is_working_day(date(2022, 4, 11))
    assert is_working_day(date(2022, 4, 12))


def test_2025_has_250_working_days():
    # 261 weekdays, minus 12 weekday holidays and days off, plus the make-up Saturday 26/4.
    assert working_day_count(2025) == 250


@pytest.mark.parametrize("year", range(2020, 2036))
def test_every_year_2020_to_2035_has_new_year_tet_and_national_day(year):
    names = [entry.name for entry in calendar_days(year)]
    assert "Tết Dương lịch" in names
    assert "Tết Nguyên Đán" in names
    assert "Quốc khánh" in names


def test_a_year_never_loaded_falls_back_to_the_shipped_calendar():
    # Tết 2040 (Canh Thân) falls on Sunday 12/2/2040; load_calendar stores up to 2035 only.
    assert not is_working_day(date(2040, 2, 13))
    assert is_working_day(date(2040, 3, 1))
