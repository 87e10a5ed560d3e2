"""Working days, office hours and appointment dates (the arithmetic behind every deadline).

Definitions (docs/adr/0003-working-day-calendar.md explains the choices):

- A *working day* is Monday to Friday, minus public holidays and substituted days off, plus
  make-up working days (`CalendarDay` rows).
- A time limit of n working days that starts on day D ends on the n-th working day *after* D:
  the first day is not counted (Civil Code 2015, art. 147). `add_working_days(D, 0)` is D.
- `working_days_between(start, end)` counts the working days after start's day up to and
  including end's day, so `working_days_between(d, add_working_days(d, n)) == n`.
- Decree 118/2025/NĐ-CP: a dossier received after 15:00, or on a day that is not a working day,
  counts from the start of the next working day (`counting_start`).
- Datetimes are read in the province's time zone (settings.TIME_ZONE); a naive datetime is taken
  as local time. Dates returned are local dates.

The special days are read once into memory and kept for `CACHE_SECONDS`; services that write a
`CalendarDay` call `clear_cache()` so the process that wrote sees the change at once and others
within `CACHE_SECONDS`.
"""

import threading
import time as monotonic_clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

from haicap.worktime.models import CalendarDay
from haicap.worktime.official import official_entries

CACHE_SECONDS = 60
ONE_DAY = timedelta(days=1)
MICROSECONDS_PER_HOUR = 3_600_000_000


# --- the cached calendar ----------------------------------------------------------------------


@dataclass
class _Snapshot:
    """The special days held in the database, grouped by year, and the sets derived from them."""

    rows_by_year: dict[int, list[tuple[date, str, str]]]
    taken_at: float
    years: dict[int, tuple[frozenset[date], frozenset[date]]] = field(default_factory=dict)

    def year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off, make-up working days) of a year."""
        if year not in self.years:
            self.years[year] = self._build_year(year)
        return self.years[year]

    def _build_year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        rows = self.rows_by_year.get(year, [])
        kinds = {day: kind for day, kind, source in rows}
        loaded = any(source != CalendarDay.Source.ADMIN for _, _, source in rows)
        if not loaded:
            # A year `load_calendar` never stored: the shipped calendar, with any admin rows on top.
            kinds = {day: entry.kind for day, entry in official_entries(year, year).items()} | kinds
        work = frozenset(day for day, kind in kinds.items()
                         if kind == CalendarDay.Kind.MAKEUP_WORKDAY)
        return frozenset(kinds) - work, work


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def clear_cache() -> None:
    """Forget the cached calendar; the next lookup reads the database again."""
    global _snapshot
    with _lock:
        _snapshot = None


def _current_snapshot() -> _Snapshot:
    global _snapshot
    snapshot = _snapshot
    if snapshot is None or monotonic_clock.monotonic() - snapshot.taken_at > CACHE_SECONDS:
        rows_by_year: dict[int, list[tuple[date, str, str]]] = {}
        for day, kind, source in CalendarDay.objects.values_list("date", "kind", "source"):
            rows_by_year.setdefault(day.year, []).append((day, kind, source))
        snapshot = _Snapshot(rows_by_year, monotonic_clock.monotonic())
        with _lock:
            _snapshot = snapshot
    return snapshot


# --- days -------------------------------------------------------------------------------------


def is_working_day(day: date | datetime) -> bool:
    """Whether the offices work on this day (a datetime is read as a local date)."""
    day = _local_date(day)
    days_off, makeup_days = _current_snapshot().year(day.year)
    if day in makeup_days:
        return True
    if day in days_off:
        return False
    return day.weekday() < 5


def next_working_day(day: date | datetime) -> date:
    """The first working day strictly after this day."""
    day = _local_date(day) + ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: date | datetime, n: int) -> date:
    """The n-th working day after start's day (start's day itself is not counted; n=0 gives it).

    This is the appointment date of a dossier due in n working days counted from `start`
    (pass `counting_start(received_at)`, or use `appointment_date`).
    """
    if n < 0:
        raise ValueError("n must be zero or more working days")
    day = _local_date(start)
    while n > 0:
        day = next_working_day(day)
        n -= 1
    return day


def working_days_between(start: date | datetime, end: date | datetime) -> int:
    """Working days after start's day up to and including end's day; negative if end is earlier.

    Used for "how many working days late": `working_days_between(due, finished)`.
    """
    first, last = _local_date(start), _local_date(end)
    if last < first:
        return -working_days_between(last, first)
    count = 0
    day = first + ONE_DAY
    while day <= last:
        count += is_working_day(day)
        day += ONE_DAY
    return count


# --- hours ------------------------------------------------------------------------------------


def office_periods(day: date) -> list[tuple[datetime, datetime]]:
    """The office-hour periods of a day as aware datetimes (whether or not it is a working day)."""
    zone = _zone()
    return [(datetime.combine(day, opens, zone), datetime.combine(day, closes, zone))
            for opens, closes in _work_hours(tuple(map(tuple, settings.HAICAP_WORK_HOURS)))]


def add_working_hours(start: datetime, hours: float | Decimal | int) -> datetime:
    """The instant reached after `hours` office hours from `start`.

    Lunch breaks, nights, weekends, holidays and substituted days off are skipped. A start
    outside office hours counts from the next office period; a limit that runs out exactly at a
    period's end returns that end (e.g. 11:30, not 13:30).
    """
    # Rounded to the microsecond, so that float hours such as 1/60 give whole minutes.
    remaining = int((Decimal(str(hours)) * MICROSECONDS_PER_HOUR).to_integral_value())
    if remaining < 0:
        raise ValueError("hours must be zero or more")
    if not settings.HAICAP_WORK_HOURS:
        raise ValueError("settings.HAICAP_WORK_HOURS has no office periods")
    moment = _local_datetime(start)
    day = moment.date()
    while True:
        if is_working_day(day):
            for opens, closes in office_periods(day):
                if moment >= closes:
                    continue
                moment = max(moment, opens)
                available = (closes - moment) // timedelta(microseconds=1)
                if remaining <= available:
                    return moment + timedelta(microseconds=remaining)
                remaining -= available
                moment = closes
        day += ONE_DAY


# --- reception and appointment ----------------------------------------------------------------


def counting_start(received_at: datetime) -> datetime:
    """When the time limit of a dossier received at `received_at` starts to run.

    Decree 118/2025/NĐ-CP: received after the cut-off (settings.HAICAP_RECEPTION_CUTOFF, 15:00)
    or on a day that is not a working day, it counts from the opening of the next working day.
    Received on a working day outside office hours (before opening, in the lunch break), it
    counts from the next opening that day. The result is always an office-hour instant.
    """
    moment = _local_datetime(received_at)
    day = moment.date()
    if is_working_day(day) and moment.time() <= _parse_time(settings.HAICAP_RECEPTION_CUTOFF):
        for opens, closes in office_periods(day):
            if moment < closes:
                return max(moment, opens)
    return office_periods(next_working_day(day))[0][0]


@dataclass(frozen=True)
class Appointment:
    """What a receipt and appointment slip (form 01) prints."""

    received_at: datetime
    counting_start: datetime
    due_date: date
    # Day limits: the close of office hours on due_date; hour limits: the exact instant.
    due_at: datetime
    working_days: int | None = None
    working_hours: Decimal | None = None


def appointment(received_at: datetime, *, working_days: int | None = None,
                working_hours: float | Decimal | None = None) -> Appointment:
    """The appointment of a dossier received at `received_at`, due in working days or hours."""
    if (working_days is None) == (working_hours is None):
        raise ValueError("give exactly one of working_days and working_hours")
    received_at = _local_datetime(received_at)
    start = counting_start(received_at)
    if working_days is not None:
        due_date = add_working_days(start, working_days)
        due_at = office_periods(due_date)[-1][1]
        return Appointment(received_at, start, due_date, due_at, working_days=working_days)
    hours = Decimal(str(working_hours))
    due_at = add_working_hours(start, hours)
    return Appointment(received_at, start, due_at.date(), due_at, working_hours=hours)


def appointment_date(received_at: datetime, working_days: int | None = None,
                     working_hours: float | Decimal | None = None) -> date:
    """The appointment date printed on the receipt slip."""
    return appointment(received_at, working_days=working_days,
                       working_hours=working_hours).due_date


# --- helpers ----------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local_datetime(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_zone())
    return moment.astimezone(_zone())


def _local_date(day: date | datetime) -> date:
    if isinstance(day, datetime):
        return _local_datetime(day).date()
    return day


@lru_cache(maxsize=8)
def _parse_time(text: str) -> time:
    return time.fromisoformat(text)


@lru_cache(maxsize=8)
def _work_hours(periods: tuple[tuple[str, str], ...]) -> tuple[tuple[time, time], ...]:
    return tuple((_parse_time(opens), _parse_time(closes)) for opens, closes in periods)
