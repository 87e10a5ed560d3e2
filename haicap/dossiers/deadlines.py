"""The clock of a dossier and of its tasks, in office time (worktime app).

- A step's task is due after its `share` of the statutory deadline, counted in office hours
  from the step's start: n working days are n office days of hours, a same-day procedure one
  office day.
- Supplement time is not counted (Decree 61/2018, art. 19): when the supplement arrives, the
  appointment moves by the office hours the dossier waited; an appointment in days stays at
  the close of a day.
- "Due soon" = due before the close of the next working day.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from haicap.catalog.spec import Deadline, DeadlineUnit
from haicap.worktime import calendar

HOUR = timedelta(hours=1)


def office_day_hours() -> Decimal:
    """Office hours in one working day (7.5 with the default 07:30–11:30, 13:30–17:00)."""
    periods = calendar.office_periods(timezone.localdate())
    seconds = sum((closes - opens).total_seconds() for opens, closes in periods)
    return Decimal(str(seconds / 3600))


def deadline_hours(deadline: Deadline) -> Decimal:
    """The whole statutory deadline as office hours."""
    if deadline.unit == DeadlineUnit.WORKING_HOURS:
        return Decimal(deadline.value)
    if deadline.unit == DeadlineUnit.SAME_DAY:
        return office_day_hours()
    # Working days, and calendar days read as working days for the split between steps.
    return Decimal(deadline.value) * office_day_hours()


def step_hours(deadline: Deadline, share: float) -> Decimal:
    return (deadline_hours(deadline) * Decimal(str(share))).quantize(Decimal("0.0001"))


def step_due(deadline: Deadline, share: float, start: datetime) -> datetime:
    """When a step that starts at `start` is due: its share of the deadline in office hours."""
    return calendar.add_working_hours(start, step_hours(deadline, share))


def fraction_of(start: datetime, hours: Decimal, fraction: str) -> datetime:
    """The instant at `fraction` of `hours` office hours from `start` (timers: 75 %, 90 %)."""
    return calendar.add_working_hours(start, hours * Decimal(fraction))


def working_hours_between(start: datetime, end: datetime) -> Decimal:
    """Office hours between two instants (zero if end is not after start)."""
    if end <= start:
        return Decimal(0)
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            for opens, closes in calendar.office_periods(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta(0):
                    total += overlap
        day += timedelta(days=1)
    return (Decimal(total // timedelta(microseconds=1)) / Decimal(3_600_000_000)).quantize(
        Decimal("0.0001"))


def shift(due_at: datetime, hours: Decimal, *, in_days: bool) -> datetime:
    """An appointment moved later by `hours` office hours; a day appointment stays at the
    close of office of the day reached."""
    if hours <= 0:
        return due_at
    moved = calendar.add_working_hours(due_at, hours)
    if not in_days:
        return moved
    return calendar.office_periods(timezone.localtime(moved).date())[-1][1]


def in_days(deadline: Deadline) -> bool:
    return deadline.unit != DeadlineUnit.WORKING_HOURS


def due_soon_limit(now: datetime) -> datetime:
    """The end of "due soon": the close of office of the next working day."""
    return calendar.office_periods(calendar.add_working_days(now, 1))[-1][1]
