"""Demo desk tickets, loaded by `haicap demo` after the dossiers (core demo command).

The province centre and a few communes get the default service groups and counters, then a
few days of visitors are played through the real services with the tickets clock set to each
moment: visitors take numbers, counters call, serve, miss and transfer them. Today is played up
to now, so the crowding page shows people waiting and at the counters.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from haicap.core.models import Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.tickets import clock, services
from haicap.tickets.models import Counter, ServiceGroup, Ticket, TicketStatus

PORTAL_ADDRESS = "http://127.0.0.1:8000"
CENTRE_COUNTERS = 5
COMMUNE_COUNTERS = 2
COMMUNES = 5
# The communes whose desk logins the demo prints first (motcua.haichau…) come first.
FIRST_DESKS = ("motcua.haichau", "motcua.hoian", "motcua.hoiandong", "motcua.tamky")
PAST_DAYS = 3
# Visitors a minute: the province centre is busy, a commune desk much less.
CENTRE_RATE = 0.5
COMMUNE_RATE = 0.12
GROUP_WEIGHTS = (45, 25, 15, 15)  # A civil status, B land, C business, D other
NO_SHOW_RATE = 0.05
TRANSFER_RATE = 0.03
PHONE_RATE = 0.1
# Today before any working hour has passed: the demo plays the last two hours instead.
TODAY_FALLBACK = timedelta(hours=2)


@dataclass
class Played:
    tickets: int = 0
    centres: int = 0
    days: set = field(default_factory=set)


def load(province) -> str:
    centre = Office.objects.filter(province=province,
                                   kind=OfficeKind.ONE_STOP_CENTRE).order_by("code").first()
    if centre is None:
        return ""
    centres = [centre, *_communes(province)]
    if not Ticket.objects.filter(office=centre).exists():
        played = _play(centres)
        summary = (f"{played.tickets} desk tickets over {len(played.days)} days at "
                   f"{len(centres)} one-stop centres")
    else:
        summary = "Desk tickets kept as they are"
    return (f"{summary}. Kiosk {PORTAL_ADDRESS}{reverse('tickets:kiosk', args=[centre.code])}, "
            f"display {PORTAL_ADDRESS}{reverse('tickets:display', args=[centre.code])}, "
            f"counters {PORTAL_ADDRESS}{reverse('tickets:counters')} (motcua.trungtam), "
            f"crowding {PORTAL_ADDRESS}{reverse('tickets:crowding')} (dieuhanh)")


def _communes(province) -> list[Office]:
    """Commune offices that have a desk officer to call their tickets."""
    desks = Office.objects.filter(province=province, kind=OfficeKind.COMMUNE,
                                  officers__role=Role.DESK_OFFICER).distinct()
    first = list(desks.filter(officers__username__in=FIRST_DESKS).order_by("code"))
    rest = desks.exclude(pk__in=[office.pk for office in first]).order_by("code")
    return [*first, *rest[:COMMUNES - len(first)]]


def _play(centres: list[Office]) -> Played:
    played = Played()
    now = timezone.localtime()
    days = [now.date() - timedelta(days=back) for back in range(PAST_DAYS, 0, -1)]
    for office in centres:
        officer = User.objects.filter(office=office, role=Role.DESK_OFFICER).order_by("pk").first()
        if officer is None:
            continue
        is_centre = office.kind == OfficeKind.ONE_STOP_CENTRE
        services.set_up_centre(office, counters=CENTRE_COUNTERS if is_centre else COMMUNE_COUNTERS)
        rate = CENTRE_RATE if is_centre else COMMUNE_RATE
        for day in [*days, now.date()]:
            windows = _windows(day, now)
            played.tickets += _play_day(office, officer, windows, rate,
                                        random.Random(f"{office.code}-{day}"))
            played.days.add(day)
        played.centres += 1
    return played


def _windows(day, now: datetime) -> list[tuple[datetime, datetime]]:
    """The working sessions of the day (up to now, for today)."""
    zone = timezone.get_current_timezone()
    windows = []
    for opens, closes in settings.HAICAP_WORK_HOURS:
        start = datetime.combine(day, time.fromisoformat(opens), zone)
        end = min(datetime.combine(day, time.fromisoformat(closes), zone), now)
        if end > start:
            windows.append((start, end))
    if day == now.date() and sum((end - start for start, end in windows), timedelta()) < \
            timedelta(hours=1):
        midnight = datetime.combine(day, time(0), zone)
        windows = [(max(now - TODAY_FALLBACK, midnight), now)]
    return windows


def _play_day(office, officer, windows, rate: float, rng: random.Random) -> int:
    groups = list(ServiceGroup.objects.filter(office=office).order_by("position"))
    desks = [_Desk(counter) for counter in Counter.objects.filter(office=office).order_by("number")]
    arrivals = _arrivals(windows, rate, rng)
    for start, end in windows:
        moment = start
        while moment < end:
            while arrivals and arrivals[0] <= moment:
                with clock.at(arrivals.pop(0)):
                    services.take_ticket(group=rng.choices(groups, GROUP_WEIGHTS[:len(groups)])[0],
                                         phone=_phone(rng))
            for desk in desks:
                desk.work(officer, groups, moment, rng)
            moment += timedelta(minutes=1)
    if windows and windows[-1][1].date() < timezone.localdate():
        _close(officer, desks, groups, windows[-1][1], rng)
    return Ticket.objects.filter(office=office, day=windows[0][0].date()).count() if windows else 0


def _close(officer, desks, groups, moment: datetime, rng: random.Random) -> None:
    """A past day: the centre serves everyone who came before closing."""
    for _minute in range(240):
        if not any(desk.ticket for desk in desks) and not Ticket.objects.filter(
                office=desks[0].counter.office_id, day=moment.date(),
                status=TicketStatus.WAITING).exists():
            return
        for desk in desks:
            desk.work(officer, groups, moment, rng)
        moment += timedelta(minutes=1)


@dataclass
class _Desk:
    """One counter in the play: the visitor at it, what will become of them, and when."""

    counter: Counter
    ticket: Ticket | None = None
    outcome: str = ""
    free_at: datetime | None = None

    def work(self, officer, groups, moment: datetime, rng: random.Random) -> None:
        if self.free_at is not None and moment < self.free_at:
            return
        with clock.at(moment):
            if self.ticket is not None:
                self._finish(officer, groups, rng)
            self.ticket = services.call_next(officer=officer, counter=self.counter)
        self.outcome = rng.choices(("served", "no_show", "transfer"),
                                   (1 - NO_SHOW_RATE - TRANSFER_RATE, NO_SHOW_RATE,
                                    TRANSFER_RATE))[0]
        minutes = 2 if self.outcome == "no_show" else rng.triangular(2, 15, 5)
        self.free_at = moment + timedelta(minutes=minutes if self.ticket else 1)

    def _finish(self, officer, groups, rng: random.Random) -> None:
        ticket = self.ticket
        if self.outcome == "no_show":
            services.recall(officer=officer, ticket=ticket)
            services.mark_no_show(officer=officer, ticket=ticket)
        elif self.outcome == "transfer":
            others = [group for group in groups if group.pk != ticket.group_id]
            services.transfer(officer=officer, ticket=ticket, group=rng.choice(others))
        else:
            services.mark_served(officer=officer, ticket=ticket)


def _arrivals(windows, rate: float, rng: random.Random) -> list[datetime]:
    """Visitor arrival times: a Poisson stream of `rate` a minute over the windows."""
    times = []
    for start, end in windows:
        moment = start + timedelta(minutes=rng.expovariate(rate))
        while moment < end:
            times.append(moment)
            moment += timedelta(minutes=rng.expovariate(rate))
    return times


def _phone(rng: random.Random) -> str:
    return f"09{rng.randrange(10 ** 8):08d}" if rng.random() < PHONE_RATE else ""
