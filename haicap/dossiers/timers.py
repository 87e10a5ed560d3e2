"""Timers are rows with a due time (DESIGN.md), each run by a django-tasks job at that time.

A task's timers (warn the assignee at 75 % of its office time, their leader at 90 %, overdue at
its due time) are created with the task, and each gets a job (`fire_timer`, database backend)
whose `run_after` is the timer's due time, enqueued in the same transaction: a rolled-back action
leaves no job behind. When a supplement moves the timers later, each gets a new job at its new
time; the old job then finds its timer not yet due and does nothing. `haicap dossiers tick`
sweeps whatever is due as a fallback (a lost job, a worker that was down).

Firing writes an outbox message (`vn.haicap.task.due_soon` for the warnings,
`vn.haicap.task.overdue` at the due time; the notifications app reads the outbox) and marks the
timer fired, in one transaction per timer. A fired timer never fires again, so a job and a tick,
or two ticks at once, send each message once: on PostgreSQL each skips the rows another holds
(SKIP LOCKED); on SQLite the write transactions serialize.
"""

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task as background_task

from haicap.dossiers import deadlines
from haicap.dossiers.models import (
    NATIONAL_STATUS,
    OutboxMessage,
    Status,
    Task,
    TaskStatus,
    Timer,
    TimerKind,
)

# When a task's timers fire, as a share of its office time.
FRACTIONS = ((TimerKind.WARN_ASSIGNEE, "0.75"), (TimerKind.WARN_LEADER, "0.90"),
             (TimerKind.OVERDUE, "1"))

MESSAGE_TYPE = {
    TimerKind.WARN_ASSIGNEE: "vn.haicap.task.due_soon",
    TimerKind.WARN_LEADER: "vn.haicap.task.due_soon",
    TimerKind.OVERDUE: "vn.haicap.task.overdue",
}


class Outcome(enum.Enum):
    FIRED = "fired"
    SKIPPED = "skipped"  # the task was closed meanwhile: marked fired, nothing sent
    NOT_DUE = "not_due"  # already fired, moved later, paused, or held by another worker


@dataclass(frozen=True)
class TickReport:
    fired: int
    skipped: int


# -- scheduling ------------------------------------------------------------------------------------

def schedule_for(task: Task, start: datetime, hours: Decimal) -> list[Timer]:
    """Create a new task's timers over its `hours` of office time from `start`, each with a job
    at its due time (in the caller's transaction)."""
    created = Timer.objects.bulk_create([
        Timer(dossier_id=task.dossier_id, task=task, kind=kind,
              due_at=deadlines.fraction_of(start, hours, fraction))
        for kind, fraction in FRACTIONS
    ])
    for timer in created:
        _enqueue(timer)
    return created


def move_later(task: Task, hours: Decimal) -> None:
    """The supplement arrived: the task's pending timers move later by the office `hours` the
    dossier waited, each with a new job at its new time."""
    for timer in task.timers.filter(fired_at__isnull=True):
        timer.due_at = deadlines.shift(timer.due_at, hours, in_days=False)
        timer.save(update_fields=["due_at"])
        _enqueue(timer)


def _enqueue(timer: Timer) -> None:
    fire_timer.using(run_after=timer.due_at).enqueue(timer.pk)


# -- firing ----------------------------------------------------------------------------------------

@background_task()
def fire_timer(timer_id: int) -> str:
    """The job behind one timer: fire it if it is still due (a stale job does nothing)."""
    return fire(timer_id, timezone.now()).value


def tick(limit: int = 1000) -> TickReport:
    """Fire the timers due now (a paused dossier's timers wait: the supplement moves them)."""
    now = timezone.now()
    due = (Timer.objects.filter(fired_at__isnull=True, due_at__lte=now)
           .exclude(dossier__status=Status.WAITING_SUPPLEMENT)
           .order_by("due_at", "id").values_list("pk", flat=True)[:limit])
    outcomes = [fire(pk, now) for pk in list(due)]
    return TickReport(outcomes.count(Outcome.FIRED), outcomes.count(Outcome.SKIPPED))


def fire(timer_id: int, now: datetime) -> Outcome:
    """Fire one timer if it is due at `now`: not fired yet, its time reached, its dossier not
    waiting for a supplement; a closed task's timer is marked fired without a message."""
    with transaction.atomic():
        rows = Timer.objects.filter(pk=timer_id, fired_at__isnull=True, due_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        timer = rows.select_related("dossier", "task").first()
        if timer is None or timer.dossier.status == Status.WAITING_SUPPLEMENT:
            return Outcome.NOT_DUE
        # Conditional, so that on SQLite (no row locks) only one of two firings gets it.
        if not Timer.objects.filter(pk=timer.pk, fired_at__isnull=True).update(fired_at=now):
            return Outcome.NOT_DUE
        task = timer.task
        if task is not None and task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
            return Outcome.SKIPPED
        _send(timer, now)
    return Outcome.FIRED


def _send(timer: Timer, now: datetime) -> None:
    dossier, task = timer.dossier, timer.task
    OutboxMessage.objects.create(
        source=f"/haicap/{dossier.province_id}", type=MESSAGE_TYPE[TimerKind(timer.kind)],
        subject=dossier.code, time=now,
        data={"code": dossier.code, "timer": timer.kind,
              "national_status": int(NATIONAL_STATUS[Status(dossier.status)]),
              "task": task.pk if task else None,
              "step": task.step_key if task else None,
              "office": task.office_id if task else dossier.competent_office_id,
              "role": task.role if task else None,
              "assignee": task.assignee_id if task else None,
              "due_at": (task.due_at if task else dossier.due_at).isoformat()})
