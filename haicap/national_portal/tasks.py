"""The feed as a django-tasks job (database backend, run by `haicap db_worker`).

`sync` reads the new events, sends what is due and enqueues itself again `poll_seconds` later —
one chain of jobs, started by `schedule()` (idempotent: it adds a job only when none is waiting;
`haicap schedule` calls it through HAICAP_RECURRING_JOBS). `haicap national-portal sync --once`
does one pass without the worker (cron).
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task as background_task

from haicap.core import jobs
from haicap.national_portal import conf, services


@background_task()
def sync() -> dict:
    try:
        report = services.sync_once()
    finally:
        schedule()  # a failed pass must not end the chain
    return report.as_dict()


def schedule() -> bool:
    """Enqueue the next `sync` job unless one is already waiting; True if it enqueued."""
    run_after = timezone.now() + timedelta(seconds=conf.poll_seconds())
    return jobs.enqueue_unless_waiting(sync, run_after)
