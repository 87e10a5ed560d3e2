"""The official calendar as shipped: the `holidays` package plus our data file of official swaps.

This module computes; it never touches the database. `services.load_calendar` stores what it
returns, and `calendar` falls back to it for a year that was never loaded.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from haicap.worktime.models import CalendarDay

DATA_FILE = Path(__file__).parent / "data" / "official_days.yaml"

LABOR_CODE_2012 = "Bộ luật Lao động 2012, Điều 115"
LABOR_CODE_2019 = "Bộ luật Lao động 2019, Điều 112"


@dataclass(frozen=True)
class CalendarEntry:
    """One day that departs from the Monday-to-Friday rule."""

    date: date
    kind: str
    name: str
    legal_basis: str = ""
    notes: str = ""
    source: str = CalendarDay.Source.HOLIDAYS_PACKAGE

    @property
    def is_day_off(self) -> bool:
        return self.kind != CalendarDay.Kind.MAKEUP_WORKDAY


def official_entries(first_year: int, last_year: int) -> dict[date, CalendarEntry]:
    """Every special day of the years first_year..last_year (inclusive), by date."""
    entries: dict[date, CalendarEntry] = {}
    for year in range(first_year, last_year + 1):
        entries.update(_entries_of_year(year))
    return entries


@cache
def _entries_of_year(year: int) -> dict[date, CalendarEntry]:
    entries = _package_entries(year)
    entries.update(_swaps_of_package(year))
    entries.update({entry.date: entry for entry in _data_file_entries() if entry.date.year == year})
    return dict(sorted(entries.items()))


def _package_entries(year: int) -> dict[date, CalendarEntry]:
    legal_basis = LABOR_CODE_2019 if year >= 2021 else LABOR_CODE_2012
    import holidays  # imported when the calendar is computed, not at every start-up

    package = holidays.country_holidays("VN", years=year, language="vi")
    return {
        day: CalendarEntry(day, CalendarDay.Kind.PUBLIC_HOLIDAY, name, legal_basis)
        for day, name in package.items()
    }


def _swaps_of_package(year: int) -> dict[date, CalendarEntry]:
    """The package's substituted days off and the Saturdays worked for them.

    `VietnamStaticHolidays.special_public_holidays` maps a year to one or more tuples
    (day-off month, day, make-up month, day[, make-up year]).
    """
    from holidays.countries.vietnam import VietnamStaticHolidays

    entries = {}
    # A swap is filed under the year of its day off; its make-up day may fall in the year before.
    for swap_year in (year, year + 1):
        swaps = VietnamStaticHolidays.special_public_holidays.get(swap_year, ())
        if swaps and not isinstance(swaps[0], tuple):
            swaps = (swaps,)
        for off_month, off_day, work_month, work_day, *work_year in swaps:
            day_off = date(swap_year, off_month, off_day)
            workday = date(work_year[0] if work_year else swap_year, work_month, work_day)
            if day_off.year == year:
                entries[day_off] = CalendarEntry(
                    day_off, CalendarDay.Kind.DAY_OFF,
                    f"Nghỉ hoán đổi (làm bù ngày {workday:%d/%m/%Y})",
                    source=CalendarDay.Source.OFFICIAL_SWAP,
                )
            if workday.year == year:
                entries[workday] = CalendarEntry(
                    workday, CalendarDay.Kind.MAKEUP_WORKDAY,
                    f"Làm bù cho ngày nghỉ {day_off:%d/%m/%Y}",
                    source=CalendarDay.Source.OFFICIAL_SWAP,
                )
    return entries


@cache
def _data_file_entries() -> tuple[CalendarEntry, ...]:
    with DATA_FILE.open(encoding="utf-8") as stream:
        rows = yaml.safe_load(stream)["days"]
    kinds = set(CalendarDay.Kind.values)
    entries = []
    for row in rows:
        if row["kind"] not in kinds:
            raise ValueError(f"{DATA_FILE.name}: unknown kind {row['kind']!r} on {row['date']}")
        entries.append(CalendarEntry(
            date=row["date"],
            kind=row["kind"],
            name=row["name"],
            legal_basis=row.get("legal_basis") or "",
            notes=row.get("notes") or "",
            source=CalendarDay.Source.OFFICIAL_SWAP,
        ))
    return tuple(entries)
