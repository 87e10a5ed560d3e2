"""Calendar API: the special days of a year, and the appointment of a dossier received now."""

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from haicap.core.errors import InvalidInput
from haicap.worktime import calendar, selectors

router = Router(tags=["worktime"])

FIRST_YEAR = 1995
LAST_YEAR = 2100
MAX_WORKING_DAYS = 1000
MAX_WORKING_HOURS = Decimal(8000)


class CalendarDayOut(Schema):
    date: date
    kind: str
    name: str
    legal_basis: str
    source: str


class CalendarYearOut(Schema):
    year: int
    working_day_count: int
    days: list[CalendarDayOut]


class AppointmentQuery(Schema):
    received_at: datetime
    working_days: int | None = None
    working_hours: Decimal | None = None


class AppointmentOut(Schema):
    received_at: datetime
    counting_start: datetime
    working_days: int | None
    working_hours: Decimal | None
    due_date: date
    due_at: datetime


@router.get("/calendar/days", response=CalendarYearOut, summary="Special days of a year")
def calendar_days(request, year: int):
    """Public holidays, substituted days off and make-up working days of a year.

    Weekends are not listed: Saturday and Sunday are days off unless listed as
    `makeup_workday`.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year_out_of_range",
        )
    days = [CalendarDayOut(date=entry.date, kind=entry.kind, name=entry.name,
                           legal_basis=entry.legal_basis, source=entry.source)
            for entry in selectors.calendar_days(year)]
    return CalendarYearOut(year=year, working_day_count=selectors.working_day_count(year),
                           days=days)


@router.get("/calendar/appointment", response=AppointmentOut,
            summary="Appointment date of a dossier")
def calendar_appointment(request, query: Query[AppointmentQuery]):
    """When the time limit starts and when the result is due, as the receipt slip prints it.

    Give exactly one of `working_days` and `working_hours`. A dossier received after 15:00 or on
    a day off counts from the next working day (Decree 118/2025/NĐ-CP). A `received_at` without
    a time-zone offset is read in the province's time (Asia/Ho_Chi_Minh).
    """
    if (query.working_days is None) == (query.working_hours is None):
        raise InvalidInput(
            _("Give exactly one time limit: a number of working days or of working hours."),
            code="time_limit_required",
        )
    if query.working_days is not None and not 0 <= query.working_days <= MAX_WORKING_DAYS:
        raise InvalidInput(
            _("The number of working days must be between 0 and %(max)d.")
            % {"max": MAX_WORKING_DAYS},
            code="working_days_out_of_range",
        )
    if query.working_hours is not None and not (
        query.working_hours.is_finite() and 0 <= query.working_hours <= MAX_WORKING_HOURS
    ):
        raise InvalidInput(
            _("The number of working hours must be between 0 and %(max)d.")
            % {"max": MAX_WORKING_HOURS},
            code="working_hours_out_of_range",
        )
    if not FIRST_YEAR <= query.received_at.year <= LAST_YEAR - 5:
        raise InvalidInput(
            _("The reception time is outside the calendar (%(first)d–%(last)d).")
            % {"first": FIRST_YEAR, "last": LAST_YEAR - 5},
            code="received_at_out_of_range",
        )
    result = calendar.appointment(query.received_at, working_days=query.working_days,
                                  working_hours=query.working_hours)
    return AppointmentOut(received_at=result.received_at, counting_start=result.counting_start,
                          working_days=result.working_days, working_hours=result.working_hours,
                          due_date=result.due_date, due_at=result.due_at)
