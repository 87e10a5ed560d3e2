"""Timers are rows with a due time (DESIGN.md): `haicap dossiers tick` fires the due ones.

Firing writes an outbox message (`vn.haicap.task.due_soon` for the warnings to the assignee and
their leader, `vn.haicap.task.overdue` at the due time; notification channels read the outbox
later) and marks the timer fired, in one transaction per timer. A fired timer never fires again,
so running tick twice, or two ticks at once, sends each message once: on PostgreSQL each tick
skips the rows another holds (SKIP LOCKED); on SQLite the write transactions serialize.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from haicap.dossiers.models import (
    NATIONAL_STATUS,
    OutboxMessage,
    Status,
    TaskStatus,
    Timer,
    TimerKind,
)

MESSAGE_TYPE = {
    TimerKind.WARN_ASSIGNEE: "vn.haicap.task.due_soon",
    TimerKind.WARN_LEADER: "vn.haicap.task.due_soon",
    TimerKind.OVERDUE: "vn.haicap.task.overdue",
}


@dataclass(frozen=True)
class TickReport:
    fired: int
    skipped: int  # the task was closed meanwhile: marked fired, nothing sent


def tick(limit: int = 1000) -> TickReport:
    """Fire the timers due now (a paused dossier's timers wait: the supplement moves them)."""
    now = timezone.now()
    fired = skipped = 0
    due = (Timer.objects.filter(fired_at__isnull=True, due_at__lte=now)
           .exclude(dossier__status=Status.WAITING_SUPPLEMENT)
           .order_by("due_at", "id").values_list("pk", flat=True)[:limit])
    for pk in list(due):
        with transaction.atomic():
            rows = Timer.objects.filter(pk=pk, fired_at__isnull=True)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            timer = rows.select_related("dossier", "task").first()
            if timer is None:
                continue  # another tick has it or fired it
            if timer.task is not None and timer.task.status not in (TaskStatus.OPEN,
                                                                    TaskStatus.CLAIMED):
                skipped += 1
            else:
                _send(timer, now)
                fired += 1
            Timer.objects.filter(pk=timer.pk).update(fired_at=now)
    return TickReport(fired, skipped)


def _send(timer: Timer, now) -> None:
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
