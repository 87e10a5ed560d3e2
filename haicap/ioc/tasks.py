"""The facts refresher as a django-tasks job (database backend; `haicap db_worker` runs it).

`refresh_facts` folds the events the log gained since the watermark and enqueues itself again
`HAICAP_IOC_POLL_SECONDS` later (5 s): one chain of jobs, started by `schedule()` (idempotent,
listed in settings.HAICAP_RECURRING_JOBS). A fact is therefore at most one poll plus one pass
behind its event. The dossier services do not know this app, hence polling (as notifications).
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task as background_task

from haicap.core import jobs
from haicap.ioc import conf, services


@background_task()
def refresh_facts() -> dict:
    try:
        report = services.refresh()
    finally:
        schedule()  # a failed pass must not end the chain
    return report.as_dict()


def schedule() -> bool:
    """Enqueue the next `refresh_facts` job unless one is already waiting; True if it did."""
    run_after = timezone.now() + timedelta(seconds=conf.poll_seconds())
    return jobs.enqueue_unless_waiting(refresh_facts, run_after)
