"""Reads of the working-day calendar (public data: no unit scoping)."""

from datetime import date, timedelta

from haicap.worktime.calendar import is_working_day
from haicap.worktime.models import CalendarDay
from haicap.worktime.official import CalendarEntry, official_entries


def calendar_days(year: int) -> list[CalendarEntry]:
    """The special days of a year: stored rows, or the shipped calendar if the year is not loaded.

    Admin rows always come from the database; they lie over the shipped calendar of a year that
    `load_calendar` never stored.
    """
    rows = [
        CalendarEntry(row.date, row.kind, row.name, row.legal_basis, row.notes, row.source)
        for row in CalendarDay.objects.filter(date__year=year)
    ]
    if any(row.source != CalendarDay.Source.ADMIN for row in rows):
        return rows
    entries = official_entries(year, year) | {row.date: row for row in rows}
    return [entries[day] for day in sorted(entries)]


def working_day_count(year: int) -> int:
    """How many working days the year has."""
    day, last = date(year, 1, 1), date(year, 12, 31)
    count = 0
    while day <= last:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
