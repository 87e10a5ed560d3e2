from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def waiting_jobs() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


def test_schedule_starts_each_recurring_job_once_however_often_it_runs(settings):
    call_command("schedule", stdout=StringIO())
    started = waiting_jobs()
    out = StringIO()
    call_command("schedule", stdout=out)

    assert started == len(settings.HAICAP_RECURRING_JOBS)
    assert waiting_jobs() == started
    assert out.getvalue().count("already waiting") == started
