"""Presenters: the appointment date of a deadline in calendar days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from haicap.catalog.presenters import expected_date
from haicap.catalog.spec import Deadline
from haicap.catalog.tests.test_spec import shipped

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def permit_with(deadline: Deadline):
    return shipped("1.009122").model_copy(update={"deadline": deadline})


def test_calendar_days_count_every_day_from_the_day_counting_starts():
    # Wednesday 1 October 2025, 10:00 + 15 days = Thursday 16 October (a working day).
    received = datetime(2025, 10, 1, 10, 0, tzinfo=HANOI)
    assert expected_date(shipped("1.009122"), received) == date(2025, 10, 16)


def test_calendar_days_ending_on_a_day_off_give_the_next_working_day():
    # Friday 3 October 2025 + 15 days = Saturday 18 October → Monday 20 October.
    received = datetime(2025, 10, 3, 10, 0, tzinfo=HANOI)
    assert expected_date(shipped("1.009122"), received) == date(2025, 10, 20)


def test_calendar_days_of_a_dossier_received_after_15h_count_from_the_next_working_day():
    # Friday 3 October 2025 16:00: counting starts Monday 6 October; + 15 = Tuesday 21 October.
    received = datetime(2025, 10, 3, 16, 0, tzinfo=HANOI)
    assert expected_date(shipped("1.009122"), received) == date(2025, 10, 21)


def test_working_days_still_skip_days_off():
    received = datetime(2025, 10, 3, 10, 0, tzinfo=HANOI)
    spec = permit_with(Deadline(value=15, unit="working_days"))
    assert expected_date(spec, received) == date(2025, 10, 24)
