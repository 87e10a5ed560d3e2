"""Properties of the calendar arithmetic over 2020-2035, checked on generated dates."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haicap.worktime.calendar import (
    add_working_days,
    add_working_hours,
    counting_start,
    is_working_day,
    office_periods,
    working_days_between,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
calendar_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 10, 31))
reception_times = st.builds(
    lambda day, minute: datetime.combine(day, time(), VN) + timedelta(minutes=minute),
    calendar_dates, st.integers(min_value=0, max_value=24 * 60 - 1),
)
examples = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@examples
@given(start=calendar_dates, n=st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    due = add_working_days(start, n)
    assert is_working_day(due)
    assert working_days_between(start, due) == n
    assert working_days_between(start, due - timedelta(days=1)) == n - 1


@examples
@given(received_at=reception_times)
def test_counting_starts_on_a_working_day_in_office_hours_never_before_reception(received_at):
    start = counting_start(received_at)
    assert start >= received_at
    assert is_working_day(start)
    assert any(opens <= start <= closes for opens, closes in office_periods(start.date()))


@examples
@given(received_at=reception_times, first=st.integers(1, 3000), second=st.integers(1, 3000))
def test_working_minutes_add_up(received_at, first, second):
    hours = first / 60, second / 60
    combined = add_working_hours(received_at, (first + second) / 60)
    assert add_working_hours(add_working_hours(received_at, hours[0]), hours[1]) == combined
