"""Publication as a django-tasks job (database backend, run by `haicap db_worker`).

`publish` regenerates every dataset and enqueues itself for the next night (one chain of jobs,
started by `schedule()`, idempotent). Daily rather than after each change of the facts: the
statistics publish complete months only, the catalogue and the units change seldom, and an
unchanged table makes no new release, so a daily pass costs one read of the facts and
publishes within a day of any change. See docs/adr/0015-open-data.md.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task as background_task

from haicap.core import jobs
from haicap.opendata import conf, services


@background_task()
def publish() -> dict:
    try:
        report = services.publish_all()
    finally:
        schedule()  # a failed pass must not end the chain
    return {"published": report.published, "unchanged": report.unchanged,
            "failed": report.failed}


def next_run(now: datetime) -> datetime:
    """The next publication hour, local time, after `now`."""
    local = timezone.localtime(now)
    run = timezone.make_aware(datetime.combine(local.date(), time(conf.publish_hour())))
    return run if run > local else run + timedelta(days=1)


def schedule() -> bool:
    """Enqueue the next `publish` job unless one is already waiting; True if it enqueued."""
    return jobs.enqueue_unless_waiting(publish, next_run(timezone.now()))
