"""Report periods as the operations centre writes them: "2026-11-26" (a day), "2026-11",
"2026-Q4", "2026", "2026-11-01..2026-11-26"; nothing means the current month.

The IOC's `Period` (haicap/ioc/selectors.py, contract of the operations-centre apps) takes the
same texts except the single day, which the national portal's daily report needs.
"""

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput
from haicap.national_portal.payload import VIETNAM_TIME

MONTH = re.compile(r"(\d{4})-(\d{2})")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")
YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def parse(cls, text: str | None) -> "Period":
        text = (text or "").strip()
        try:
            period = cls._parse(text)
        except ValueError:
            period = None
        if period is None or period.end < period.start:
            raise InvalidInput(_("Unknown period %(text)s: write a day (2026-11-26), a month "
                                 "(2026-11), a quarter (2026-Q4), a year (2026) or two days "
                                 "(2026-11-01..2026-11-26).") % {"text": text},
                               code="invalid_period")
        return period

    @classmethod
    def _parse(cls, text: str) -> "Period | None":
        if not text:
            today = timezone.localdate(timezone=VIETNAM_TIME)
            return cls._month(today.year, today.month)
        if ".." in text:
            first, last = text.split("..", 1)
            return cls(date.fromisoformat(first), date.fromisoformat(last))
        if match := QUARTER.fullmatch(text):
            year, quarter = int(match[1]), int(match[2])
            return cls(date(year, 3 * quarter - 2, 1),
                       cls._month(year, 3 * quarter).end)
        if match := MONTH.fullmatch(text):
            return cls._month(int(match[1]), int(match[2]))
        if YEAR.fullmatch(text):
            return cls(date(int(text), 1, 1), date(int(text), 12, 31))
        if len(text) == 10:
            day = date.fromisoformat(text)
            return cls(day, day)
        return None

    @classmethod
    def _month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def starts_at(self) -> datetime:
        return day_start(self.start)

    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.end + timedelta(days=1))


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TIME)
