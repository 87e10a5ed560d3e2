"""Reads of the officer workspace. Every queryset starts from the engine's scoped queues
(`Task.objects.queue_of` / `queue_of_unit`) or `Dossier.objects.visible_to` (STYLE.md 3)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from haicap.catalog.selectors import procedure_names
from haicap.core.models import User
from haicap.dossiers.deadlines import due_soon_limit
from haicap.dossiers.models import RUNNING_STATUSES, Dossier, Status, Task

DUE_SOON, LATE = "soon", "late"
# What a queue row shows (workspace/_queue_rows.html), read as plain values: a whole task, its
# dossier (with the form data), its procedure and the assignee's account would be most of the
# page's time.
QUEUE_ROW_VALUES = ("id", "step_key", "step_name", "due_at", "assignee_id", "assignee__full_name",
                    "assignee__username", "dossier__code", "dossier__lock_version",
                    "dossier__status", "dossier__applicant_name", "procedure__name")


@dataclass(frozen=True)
class QueueRow:
    task: int
    lock_version: int  # the dossier's, for the bulk claim
    code: str
    procedure: str
    applicant: str
    step: str
    assignee: str  # "" while nobody claimed the task
    due_at: datetime
    badge: str  # "" | DUE_SOON | LATE


@dataclass(frozen=True)
class QueueFilters:
    unit: bool = False  # the unit's whole queue, not only mine and the claimable ones
    procedure: str = ""
    status: str = ""
    due: str = ""  # "" | DUE_SOON | LATE
    query: str = ""


def queue(officer: User, filters: QueueFilters, *, now: datetime | None = None):
    """Active tasks of the officer's queue, earliest due first; `queue_rows` reads a page of
    them. Counting it joins only what the filters need."""
    tasks = (Task.objects.queue_of_unit(officer) if filters.unit
             else Task.objects.queue_of(officer))
    if filters.procedure:
        tasks = tasks.filter(procedure__code=filters.procedure)
    if filters.status:
        tasks = tasks.filter(dossier__status=filters.status)
    if filters.due:
        # A step's own due time; while a supplement is awaited its clock stands still.
        now = now or timezone.now()
        tasks = tasks.filter(dossier__status__in=RUNNING_STATUSES)
        tasks = (tasks.filter(due_at__gte=now, due_at__lte=due_soon_limit(now))
                 if filters.due == DUE_SOON else tasks.filter(due_at__lt=now))
    if filters.query:
        words = filters.query.strip()
        tasks = tasks.filter(Q(dossier__code__istartswith=words)
                             | Q(dossier__applicant_name__icontains=words))
    return tasks.order_by("due_at", "id")


def queue_rows(tasks, now: datetime | None = None) -> list[QueueRow]:
    """A page of `queue` (a slice of it) as rows, each with its deadline badge: one query,
    whatever the page size."""
    now, soon = badge_clock(now)
    values = tasks.values(*QUEUE_ROW_VALUES)
    return [QueueRow(
        task=row["id"], lock_version=row["dossier__lock_version"], code=row["dossier__code"],
        procedure=row["procedure__name"], applicant=row["dossier__applicant_name"],
        step=row["step_name"] or row["step_key"],
        assignee=(row["assignee__full_name"] or row["assignee__username"]
                  if row["assignee_id"] else ""),
        due_at=row["due_at"],
        badge=deadline_badge(row["due_at"], row["dossier__status"], now, soon),
    ) for row in values]


def queue_procedures(officer: User):
    """The procedures with a dossier in the officer's unit queue (the filter's choices), as
    (code, name) by name.

    Their ids first, from the queue's index (tasks carry their dossier's procedure); as a
    single query PostgreSQL may instead probe every dossier of each procedure of the catalogue
    (half a second at 1M dossiers)."""
    in_queue = set(Task.objects.queue_of_unit(officer).order_by()
                   .values_list("procedure", flat=True).distinct())
    names = procedure_names()
    return sorted((names[pk] for pk in in_queue if pk in names), key=lambda item: item[1])


def deadline_badge(due_at: datetime | None, status: str, now: datetime,
                   soon_limit: datetime) -> str:
    """"late" | "soon" | "" for a due time (a step's or the dossier's appointment); the clock
    stops while a supplement is awaited."""
    if due_at is None or status not in RUNNING_STATUSES:
        return ""
    if due_at < now:
        return LATE
    return DUE_SOON if due_at <= soon_limit else ""


def badge_clock(now: datetime | None = None) -> tuple[datetime, datetime]:
    """`now` and the end of "due soon", computed once per page."""
    now = now or timezone.now()
    return now, due_soon_limit(now)


def current_task(officer: User, dossier: Dossier) -> Task | None:
    """The dossier's open step, if the officer's unit may see it."""
    return (Task.objects.visible_to(officer).active().filter(dossier=dossier)
            .select_related("office", "assignee").first())


def received_dossier(officer: User, code: str) -> Dossier | None:
    return (Dossier.objects.visible_to(officer).select_related("procedure", "competent_office")
            .filter(code=code).first())


def awaiting_reception(officer: User):
    """Dossiers filed from afar (online, by a partner, linked) that wait for the officer's
    desk: new ones to receive, oldest first, then those whose applicant was asked at reception
    to complete them."""
    return (Dossier.objects.changeable_by(officer)
            .filter(receiving_office=officer.office_id)
            .filter(Q(status=Status.NEW) | Q(status=Status.WAITING_SUPPLEMENT,
                                             supplement_request__task__isnull=True))
            .select_related("procedure", "supplement_request")
            .order_by("status", "submitted_at", "id"))
