"""Recurring background jobs as chains of django-tasks jobs (database backend, no broker).

Each recurring job runs one pass and enqueues its next run; `schedule()` of its app starts the
chain (`haicap schedule` calls them all) and is idempotent through `enqueue_unless_waiting`.
"""

from datetime import datetime

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def enqueue_unless_waiting(task, run_after: datetime) -> bool:
    """Enqueue `task` to run at `run_after` unless a run of it is already waiting; True if it
    enqueued."""
    waiting = DBTaskResult.objects.filter(task_path=task.module_path,
                                          status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    task.using(run_after=run_after).enqueue()
    return True
