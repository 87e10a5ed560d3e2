"""The desk tickets API (django-ninja router, mounted under /api/v1): the centres' crowding for
signed-in officers, and taking a number for a kiosk device (public, like the kiosk page)."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.security import django_auth

from haicap.core.errors import ErrorOut
from haicap.tickets import selectors, services

router = Router(tags=["tickets"])


class CentreLoadOut(Schema):
    office_code: str
    office_name: str
    issued: int
    waiting: int = Field(..., description="waiting now")
    serving: int = Field(..., description="called to a counter, not finished")
    served: int
    no_show: int
    average_wait_minutes: float | None = Field(
        ..., description="from taking the number to the first call, over the tickets called")
    average_service_minutes: float | None = Field(
        ..., description="from the call to served, over the tickets served")
    longest_wait_minutes: float | None = Field(
        ..., description="the longest wait of those waiting now (today only)")


class CrowdingOut(Schema):
    day: str
    centres: list[CentreLoadOut]
    total: CentreLoadOut | None = Field(
        ..., description="all the centres together (office_code empty), when there are several")


class TicketIn(Schema):
    centre: str = Field(..., description="the centre's office code, e.g. TTHCC-48")
    group: str = Field(..., max_length=2, description="the service group's letter, e.g. A")
    phone: str = Field("", max_length=15, description="optional: an SMS when the turn is near")


class TicketOut(Schema):
    label: str = Field(..., description="e.g. A-012")
    group: str
    centre: str
    taken_at: datetime
    ahead: int = Field(..., description="tickets of the group waiting before this one")
    estimated_wait_minutes: int


@router.get("/tickets/crowding", auth=django_auth,
            response={200: CrowdingOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Crowding of the one-stop centres on a day (default today)")
def crowding(request, day: str | None = None):
    when = selectors.parse_day(day)
    report = selectors.crowding_for(request.user, when)
    return {"day": when.isoformat(), "centres": report.centres, "total": report.total}


@router.post("/tickets", response={201: TicketOut, 404: ErrorOut, 422: ErrorOut},
             summary="Take a number at a centre (kiosk device)")
def take_ticket(request, payload: TicketIn):
    office = selectors.centre_by_code(payload.centre)
    group = selectors.group_by_letter(office, payload.group.upper())
    slip = selectors.slip(services.take_ticket(group=group, phone=payload.phone))
    ticket = slip.ticket
    return HttpStatus(201, {
        "label": ticket.label, "group": group.name, "centre": office.code,
        "taken_at": ticket.taken_at, "ahead": slip.ahead,
        "estimated_wait_minutes": slip.estimated_wait_minutes})
