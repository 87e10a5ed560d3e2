"""Rules: loading the shipped calendar is idempotent and fast; administrators' edits last."""

import time
from datetime import date

import pytest
from django.core.management import call_command

from haicap.core.models import AuditEntry
from haicap.worktime.calendar import is_working_day
from haicap.worktime.models import CalendarDay
from haicap.worktime.services import delete_calendar_day, load_calendar, save_calendar_day

pytestmark = pytest.mark.django_db


def test_load_calendar_is_idempotent():
    load_calendar()
    count = CalendarDay.objects.count()

    report = load_calendar()

    assert not report.changed
    assert CalendarDay.objects.count() == count


def test_load_calendar_from_empty_takes_under_a_second():
    CalendarDay.objects.all().delete()
    started = time.perf_counter()
    report = load_calendar()
    assert time.perf_counter() - started < 1.0
    assert report.created > 200


def test_makeup_saturday_is_stored_from_the_official_swaps():
    row = CalendarDay.objects.get(date=date(2025, 4, 26))
    assert row.kind == CalendarDay.Kind.MAKEUP_WORKDAY
    assert row.source == CalendarDay.Source.OFFICIAL_SWAP
    assert "6150/TB-BLĐTBXH" in row.legal_basis


def test_admin_edits_are_kept_by_a_reload():
    row = CalendarDay.objects.get(date=date(2025, 9, 1))
    row.kind = CalendarDay.Kind.MAKEUP_WORKDAY
    row.name = "Làm việc (quyết định của tỉnh)"
    save_calendar_day(row, changed_fields=["kind", "name"])

    report = load_calendar()

    row.refresh_from_db()
    assert row.source == CalendarDay.Source.ADMIN
    assert row.kind == CalendarDay.Kind.MAKEUP_WORKDAY
    assert report.kept_admin == 1
    assert is_working_day(date(2025, 9, 1))


def test_a_day_off_added_by_an_administrator_counts_at_once():
    assert is_working_day(date(2025, 3, 5))  # warms the cache

    save_calendar_day(CalendarDay(date=date(2025, 3, 5), kind=CalendarDay.Kind.DAY_OFF,
                                  name="Nghỉ do bão"))

    assert not is_working_day(date(2025, 3, 5))


def test_deleting_an_admin_override_restores_the_shipped_day_on_reload():
    row = CalendarDay.objects.get(date=date(2025, 9, 1))
    row.kind = CalendarDay.Kind.MAKEUP_WORKDAY
    save_calendar_day(row)
    delete_calendar_day(row)

    load_calendar()

    restored = CalendarDay.objects.get(date=date(2025, 9, 1))
    assert restored.source == CalendarDay.Source.HOLIDAYS_PACKAGE
    assert not is_working_day(date(2025, 9, 1))


def test_reload_removes_shipped_rows_the_shipped_calendar_no_longer_has():
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=CalendarDay.Kind.PUBLIC_HOLIDAY,
                               name="stale", source=CalendarDay.Source.HOLIDAYS_PACKAGE)

    report = load_calendar()

    assert report.deleted == 1
    assert not CalendarDay.objects.filter(date=date(2025, 3, 5)).exists()


def test_admin_site_edit_becomes_an_admin_row_with_an_audit_entry(admin_client):
    row = CalendarDay.objects.get(date=date(2025, 9, 1))

    response = admin_client.post(f"/admin/worktime/calendarday/{row.pk}/change/", {
        "date": "2025-09-01", "kind": "public_holiday", "name": "Quốc khánh (nghỉ liền kề)",
        "legal_basis": row.legal_basis, "notes": "Sửa tên",
    })

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.source == CalendarDay.Source.ADMIN
    entry = AuditEntry.objects.filter(action="calendar_day.change").latest("id")
    assert entry.object_id == str(row.pk)
    assert entry.changes == {"name": "Quốc khánh (nghỉ liền kề)", "notes": "Sửa tên"}


def test_admin_site_lists_and_filters_by_year_and_kind(admin_client):
    response = admin_client.get("/admin/worktime/calendarday/", {"year": "2025",
                                                                 "kind": "makeup_workday"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("date", flat=True)) == [
        date(2025, 4, 26)]


def test_shipped_rows_cannot_be_deleted_in_the_admin(admin_client):
    row = CalendarDay.objects.get(date=date(2025, 9, 1))
    response = admin_client.post(f"/admin/worktime/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=row.pk).exists()


def test_calendar_load_command_audits_a_load_that_changed_rows(capsys):
    CalendarDay.objects.filter(date__year=2030).delete()

    call_command("calendar", "load", "--first-year", "2030", "--last-year", "2030")

    assert "created" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="calendar.load").exists()
    assert CalendarDay.objects.filter(date__year=2030).exists()


def test_calendar_show_command_lists_the_year(capsys):
    call_command("calendar", "show", "2025")
    out = capsys.readouterr().out
    assert "2025-04-26" in out
    assert "250 working days in 2025" in out
