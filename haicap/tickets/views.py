"""Desk-ticket pages: the kiosk and the display of a centre (public), a counter's desk (its desk
officers), the centres' crowding (operations centre, leaders). Thin: selectors read, services
act."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haicap.core.errors import DomainError, NotFound, PermissionDenied
from haicap.core.roles import Role
from haicap.tickets import clock, selectors, services

# Seconds between refreshes of the display and the crowding table (HTMX polling).
DISPLAY_REFRESH = 3
CROWDING_REFRESH = 10
COUNTER_REFRESH = 5
# The kiosk goes back to its buttons after showing a ticket this long.
SLIP_SECONDS = 30


def _refused(request, error: DomainError):
    return render(request, "tickets/refused.html", {"message": error.message},
                  status=error.status)


def handles_refusals(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return _refused(request, error)
    return wrapper


@require_http_methods(["GET", "POST"])
@handles_refusals
def kiosk(request, code: str):
    office = selectors.centre_by_code(code)
    error = ""
    if request.method == "POST":
        group = selectors.group_of_centre(office, request.POST.get("group"))
        try:
            ticket = services.take_ticket(group=group, phone=request.POST.get("phone", ""))
        except DomainError as refused:
            error = refused.message
        else:
            return redirect("tickets:slip", code=office.code, ticket_id=ticket.pk)
    return render(request, "tickets/kiosk.html", {
        "office": office, "queues": selectors.group_queues(office), "error": error,
        "phone": request.POST.get("phone", "")})


@require_GET
@handles_refusals
def slip(request, code: str, ticket_id: int):
    office = selectors.centre_by_code(code)
    ticket = selectors.ticket_of_centre(office, ticket_id)
    return render(request, "tickets/slip.html", {
        "office": office, "slip": selectors.slip(ticket), "return_after": SLIP_SECONDS})


@require_GET
@handles_refusals
def display(request, code: str):
    office = selectors.centre_by_code(code)
    context = {"office": office, "calls": selectors.latest_calls(office),
               "queues": selectors.group_queues(office), "now": clock.now(),
               "refresh": DISPLAY_REFRESH}
    template = "tickets/_display_board.html" if request.htmx else "tickets/display.html"
    return render(request, template, context)


def desk_officer_required(view):
    @login_required
    @wraps(view)
    @handles_refusals
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.role != Role.DESK_OFFICER or user.office_id is None:
            raise PermissionDenied(_("This page is for the one-stop desk officers of a centre."))
        return view(request, *args, **kwargs)
    return wrapper


@require_GET
@desk_officer_required
def counters(request):
    return render(request, "tickets/counters.html",
                  {"counters": selectors.counters_of(request.user)})


@require_GET
@desk_officer_required
def counter(request, counter_id: int):
    counter = selectors.counter_for(request.user, counter_id)
    return _desk(request, counter)


def _desk(request, counter, *, error: str = "", status: int = 200):
    context = {"desk": selectors.desk(counter), "error": error, "refresh": COUNTER_REFRESH}
    template = "tickets/_desk.html" if request.htmx else "tickets/counter.html"
    return render(request, template, context, status=status)


@require_POST
@desk_officer_required
def counter_action(request, counter_id: int, action: str):
    counter = selectors.counter_for(request.user, counter_id)
    try:
        _act(request, counter, action)
    except DomainError as refused:
        return _desk(request, counter, error=refused.message,
                     status=200 if request.htmx else refused.status)
    if request.htmx:
        return _desk(request, counter)
    return redirect("tickets:counter", counter_id=counter.pk)


ACTIONS = {"next": services.call_next, "transfer": services.transfer,
           "recall": services.recall, "served": services.mark_served,
           "no_show": services.mark_no_show}


def _act(request, counter, action: str) -> None:
    officer = request.user
    if action not in ACTIONS:
        raise NotFound(_("Unknown action."), code="unknown_action")
    if action == "next":
        services.call_next(officer=officer, counter=counter)
        return
    ticket = selectors.ticket_at_counter(counter, request.POST.get("ticket"))
    if action == "transfer":
        group = selectors.group_of_centre(counter.office, request.POST.get("group"))
        services.transfer(officer=officer, ticket=ticket, group=group)
        return
    ACTIONS[action](officer=officer, ticket=ticket)


@login_required
@require_GET
@handles_refusals
def crowding(request):
    day = selectors.parse_day(request.GET.get("day"))
    context = {"crowding": selectors.crowding_for(request.user, day), "day": day,
               "live": day == clock.today(), "now": clock.now(), "refresh": CROWDING_REFRESH}
    template = "tickets/_crowding_table.html" if request.htmx else "tickets/crowding.html"
    return render(request, template, context)
