"""The nightly publication job (django-tasks chain) and the `haicap opendata` command."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from haicap.opendata import tasks
from haicap.opendata.models import Dataset
from haicap.opendata.registry import DEFINITIONS

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_job_runs_at_two_at_night_local_time_next():
    assert tasks.next_run(datetime(2026, 11, 26, 1, 0, tzinfo=VIETNAM)) == datetime(
        2026, 11, 26, 2, 0, tzinfo=VIETNAM)
    assert tasks.next_run(datetime(2026, 11, 26, 2, 0, tzinfo=VIETNAM)) == datetime(
        2026, 11, 27, 2, 0, tzinfo=VIETNAM)


def test_schedule_enqueues_one_job_only():
    assert tasks.schedule() is True
    assert tasks.schedule() is False
    assert DBTaskResult.objects.filter(task_path=tasks.publish.module_path).count() == 1


def test_the_command_publishes_every_dataset(province, capsys):
    call_command("opendata", "publish")

    assert "5 published, 0 unchanged" in capsys.readouterr().out
    assert Dataset.objects.filter(current_release__isnull=False).count() == len(DEFINITIONS)
