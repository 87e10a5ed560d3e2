"""Report periods as the operations centre writes them: a day ("2026-11-26"), a month
("2026-11"), a quarter ("2026-Q4"), a year ("2026") or two days ("2026-11-01..2026-11-26");
nothing means the current month. The dashboards, the KPI API and the national-portal reports
all read periods through `Period.parse`."""

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
LONGEST_DAYS = 3660  # ten years: a longer range is a typing mistake, not a report


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def parse(cls, text: str | None) -> "Period":
        if text is None or not str(text).strip():
            today = timezone.localdate()
            return _month(today.year, today.month)
        try:
            return _parsed(str(text).strip())
        except ValueError:
            raise InvalidInput(_("Unknown period: write a day (2026-11-26), a month (2026-11), "
                                 "a quarter (2026-Q4), a year (2026) or two days "
                                 "(2026-11-01..2026-11-26)."), code="invalid_period") from None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def starts_at(self) -> datetime:
        return day_start(self.start)

    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.end + timedelta(days=1))

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def day_start(day: date) -> datetime:
    """Midnight of `day` in the province's time zone (settings.TIME_ZONE)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _parsed(text: str) -> Period:
    if _DAY.match(text):
        day = date.fromisoformat(text)
        return Period(day, day)
    if found := _MONTH.match(text):
        return _month(int(found[1]), int(found[2]))
    if found := _QUARTER.match(text):
        year, quarter = int(found[1]), int(found[2])
        return Period(_month(year, quarter * 3 - 2).start, _month(year, quarter * 3).end)
    if found := _YEAR.match(text):
        return Period(date(int(found[1]), 1, 1), date(int(found[1]), 12, 31))
    if found := _RANGE.match(text):
        start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
        if end < start or (end - start).days > LONGEST_DAYS:
            raise ValueError(text)
        return Period(start, end)
    raise ValueError(text)


def _month(year: int, month: int) -> Period:
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(month)
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
