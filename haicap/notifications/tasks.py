"""Delivery as a django-tasks job (database backend: no broker, `haicap db_worker` runs it).

`deliver` drains the outbox, sends what is due, and enqueues itself again `poll_seconds` later —
one chain of jobs, started by `haicap notifications schedule` (idempotent: it adds a job only when
none is waiting). `haicap notifications dispatch --once` does one pass without the worker (cron).
The dossier services cannot enqueue a job on commit of each action (they do not know this app),
hence polling; see docs/adr/0009-notifications.md.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task as background_task

from haicap.core import jobs
from haicap.notifications import conf, services


@background_task()
def deliver() -> dict:
    try:
        report = services.deliver_once()
    finally:
        schedule()  # a failed pass must not end the chain
    return report.as_dict()


def schedule() -> bool:
    """Enqueue the next `deliver` job unless one is already waiting; True if it enqueued."""
    run_after = timezone.now() + timedelta(seconds=conf.poll_seconds())
    return jobs.enqueue_unless_waiting(deliver, run_after)
