"""Writes to the working-day calendar. Each one clears the in-process calendar cache."""

from dataclasses import dataclass

from django.db import transaction

from haicap.core import audit
from haicap.worktime import calendar
from haicap.worktime.models import CalendarDay
from haicap.worktime.official import CalendarEntry, official_entries

FIRST_YEAR = 2020
LAST_YEAR = 2035

_STORED_FIELDS = ("kind", "name", "legal_basis", "notes", "source")


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    deleted: int
    kept_admin: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@transaction.atomic
def load_calendar(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> LoadReport:
    """Store the shipped calendar (holidays package + official_days.yaml) for these years.

    Idempotent: a second run changes nothing. Rows an administrator edited (source "admin") are
    never touched; other rows are created, updated or deleted to match the shipped calendar.
    """
    wanted = official_entries(first_year, last_year)
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(date__year__gte=first_year,
                                              date__year__lte=last_year)
    }
    to_update, to_delete, kept_admin = [], [], 0
    for day, row in existing.items():
        if row.source == CalendarDay.Source.ADMIN:
            kept_admin += 1
        elif day not in wanted:
            to_delete.append(row.pk)
        elif _differs(row, wanted[day]):
            for name in _STORED_FIELDS:
                setattr(row, name, getattr(wanted[day], name))
            to_update.append(row)
    to_create = [CalendarDay(date=day, **{name: getattr(entry, name) for name in _STORED_FIELDS})
                 for day, entry in wanted.items() if day not in existing]

    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(to_update, [*_STORED_FIELDS, "updated_at"])
    CalendarDay.objects.filter(pk__in=to_delete).delete()
    _calendar_changed()
    return LoadReport(len(to_create), len(to_update), len(to_delete), kept_admin)


@transaction.atomic
def save_calendar_day(day: CalendarDay, *, changed_fields: list[str] | None = None) -> CalendarDay:
    """Save a day edited by an administrator: it becomes theirs, and reloads keep it."""
    adding = day.pk is None
    day.source = CalendarDay.Source.ADMIN
    day.save()
    changes = {name: str(getattr(day, name)) for name in (changed_fields or [])}
    audit.record("calendar_day.add" if adding else "calendar_day.change", day,
                 summary=str(day), changes=changes)
    _calendar_changed()
    return day


@transaction.atomic
def delete_calendar_day(day: CalendarDay) -> None:
    """Delete an administrator's row; the next `load_calendar` restores the shipped one, if any."""
    audit.record("calendar_day.delete", day, summary=str(day),
                 changes={"kind": day.kind, "name": day.name, "source": day.source})
    day.delete()
    _calendar_changed()


def _differs(row: CalendarDay, entry: CalendarEntry) -> bool:
    return any(getattr(row, name) != getattr(entry, name) for name in _STORED_FIELDS)


def _calendar_changed() -> None:
    # Clear now (this transaction already sees the change) and again after commit, so a lookup
    # made between the two cannot keep the pre-commit calendar.
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
