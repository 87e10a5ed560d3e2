"""Rules: adding and counting working days and office hours, and when a dossier's clock starts."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from haicap.worktime.calendar import (
    add_working_days,
    add_working_hours,
    appointment,
    appointment_date,
    counting_start,
    working_days_between,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


# --- working days ------------------------------------------------------------------------------


def test_add_working_days_does_not_count_the_start_day():
    assert add_working_days(date(2025, 3, 10), 1) == date(2025, 3, 11)  # Monday → Tuesday
    assert add_working_days(date(2025, 3, 10), 5) == date(2025, 3, 17)


def test_add_zero_working_days_is_the_start_day():
    assert add_working_days(date(2025, 3, 10), 0) == date(2025, 3, 10)


def test_add_working_days_skips_reunification_day_2024():
    # Friday 26/4/2024: 27-28 weekend, 29 swapped off, 30/4 and 1/5 holidays.
    assert add_working_days(date(2024, 4, 26), 1) == date(2024, 5, 2)
    # ...and counts the make-up Saturday 4/5/2024.
    assert add_working_days(date(2024, 5, 2), 2) == date(2024, 5, 4)


def test_add_working_days_skips_tet_2025():
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)


def test_add_working_days_crosses_the_year_boundary_over_new_year():
    assert add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 2)
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)  # 1-4/1/2026 off


def test_add_working_days_reads_a_datetime_in_vietnam_time():
    # 17:30 UTC on Friday 7/3/2025 is already Saturday 00:30 in Vietnam.
    assert add_working_days(datetime(2025, 3, 7, 17, 30, tzinfo=UTC), 1) == date(2025, 3, 10)


def test_add_working_days_refuses_a_negative_number():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 10), -1)


def test_working_days_between_counts_after_the_start_day_up_to_the_end_day():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 7)) == 4
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 3)) == -4


def test_working_days_between_over_tet_2025_is_one():
    assert working_days_between(at(2025, 1, 24, 10), at(2025, 2, 3, 9)) == 1


def test_working_days_between_crosses_the_year_boundary():
    # 2/1/2025 and 3/1/2025 (1/1 is a holiday) — 2024's last days are not counted.
    assert working_days_between(date(2024, 12, 31), date(2025, 1, 3)) == 2


# --- working hours ------------------------------------------------------------------------------


def test_working_hours_skip_lunch_and_night():
    # Monday 10:00 + 8 h: 1.5 h before lunch, 3.5 h after, 3 h on Tuesday from 07:30.
    assert add_working_hours(at(2025, 3, 3, 10), 8) == at(2025, 3, 4, 10, 30)


def test_working_hours_that_end_at_lunch_end_at_11_30():
    assert add_working_hours(at(2025, 3, 3, 7, 30), 4) == at(2025, 3, 3, 11, 30)


def test_working_hours_started_in_the_lunch_break_count_from_13_30():
    assert add_working_hours(at(2025, 3, 3, 12, 0), 1) == at(2025, 3, 3, 14, 30)


def test_working_hours_skip_reunification_day_2025():
    # Tuesday 29/4/2025 16:00 + 2 h: 1 h that day, 30/4-4/5 off, 1 h on Monday 5/5.
    assert add_working_hours(at(2025, 4, 29, 16), 2) == at(2025, 5, 5, 8, 30)


def test_working_hours_count_on_the_makeup_saturday_2025_04_26():
    assert add_working_hours(at(2025, 4, 25, 16), 2) == at(2025, 4, 26, 8, 30)


def test_fractional_working_hours():
    assert add_working_hours(at(2025, 3, 3, 8), Decimal("0.5")) == at(2025, 3, 3, 8, 30)
    assert add_working_hours(at(2025, 3, 3, 8), 1.25) == at(2025, 3, 3, 9, 15)


def test_working_hours_refuse_a_negative_number():
    with pytest.raises(ValueError):
        add_working_hours(at(2025, 3, 3, 8), -1)


# --- reception (Decree 118/2025/NĐ-CP) -------------------------------------------------------


def test_dossier_received_after_15h_counts_from_next_working_day():
    assert counting_start(at(2025, 3, 4, 15, 1)) == at(2025, 3, 5, 7, 30)
    assert appointment_date(at(2025, 3, 4, 15, 1), working_days=3) == date(2025, 3, 10)
    assert appointment_date(at(2025, 3, 4, 14, 59), working_days=3) == date(2025, 3, 7)


def test_dossier_received_at_15h_sharp_counts_from_the_same_day():
    assert counting_start(at(2025, 3, 4, 15, 0)) == at(2025, 3, 4, 15, 0)


def test_dossier_received_before_opening_counts_from_07_30():
    assert counting_start(at(2025, 3, 4, 6, 0)) == at(2025, 3, 4, 7, 30)


def test_friday_16h_reception_counts_from_monday():
    assert counting_start(at(2025, 3, 7, 16)) == at(2025, 3, 10, 7, 30)
    assert appointment_date(at(2025, 3, 7, 16), working_days=1) == date(2025, 3, 11)


def test_saturday_reception_counts_from_monday():
    assert counting_start(at(2025, 3, 8, 9)) == at(2025, 3, 10, 7, 30)
    assert appointment_date(at(2025, 3, 8, 9), working_days=2) == date(2025, 3, 12)


def test_reception_on_the_makeup_saturday_2025_04_26_counts_that_day():
    assert counting_start(at(2025, 4, 26, 9)) == at(2025, 4, 26, 9)
    assert appointment_date(at(2025, 4, 26, 9), working_days=2) == date(2025, 4, 29)
    assert appointment_date(at(2025, 4, 26, 9), working_days=3) == date(2025, 5, 5)


def test_reception_on_the_eve_of_tet_2025_after_15h_counts_from_3_february():
    assert counting_start(at(2025, 1, 24, 15, 30)) == at(2025, 2, 3, 7, 30)
    assert appointment_date(at(2025, 1, 24, 15, 30), working_days=5) == date(2025, 2, 10)


def test_reception_time_in_utc_is_read_in_vietnam_time():
    # 08:30 UTC is 15:30 in Vietnam: after the cut-off.
    received = datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert counting_start(received) == at(2025, 3, 5, 7, 30)


def test_naive_reception_time_is_vietnam_time():
    assert counting_start(datetime(2025, 3, 4, 15, 30)) == at(2025, 3, 5, 7, 30)


def test_appointment_in_working_hours_after_15h():
    slip = appointment(at(2025, 3, 3, 16), working_hours=8)
    assert slip.counting_start == at(2025, 3, 4, 7, 30)
    assert slip.due_at == at(2025, 3, 5, 8, 0)  # 7.5 h on Tuesday, 0.5 h on Wednesday
    assert slip.due_date == date(2025, 3, 5)


def test_appointment_in_working_days_is_due_at_the_close_of_office_hours():
    slip = appointment(at(2025, 3, 3, 9), working_days=2)
    assert slip.due_at == at(2025, 3, 5, 17, 0)


def test_appointment_needs_exactly_one_time_limit():
    with pytest.raises(ValueError):
        appointment(at(2025, 3, 3, 9))
    with pytest.raises(ValueError):
        appointment(at(2025, 3, 3, 9), working_days=1, working_hours=8)
