"""Reads of the feed: the synchronization report the national portal expects, and the
reconciliation of what was sent with what was acknowledged.

Both count the feed items (one per national status change), by the day the status changed
(Vietnam time); both are province-wide reads for the operations centre (`items_for`).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from haicap.catalog.models import Procedure
from haicap.core.errors import PermissionDenied
from haicap.core.periods import Period, day_start
from haicap.dossiers.models import NationalStatus
from haicap.national_portal import payload
from haicap.national_portal.models import FeedItem, FeedStatus
from haicap.national_portal.payload import VIETNAM_TIME
from haicap.national_portal.portals import NationalPortal, national_portal
from haicap.national_portal.services import FEED_ROLES

OPEN = frozenset({1, 2, 4, 5, 6})
ENDED_WITHOUT_RESULT = frozenset({3, 7, 8})
STATUSES = tuple(range(1, 11))
MAX_DISCREPANCIES = 500
KIND_LABELS = {
    "sent_not_acknowledged": _("Sent, not acknowledged"),
    "rejected": _("Rejected by the portal"),
    "given_up": _("Given up: the portal never answered"),
    "acknowledged_not_recorded": _("Held by the portal, no acknowledgement here"),
    "recorded_not_at_portal": _("Acknowledged here, not held by the portal"),
}


def items_for(user) -> QuerySet[FeedItem]:
    """The feed items the user may read: operations-centre viewers and administrators only."""
    if user is None or not user.is_authenticated or user.role not in FEED_ROLES:
        raise PermissionDenied()
    return FeedItem.objects.visible_to(user)


# -- the synchronization report --------------------------------------------------------------

@dataclass
class SyncRow:
    day: date | None  # None: the whole period
    procedure_code: str
    procedure_name: str
    received: int = 0  # first received in the bucket (status 2)
    in_process: int = 0  # open at the bucket's end (statuses 1, 2, 4, 5, 6)
    finished_on_time: int = 0  # processed (9) on or before the appointment
    finished_late: int = 0
    returned: int = 0  # result returned (10)
    ended_without_result: int = 0  # not received, withdrawn, stopped (3, 7, 8)
    by_status: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def status_counts(self) -> list[int]:
        return [self.by_status[status] for status in STATUSES]

    def is_empty(self) -> bool:
        return not (self.in_process or any(self.by_status.values()))


@dataclass(frozen=True)
class SyncReport:
    period: Period
    rows: list[SyncRow]  # per day × procedure
    totals: list[SyncRow]  # per procedure over the period


@dataclass(frozen=True)
class _Change:
    dossier_id: int
    procedure_id: int
    status: int
    at: datetime
    late: bool


def sync_report(items: QuerySet[FeedItem], period: Period) -> SyncReport:
    """Per day × procedure and per procedure over the period: dossiers received, in process at
    the end, processed on time / late, returned, ended without result, and how many dossiers
    entered each national status 1–10."""
    changes = _changes(items, period)
    names = dict((pk, (code, name)) for pk, code, name in Procedure.objects.filter(
        pk__in={change.procedure_id for change in changes}).values_list("pk", "code", "name"))
    days = [(day, day_start(day)) for day in period.each_day()]
    rows = _fold(changes, period, days, names)
    totals = _fold(changes, period, [(None, period.starts_at())], names, whole=True)
    return SyncReport(period, rows, totals)


def _changes(items: QuerySet[FeedItem], period: Period) -> list[_Change]:
    """Every status change up to the period's end (the statuses before it say what is open)."""
    rows = (items.filter(event_at__lt=period.ends_at())
            .order_by("event_at", "event_id")
            .values_list("dossier_id", "dossier__procedure_id", "national_status", "event_at",
                         "dossier__finished_at", "dossier__due_at"))
    return [_Change(dossier, procedure, status, at,
                    bool(finished and due and finished > due))
            for dossier, procedure, status, at, finished, due in rows]


def _fold(changes: list[_Change], period: Period, buckets: list[tuple[date | None, datetime]],
          names: dict, *, whole: bool = False) -> list[SyncRow]:
    """Replay the changes in time order; each bucket counts the changes inside it and the
    dossiers open at its end."""
    status_of: dict[int, int] = {}
    received: set[int] = set()
    open_by_procedure: Counter = Counter()
    rows: list[SyncRow] = []
    position = 0
    for index, (day, starts) in enumerate(buckets):
        ends = period.ends_at() if whole or index == len(buckets) - 1 else buckets[index + 1][1]
        bucket: dict[int, SyncRow] = {}
        while position < len(changes) and changes[position].at < ends:
            change = changes[position]
            position += 1
            _move(change, status_of, open_by_procedure)
            if change.at >= starts:
                row = bucket.setdefault(change.procedure_id, _row(day, change.procedure_id, names))
                _count(row, change, received)
            elif change.status == NationalStatus.RECEIVED:
                received.add(change.dossier_id)
        for procedure_id, open_count in open_by_procedure.items():
            if open_count:
                bucket.setdefault(procedure_id, _row(day, procedure_id, names)).in_process = \
                    open_count
        rows.extend(sorted((row for row in bucket.values() if not row.is_empty()),
                           key=lambda row: row.procedure_code))
    return rows


def _row(day: date | None, procedure_id: int, names: dict) -> SyncRow:
    code, name = names[procedure_id]
    return SyncRow(day, code, name)


def _move(change: _Change, status_of: dict, open_by_procedure: Counter) -> None:
    before = status_of.get(change.dossier_id)
    if before in OPEN:
        open_by_procedure[change.procedure_id] -= 1
    if change.status in OPEN:
        open_by_procedure[change.procedure_id] += 1
    status_of[change.dossier_id] = change.status


def _count(row: SyncRow, change: _Change, received: set[int]) -> None:
    row.by_status[change.status] += 1
    if change.status == NationalStatus.RECEIVED and change.dossier_id not in received:
        received.add(change.dossier_id)
        row.received += 1
    elif change.status == NationalStatus.FINISHED:
        if change.late:
            row.finished_late += 1
        else:
            row.finished_on_time += 1
    elif change.status == NationalStatus.RESULT_RETURNED:
        row.returned += 1
    elif change.status in ENDED_WITHOUT_RESULT:
        row.ended_without_result += 1


# -- the reconciliation ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DayRow:
    day: date
    produced: int
    sent: int  # sent at least once
    acknowledged: int
    rejected: int
    failed: int  # given up
    pending: int  # waiting for their first attempt or a retry
    retried: int = 0  # sent more than once (the portal did not answer at first)


@dataclass(frozen=True)
class Discrepancy:
    # sent_not_acknowledged, rejected, given_up, acknowledged_not_recorded,
    # recorded_not_at_portal
    kind: str
    item_id: int
    key: str
    dossier_code: str
    national_status: int
    status: str
    attempts: int
    detail: str
    resendable: bool

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return NationalStatus(self.national_status).label


@dataclass(frozen=True)
class Reconciliation:
    period: Period
    sandbox: bool
    portal_checked: bool  # whether the portal could say what it holds
    days: list[DayRow]
    totals: DayRow | None
    discrepancies: list[Discrepancy]
    discrepancy_count: int


def reconciliation(items: QuerySet[FeedItem], period: Period,
                   portal: NationalPortal | None = None) -> Reconciliation:
    portal = portal or national_portal()
    in_period = items.filter(event_at__gte=period.starts_at(), event_at__lt=period.ends_at())
    days = _day_rows(in_period)
    shown, count, checked = _discrepancies(in_period, portal)
    return Reconciliation(period, portal.is_sandbox, checked, days, _total(days), shown, count)


def _day_rows(items: QuerySet[FeedItem]) -> list[DayRow]:
    counts = (items.annotate(day=TruncDate("event_at", tzinfo=VIETNAM_TIME)).values("day")
              .annotate(produced=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)),
                        acknowledged=Count("pk", filter=Q(status=FeedStatus.ACKNOWLEDGED)),
                        rejected=Count("pk", filter=Q(status=FeedStatus.REJECTED)),
                        failed=Count("pk", filter=Q(status=FeedStatus.FAILED)),
                        pending=Count("pk", filter=Q(status=FeedStatus.QUEUED)),
                        retried=Count("pk", filter=Q(attempts__gt=1)))
              .order_by("day"))
    return [DayRow(**row) for row in counts]


def _total(days: list[DayRow]) -> DayRow | None:
    if not days:
        return None
    sums = {name: sum(getattr(row, name) for row in days)
            for name in ("produced", "sent", "acknowledged", "rejected", "failed", "pending",
                         "retried")}
    return DayRow(day=None, **sums)


def _discrepancies(items: QuerySet[FeedItem], portal: NationalPortal,
                   ) -> tuple[list[Discrepancy], int, bool]:
    """The first discrepancies, how many there are, and whether the portal was asked. The
    period's items are compared as plain values; only the discrepancies are read whole."""
    rows = list(items.filter(Q(sent_at__isnull=False) | ~Q(status=FeedStatus.QUEUED))
                .order_by("event_at", "event_id")
                .values_list("pk", "dossier__province_id", "event_id", "status", "sent_at"))
    keys = {pk: payload.key_of(province_id, event_id)
            for pk, province_id, event_id, _status, _sent in rows}
    held = _held_by_portal(list(keys.values()), portal)
    kinds = {pk: kind for pk, _province, _event, status, sent_at in rows
             if (kind := _kind(keys[pk], status, sent_at, held))}
    shown = list(kinds)[:MAX_DISCREPANCIES]
    found = {item.pk: item for item in items.filter(pk__in=shown).select_related("dossier")}
    return [_discrepancy(kinds[pk], found[pk]) for pk in shown], len(kinds), held is not None


def _held_by_portal(keys: list[str], portal: NationalPortal) -> set[str] | None:
    held: set[str] = set()
    for start in range(0, len(keys), 500):
        answer = portal.accepted(keys[start:start + 500])
        if answer is None:
            return None
        held |= answer
    return held


def _kind(key: str, status: str, sent_at, held: set[str] | None) -> str:
    acknowledged = status == FeedStatus.ACKNOWLEDGED
    if held is not None and not acknowledged and key in held:
        return "acknowledged_not_recorded"
    if held is not None and acknowledged and key not in held:
        return "recorded_not_at_portal"
    if status == FeedStatus.REJECTED:
        return "rejected"
    if status == FeedStatus.FAILED:
        return "given_up"
    if not acknowledged and sent_at is not None:
        return "sent_not_acknowledged"
    return ""


def _discrepancy(kind: str, item: FeedItem) -> Discrepancy:
    return Discrepancy(kind=kind, item_id=item.pk, key=item.key,
                       dossier_code=item.dossier.code, national_status=item.national_status,
                       status=item.status, attempts=item.attempts,
                       detail=" ".join(filter(None, (item.error_code, item.last_error))),
                       resendable=item.status in (FeedStatus.FAILED, FeedStatus.REJECTED))


def rows_for_csv(report: SyncReport) -> Iterable[list]:
    yield (["day", "procedure_code", "procedure_name", "received", "in_process",
            "finished_on_time", "finished_late", "returned", "ended_without_result"]
           + [f"status_{status}" for status in STATUSES])
    for row in [*report.rows, *report.totals]:
        yield ([row.day.isoformat() if row.day else str(report.period), row.procedure_code,
                row.procedure_name, row.received, row.in_process, row.finished_on_time,
                row.finished_late, row.returned, row.ended_without_result]
               + [row.by_status[status] for status in STATUSES])
