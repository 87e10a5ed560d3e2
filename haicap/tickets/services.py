"""Writes on desk tickets. Each verb is one transaction; those an officer makes are audited.

Taking a ticket is public (the kiosk) and numbers it from the centre's `DailySequence` row for
the day and letter, updated in the same transaction (docs/adr/0012-desk-tickets.md). Calling the
next ticket locks the oldest waiting one of the counter's groups; on PostgreSQL a counter calling
at the same instant skips it (SKIP LOCKED) and takes the one after, so two counters never call
the same visitor. SQLite runs write transactions one at a time (BEGIN IMMEDIATE).
"""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from haicap.core.models import Office
from haicap.core.roles import Role
from haicap.core.validation import normalize_phone
from haicap.dossiers.models import OutboxMessage
from haicap.tickets import clock
from haicap.tickets.models import (
    CENTRE_KINDS,
    Counter,
    DailySequence,
    ServiceGroup,
    Ticket,
    TicketStatus,
)

# The groups every centre starts with (data: an administrator renames or adds in the admin).
DEFAULT_GROUPS = (("A", "Hộ tịch"), ("B", "Đất đai"), ("C", "Kinh doanh"), ("D", "Khác"))
# A visitor who left a phone number gets an SMS once this many tickets or fewer are before them.
NEAR_TURN = 3


class Conflict(DomainError):
    status = 409
    code = "ticket_changed"


@transaction.atomic
def set_up_centre(office: Office, *, counters: int = 2) -> list[Counter]:
    """Give a centre the default service groups and `counters` counters, the groups shared
    round-robin among them (counters beyond the groups serve them all). A centre already set
    up is left as it is."""
    if office.kind not in CENTRE_KINDS:
        raise InvalidInput(_("Only a one-stop centre or a commune has a ticket queue."),
                           code="not_a_centre")
    existing = list(Counter.objects.filter(office=office))
    if existing:
        return existing
    groups = [ServiceGroup.objects.get_or_create(
        office=office, prefix=prefix, defaults={"name": name, "position": position})[0]
        for position, (prefix, name) in enumerate(DEFAULT_GROUPS)]
    made = [Counter.objects.create(office=office, number=number)
            for number in range(1, counters + 1)]
    for index, group in enumerate(groups):
        made[index % len(made)].groups.add(group)
    for spare in made[len(groups):]:  # more counters than groups: these help every queue
        spare.groups.add(*groups)
    audit.record("tickets.set_up_centre", office, summary=f"{len(groups)} groups, "
                                                          f"{len(made)} counters")
    return made


@transaction.atomic
def take_ticket(*, group: ServiceGroup, phone: str = "") -> Ticket:
    """A visitor takes the next number of `group` today (the kiosk; nobody signed in)."""
    if not group.is_active or group.office.kind not in CENTRE_KINDS:
        raise NotFound(_("This service group does not take tickets."), code="unknown_group")
    phone = normalize_phone(phone) if phone.strip() else ""
    now = clock.now()
    day = timezone.localdate(now)
    number = _next_number(group.office_id, day, group.prefix)
    return Ticket.objects.create(office_id=group.office_id, day=day, prefix=group.prefix,
                                 number=number, group=group, taken_at=now, phone=phone)


def _next_number(office_id: int, day, prefix: str) -> int:
    """The day's next number of a letter. The insert makes the row once (a kiosk racing on the
    first ticket of the day waits for the other's insert, then finds it); the update locks it
    until this transaction ends."""
    DailySequence.objects.bulk_create(
        [DailySequence(office_id=office_id, day=day, prefix=prefix)], ignore_conflicts=True)
    row = DailySequence.objects.filter(office_id=office_id, day=day, prefix=prefix)
    row.update(last_number=F("last_number") + 1)
    return row.values_list("last_number", flat=True).get()


@transaction.atomic
def call_next(*, officer, counter: Counter) -> Ticket | None:
    """Call the oldest waiting ticket of the counter's groups to the counter. The ticket the
    counter was serving, if any, counts as served: "next" means the last visitor is done."""
    _check_desk(officer, counter.office_id)
    now = clock.now()
    for current in _locked(Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED)):
        _finish(officer, current, TicketStatus.SERVED, now)
    waiting = (Ticket.objects.filter(office_id=counter.office_id, day=timezone.localdate(now),
                                     status=TicketStatus.WAITING,
                                     group__in=counter.groups.filter(is_active=True))
               .order_by("taken_at", "id"))
    ticket = _locked(waiting, skip_locked=True)[:1]
    ticket = ticket[0] if ticket else None
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.counter, ticket.officer = counter, officer
    ticket.called_at = ticket.announced_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.calls += 1
    ticket.save(update_fields=["status", "counter", "officer", "called_at", "announced_at",
                               "first_called_at", "calls"])
    audit.record("tickets.call", ticket, summary=f"{ticket.label} → {counter}")
    _alert_near_turns(ticket.group_id, ticket.day, now)
    return ticket


@transaction.atomic
def recall(*, officer, ticket: Ticket) -> Ticket:
    """Call the ticket again (the visitor did not come up yet): it goes back to the top of the
    display."""
    ticket = _called(officer, ticket)
    ticket.announced_at = clock.now()
    ticket.calls += 1
    ticket.save(update_fields=["announced_at", "calls"])
    audit.record("tickets.recall", ticket, summary=ticket.label)
    return ticket


@transaction.atomic
def mark_served(*, officer, ticket: Ticket) -> Ticket:
    ticket = _called(officer, ticket)
    return _finish(officer, ticket, TicketStatus.SERVED, clock.now())


@transaction.atomic
def mark_no_show(*, officer, ticket: Ticket) -> Ticket:
    ticket = _called(officer, ticket)
    return _finish(officer, ticket, TicketStatus.NO_SHOW, clock.now())


@transaction.atomic
def transfer(*, officer, ticket: Ticket, group: ServiceGroup) -> Ticket:
    """Send a called visitor to another group's queue. They keep their number and their place
    by the time they took it (they have waited already), so they come up soon."""
    ticket = _called(officer, ticket)
    if group.office_id != ticket.office_id or not group.is_active:
        raise InvalidInput(_("Choose a service group of this centre."), code="invalid_group")
    if group.pk == ticket.group_id:
        raise InvalidInput(_("The ticket is already in this group."), code="same_group")
    before = ticket.group.prefix
    ticket.group = group
    ticket.status = TicketStatus.WAITING
    ticket.counter = ticket.officer = ticket.called_at = None
    ticket.transfers += 1
    ticket.save(update_fields=["group", "status", "counter", "officer", "called_at",
                               "transfers"])
    audit.record("tickets.transfer", ticket, summary=f"{ticket.label}: {before} → {group.prefix}",
                 changes={"group": [before, group.prefix]})
    return ticket


def _finish(officer, ticket: Ticket, status: str, now) -> Ticket:
    ticket.status = status
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at"])
    audit.record(f"tickets.{status}", ticket, summary=ticket.label)
    return ticket


def _check_desk(officer, office_id: int) -> None:
    """Only a one-stop desk officer of the centre acts on its tickets."""
    if officer.role != Role.DESK_OFFICER or officer.office_id != office_id:
        raise PermissionDenied(_("Only the desk officers of this centre call its tickets."),
                               code="not_your_centre")


def _called(officer, ticket: Ticket) -> Ticket:
    """The ticket, locked, if the officer's centre is calling it now."""
    _check_desk(officer, ticket.office_id)
    ticket = _locked(Ticket.objects.select_related("group").filter(pk=ticket.pk)).first()
    if ticket is None:
        raise NotFound(_("No such ticket."), code="unknown_ticket")
    if ticket.status != TicketStatus.CALLED:
        raise Conflict(_("Ticket %(label)s is not being served any more — reload.")
                       % {"label": ticket.label})
    return ticket


def _locked(queryset, *, skip_locked: bool = False):
    if connection.features.has_select_for_update:
        return queryset.select_for_update(
            skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked,
            of=("self",) if connection.features.has_select_for_update_of else ())
    return queryset


def _alert_near_turns(group_id: int, day, now) -> None:
    """Queue one SMS for each visitor who left a number and whose turn is now near: an outbox
    message in the transaction of the call; the notifications dispatcher sends it."""
    near = (Ticket.objects.select_related("office")
            .filter(group_id=group_id, day=day, status=TicketStatus.WAITING)
            .order_by("taken_at", "id")[:NEAR_TURN])
    for ticket in near:
        if not ticket.phone or ticket.alerted_at is not None:
            continue
        with translation.override("vi"):  # the SMS, whatever the officer's page language
            text = _("Your ticket %(label)s at %(centre)s will be called soon.") % {
                "label": ticket.label, "centre": ticket.office.name}
        OutboxMessage.objects.create(
            source=f"/haicap/tickets/{ticket.office.code}", type="vn.haicap.ticket.near_turn",
            subject=ticket.label, time=now,
            data={"ticket": ticket.label, "centre": ticket.office.name, "phone": ticket.phone,
                  "text": text})
        Ticket.objects.filter(pk=ticket.pk).update(alerted_at=now)
