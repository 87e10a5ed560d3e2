"""Reads of desk tickets: the kiosk's groups and slip, the display, a counter's desk, and the
crowding of the centres for the operations centre (contract: docs/adr/0012-desk-tickets.md)."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput, NotFound, PermissionDenied
from haicap.core.models import Office
from haicap.core.roles import Role
from haicap.tickets import clock
from haicap.tickets.models import CENTRE_KINDS, Counter, ServiceGroup, Ticket, TicketStatus

# Minutes a visitor takes at the counter before today has served anyone to learn from.
DEFAULT_SERVICE_MINUTES = 5
DISPLAY_CALLS = 8
DESK_QUEUE = 10
# Who sees every centre of the province on the crowding page (others: their own centre).
PROVINCE_ROLES = (Role.OPS_VIEWER, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class CentreLoad:
    """One centre's day. The first seven fields are the operations-centre contract."""

    office_code: str
    office_name: str
    issued: int
    waiting: int
    serving: int
    served: int
    average_wait_minutes: float | None  # taken → first called, over the tickets called
    no_show: int = 0
    average_service_minutes: float | None = None  # called → served
    longest_wait_minutes: float | None = None  # of those waiting now (today only)


@dataclass(frozen=True)
class GroupQueue:
    group: ServiceGroup
    waiting: int


@dataclass(frozen=True)
class Slip:
    """What the kiosk prints: the ticket, how many are before it, the estimated wait."""

    ticket: Ticket
    ahead: int
    estimated_wait_minutes: int


@dataclass(frozen=True)
class Desk:
    """A counter's screen: the visitor it serves now, who waits for it, its day so far."""

    counter: Counter
    current: Ticket | None
    queue: list[Ticket]
    waiting: int
    served_today: int
    groups: list[ServiceGroup]  # of the centre, for transfers


def centre_by_code(code: str) -> Office:
    office = Office.objects.filter(code=code, kind__in=CENTRE_KINDS).first()
    if office is None:
        raise NotFound(_("No one-stop centre has this code."), code="unknown_centre")
    return office


def parse_day(text: str | None) -> date:
    """A day as YYYY-MM-DD; none: today."""
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("The day must be written YYYY-MM-DD, e.g. 2026-11-26."),
                           code="invalid_day") from None


def group_queues(office: Office) -> list[GroupQueue]:
    """The centre's active groups with how many wait in each today."""
    groups = (ServiceGroup.objects.filter(office=office, is_active=True)
              .annotate(waiting=Count("tickets", filter=Q(tickets__day=clock.today(),
                                                          tickets__status=TicketStatus.WAITING)))
              .order_by("position", "prefix"))
    return [GroupQueue(group, group.waiting) for group in groups]


def group_of_centre(office: Office, group_id) -> ServiceGroup:
    group = (ServiceGroup.objects.select_related("office")
             .filter(office=office, pk=_id(group_id), is_active=True).first())
    if group is None:
        raise NotFound(_("This service group does not take tickets."), code="unknown_group")
    return group


def group_by_letter(office: Office, prefix: str) -> ServiceGroup:
    group = (ServiceGroup.objects.select_related("office")
             .filter(office=office, prefix=prefix, is_active=True).first())
    if group is None:
        raise NotFound(_("This service group does not take tickets."), code="unknown_group")
    return group


def slip(ticket: Ticket) -> Slip:
    ahead = _waiting_of_group(ticket).filter(
        Q(taken_at__lt=ticket.taken_at) | Q(taken_at=ticket.taken_at, pk__lt=ticket.pk)).count()
    counters = Counter.objects.filter(groups=ticket.group_id, is_active=True).count() or 1
    minutes = ahead * _service_minutes(ticket.office_id, ticket.day) / counters
    return Slip(ticket, ahead, math.ceil(minutes))


def ticket_of_centre(office: Office, ticket_id) -> Ticket:
    ticket = (Ticket.objects.select_related("group", "office")
              .filter(office=office, pk=ticket_id).first())
    if ticket is None:
        raise NotFound(_("No such ticket."), code="unknown_ticket")
    return ticket


def _waiting_of_group(ticket: Ticket):
    return Ticket.objects.filter(group_id=ticket.group_id, day=ticket.day,
                                 status=TicketStatus.WAITING)


def _service_minutes(office_id: int, day: date) -> float:
    """Today's average time at the counter of the centre, or the default before any."""
    rows = Ticket.objects.filter(office_id=office_id, day=day, status=TicketStatus.SERVED,
                                 called_at__isnull=False).values_list("called_at", "finished_at")
    spans = [_minutes(start, end) for start, end in rows]
    return sum(spans) / len(spans) if spans else DEFAULT_SERVICE_MINUTES


def latest_calls(office: Office, limit: int = DISPLAY_CALLS) -> list[Ticket]:
    """The tickets called today, latest call (or recall) first, with their counter."""
    return list(Ticket.objects.select_related("counter")
                .filter(office=office, day=clock.today(), announced_at__isnull=False,
                        counter__isnull=False)
                .order_by("-announced_at", "-id")[:limit])


def counters_of(officer) -> list[Counter]:
    """The counters of the officer's centre (a desk officer picks theirs)."""
    if officer.office_id is None:
        return []
    return list(Counter.objects.filter(office_id=officer.office_id, is_active=True)
                .prefetch_related("groups").order_by("number"))


def counter_for(officer, counter_id) -> Counter:
    counter = (Counter.objects.select_related("office")
               .filter(pk=counter_id, is_active=True).first())
    if counter is None:
        raise NotFound(_("No such counter."), code="unknown_counter")
    if officer.role != Role.DESK_OFFICER or counter.office_id != officer.office_id:
        raise PermissionDenied(_("Only the desk officers of this centre call its tickets."),
                               code="not_your_centre")
    return counter


def desk(counter: Counter) -> Desk:
    day = clock.today()
    tickets = Ticket.objects.select_related("group").filter(office_id=counter.office_id, day=day)
    groups = list(counter.groups.filter(is_active=True))
    waiting = tickets.filter(status=TicketStatus.WAITING, group__in=groups).order_by("taken_at",
                                                                                     "id")
    return Desk(
        counter=counter,
        current=tickets.filter(counter=counter, status=TicketStatus.CALLED).first(),
        queue=list(waiting[:DESK_QUEUE]),
        waiting=waiting.count(),
        served_today=tickets.filter(counter=counter, status=TicketStatus.SERVED).count(),
        groups=list(ServiceGroup.objects.filter(office_id=counter.office_id, is_active=True)),
    )


def ticket_at_counter(counter: Counter, ticket_id) -> Ticket:
    ticket = Ticket.objects.filter(pk=_id(ticket_id), office_id=counter.office_id).first()
    if ticket is None:
        raise NotFound(_("No such ticket."), code="unknown_ticket")
    return ticket


def _id(value) -> int:
    """A row id from a form field; anything else matches no row."""
    text = str(value or "")
    return int(text) if text.isdigit() else 0


@dataclass(frozen=True)
class Crowding:
    """The crowding page: one row per centre, and all of them together when there are
    several (the averages over every ticket, not an average of the centres' averages)."""

    day: date
    centres: list[CentreLoad]
    total: CentreLoad | None


def crowding(province_id: str, day: date) -> list[CentreLoad]:
    """Each centre of the province that has a queue, with its day: tickets issued, waiting,
    being served, served, average wait and service time, the longest current wait (today)."""
    return _report(_province_centres(province_id), day).centres


def crowding_for(user, day: date) -> Crowding:
    """What the user may see: every centre of the province for the operations centre and
    administrators, their own centre for the other officers."""
    if not user.is_authenticated or not (user.is_officer or user.is_administrator):
        raise PermissionDenied()
    if user.role in PROVINCE_ROLES or user.is_administrator:
        province_id = user.office.province_id if user.office_id else _default_province()
        return _report(_province_centres(province_id), day)
    office = user.office
    if office is None or office.kind not in CENTRE_KINDS:
        return _report([], day)
    return _report([office], day)


def _province_centres(province_id: str) -> list[Office]:
    return list(Office.objects.filter(province_id=province_id, kind__in=CENTRE_KINDS,
                                      service_groups__isnull=False)
                .distinct().order_by("-kind", "name"))


def _default_province() -> str:
    from django.conf import settings

    return settings.HAICAP_PROVINCE_CODE


def _report(centres: list[Office], day: date) -> Crowding:
    rows = defaultdict(list)
    for row in (Ticket.objects.filter(office__in=centres, day=day)
                .values_list("office_id", "status", "taken_at", "first_called_at", "called_at",
                             "finished_at")):
        rows[row[0]].append(row[1:])
    now = clock.now() if day == clock.today() else None
    loads = [_load(office.code, office.name, rows[office.pk], now) for office in centres]
    total = None
    if len(centres) > 1:
        every_ticket = [row for office in centres for row in rows[office.pk]]
        total = _load("", _("Whole province"), every_ticket, now)
    return Crowding(day, loads, total)


def _load(code: str, name: str, rows: list, now: datetime | None) -> CentreLoad:
    by_status = defaultdict(int)
    waits, services, current = [], [], []
    for status, taken_at, first_called_at, called_at, finished_at in rows:
        by_status[status] += 1
        if first_called_at:
            waits.append(_minutes(taken_at, first_called_at))
        if status == TicketStatus.SERVED and called_at:
            services.append(_minutes(called_at, finished_at))
        if status == TicketStatus.WAITING and now is not None:
            current.append(_minutes(taken_at, now))
    return CentreLoad(
        office_code=code, office_name=name, issued=len(rows),
        waiting=by_status[TicketStatus.WAITING], serving=by_status[TicketStatus.CALLED],
        served=by_status[TicketStatus.SERVED], average_wait_minutes=_average(waits),
        no_show=by_status[TicketStatus.NO_SHOW], average_service_minutes=_average(services),
        longest_wait_minutes=round(max(current), 1) if current else None)


def _minutes(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0) / 60


def _average(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
