"""Writes of the national portal feed: reading the event log into feed items, sending them,
resending what failed.

Producing: `produce()` reads the dossier event log with this app's own cursor (it never touches
the outbox, whose `published_at` belongs to the notifications dispatcher) and makes one feed item
per event that changes its dossier's national status; the item is unique per event, so reading an
event twice never makes a second item. Events that commit out of id order (PostgreSQL) are not
skipped: see `FeedCursor`.

Sending: `send_due()` claims a batch of due items — never an item of a dossier while an earlier
item of that dossier is not acknowledged, so status 9 never leaves before status 4 and a dossier
whose earlier item failed waits — and sends it in one call outside any transaction (the claim
pushes `next_attempt_at` a lease ahead, so a sender that dies mid-call leaves the items to be
retried, not lost). A batch the portal did not answer is retried with exponential backoff and
given up after `max_attempts`; a rejected item stays rejected until an officer resends it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.roles import Role
from haicap.dossiers.models import NATIONAL_STATUS, DossierEvent, Status
from haicap.national_portal import conf, payload
from haicap.national_portal.models import FeedCursor, FeedItem, FeedStatus
from haicap.national_portal.portals import Ack, NationalPortal, PortalUnavailable, national_portal

CURSOR_NAME = "national_portal"
# How long a claimed batch is left alone before it counts as abandoned.
SEND_LEASE = timedelta(minutes=5)
# Who may look at the feed and resend items.
FEED_ROLES = frozenset({Role.OPS_VIEWER, Role.ADMINISTRATOR})


@dataclass
class SendReport:
    counts: dict = field(default_factory=dict)  # outcome → how many items

    def add(self, outcome: str, count: int = 1) -> None:
        if count:
            self.counts[outcome] = self.counts.get(outcome, 0) + count

    def merge(self, other: "SendReport") -> None:
        for outcome, count in other.counts.items():
            self.add(outcome, count)

    @property
    def items(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PassReport:
    produced: int
    batches: int
    sent: SendReport

    def as_dict(self) -> dict:
        return {"produced": self.produced, "batches": self.batches, "sent": self.sent.counts}

    def line(self) -> str:
        counts = ", ".join(f"{count} {outcome}" for outcome, count
                           in sorted(self.sent.counts.items())) or "0"
        return f"produced {self.produced} items; {self.batches} batches: {counts}"


# -- producing ------------------------------------------------------------------------------------

def national_change(event: DossierEvent) -> int | None:
    """The national status the event moves its dossier to; None when it stays the same."""
    after = NATIONAL_STATUS[Status(event.to_status)]
    before = NATIONAL_STATUS[Status(event.from_status)] if event.from_status else None
    return int(after) if after != before else None


@dataclass(frozen=True)
class ProduceReport:
    events: int  # read
    items: int  # made


def produce(limit: int | None = None) -> ProduceReport:
    """Read the events after the cursor (and the missing ids below it), make their feed
    items."""
    now = timezone.now()
    limit = limit or conf.batch_size()
    with transaction.atomic():
        cursor = _cursor()
        holes = {int(pk): since for pk, since in cursor.holes.items()}
        events = DossierEvent.objects.select_related(
            "dossier__procedure", "dossier__competent_office", "dossier__receiving_office")
        filled = list(events.filter(pk__in=holes)) if holes else []
        fresh = list(events.filter(pk__gt=cursor.position).order_by("pk")[:limit])
        made = _make_items(filled + fresh, now)
        for event in filled:
            del holes[event.pk]
        if fresh:
            holes.update(_missing(cursor.position, fresh, now))
            cursor.position = fresh[-1].pk
        cursor.holes = {str(pk): since for pk, since in holes.items()
                        if not _expired(since, now)}
        cursor.save(update_fields=["position", "holes"])
    return ProduceReport(len(filled) + len(fresh), made)


def _cursor() -> FeedCursor:
    FeedCursor.objects.get_or_create(name=CURSOR_NAME)
    return FeedCursor.objects.select_for_update().get(name=CURSOR_NAME)


def _missing(position: int, fresh: list[DossierEvent], now: datetime) -> dict[int, str]:
    """Ids between the old position and the newest event read that were not there: events of
    transactions not committed yet (or rolled back). At the very start (position 0) only the
    gaps between the events read count: the ids below the first one belong to a log that was
    emptied (the demo's --reset), not to open transactions."""
    seen = {event.pk for event in fresh}
    start = position + 1 if position else fresh[0].pk
    return {pk: now.isoformat() for pk in range(start, fresh[-1].pk) if pk not in seen}


def _expired(since: str, now: datetime) -> bool:
    return parse_datetime(since) < now - timedelta(seconds=conf.safety_lag_seconds())


def _make_items(events: list[DossierEvent], now: datetime) -> int:
    """The items of the events that change a national status and have none yet; how many."""
    changes = [(event, status) for event in events
               if (status := national_change(event)) is not None]
    made = set(FeedItem.objects.filter(event_id__in=[event.pk for event, _ in changes])
               .values_list("event_id", flat=True))
    changes = [(event, status) for event, status in changes if event.pk not in made]
    appointments = payload.appointments_as_of([event for event, _ in changes])
    FeedItem.objects.bulk_create(
        [FeedItem(event=event, dossier_id=event.dossier_id, national_status=status,
                  event_at=event.at, produced_at=now, next_attempt_at=now,
                  payload=payload.record(event, status, appointments[event.pk]))
         for event, status in changes],
        ignore_conflicts=True)  # the unique event backs the check above up
    return len(changes)


def produce_all() -> int:
    """Read the log up to its end; how many items were made."""
    made = 0
    while True:
        report = produce()
        made += report.items
        if report.events < conf.batch_size():
            return made


# -- sending --------------------------------------------------------------------------------------

def send_due(portal: NationalPortal | None = None, limit: int | None = None) -> SendReport:
    """Send one batch of due items; what became of them."""
    portal = portal or national_portal()
    items = _claim(limit or conf.batch_size())
    report = SendReport()
    if not items:
        return report
    now = timezone.now()
    try:
        acks = {ack.key: ack for ack in portal.send([item.payload for item in items])}
    except PortalUnavailable as exc:
        acks, error = {}, exc
    else:
        error = PortalUnavailable("no_answer", _("The portal gave no answer for this item."))
    with transaction.atomic():
        for item in items:
            outcome, fields = _settle(item, acks.get(item.key), error, now)
            FeedItem.objects.filter(pk=item.pk).update(sandbox=portal.is_sandbox, **fields)
            report.add(outcome)
    return report


def _claim(limit: int) -> list[FeedItem]:
    """Due items whose dossier has no earlier item still unacknowledged, oldest first; each
    claimed: one more attempt, sent now, left alone for the lease."""
    now = timezone.now()
    earlier_open = (FeedItem.objects.filter(dossier_id=OuterRef("dossier_id"),
                                            event_id__lt=OuterRef("event_id"))
                    .exclude(status=FeedStatus.ACKNOWLEDGED))
    with transaction.atomic():
        rows = (FeedItem.objects.filter(status=FeedStatus.QUEUED, next_attempt_at__lte=now)
                .filter(~Exists(earlier_open)).order_by("event_id"))
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        items = list(rows[:limit])
        FeedItem.objects.filter(pk__in=[item.pk for item in items]).update(
            attempts=F("attempts") + 1, sent_at=now, next_attempt_at=now + SEND_LEASE)
    for item in items:
        item.attempts += 1
        item.sent_at = now
    return items


def _settle(item: FeedItem, ack: Ack | None, error: PortalUnavailable, now: datetime,
            ) -> tuple[str, dict]:
    """What became of the item, and the fields that say so."""
    if ack is not None and ack.accepted:
        return FeedStatus.ACKNOWLEDGED, {
            "status": FeedStatus.ACKNOWLEDGED, "acknowledged_at": now, "receipt": ack.receipt,
            "error_code": "", "last_error": ""}
    if ack is not None:
        return FeedStatus.REJECTED, {"status": FeedStatus.REJECTED, "error_code": ack.code,
                                     "last_error": ack.reason[:500]}
    failure = {"error_code": error.code, "last_error": str(error)[:500]}
    if item.attempts >= conf.max_attempts():
        return FeedStatus.FAILED, {"status": FeedStatus.FAILED, **failure}
    return "retry", {"next_attempt_at": now + retry_delay(item.attempts), **failure}


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base wait after the first failure, doubling after each."""
    return timedelta(seconds=conf.retry_base_seconds() * 2 ** (attempts - 1))


def sync_once(portal: NationalPortal | None = None) -> PassReport:
    """One full pass: read the whole new log, then send batches until nothing is due."""
    portal = portal or national_portal()
    produced = produce_all()
    sent, batches = SendReport(), 0
    while (report := send_due(portal)).items:
        sent.merge(report)
        batches += 1
    return PassReport(produced, batches, sent)


# -- resending ------------------------------------------------------------------------------------

def resend(*, officer, item_ids: list[int]) -> int:
    """Queue failed or rejected items again (payload rebuilt, attempts from zero); audited."""
    if officer.role not in FEED_ROLES:
        raise PermissionDenied()
    now = timezone.now()
    with transaction.atomic():
        items = list(FeedItem.objects.visible_to(officer).select_for_update(of=("self",))
                     .filter(pk__in=item_ids,
                             status__in=(FeedStatus.FAILED, FeedStatus.REJECTED))
                     .select_related("event__dossier__procedure",
                                     "event__dossier__competent_office",
                                     "event__dossier__receiving_office"))
        if not items:
            raise InvalidInput(_("Only failed or rejected items can be sent again."),
                               code="not_resendable")
        appointments = payload.appointments_as_of([item.event for item in items])
        for item in items:
            audit.record("national_portal.resend", item,
                         summary=f"{item.key} {item.status} {item.error_code}")
            item.payload = payload.record(item.event, item.national_status,
                                          appointments[item.event_id])
            item.status, item.attempts, item.next_attempt_at = FeedStatus.QUEUED, 0, now
        FeedItem.objects.bulk_update(items, ["payload", "status", "attempts",
                                             "next_attempt_at"])
    return len(items)
