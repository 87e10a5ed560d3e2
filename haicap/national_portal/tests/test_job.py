"""The feed runs as a django-tasks chain (`tasks.schedule`, HAICAP_RECURRING_JOBS) and as the
command `haicap national-portal sync --once | report --date`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haicap.dossiers.testing import at
from haicap.dossiers.tests.test_timers import run_worker
from haicap.national_portal import services, tasks
from haicap.national_portal.models import FeedItem, FeedStatus
from haicap.national_portal.tests.conftest import returned_dossier

pytestmark = pytest.mark.django_db


def sync_jobs(status="READY") -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="haicap.national_portal.tasks.sync",
                                            status=status))


def test_schedule_starts_one_chain_of_sync_jobs(monkeypatch, settings):
    settings.HAICAP_NATIONAL_PORTAL_POLL_SECONDS = 30
    now = at(monkeypatch, 2025, 3, 10, 9, 0)

    assert tasks.schedule() is True
    assert tasks.schedule() is False  # one is already waiting
    [job] = sync_jobs()
    assert job.run_after == now + timezone.timedelta(seconds=30)


def test_the_sync_job_feeds_the_portal_and_runs_again_later(province, monkeypatch):
    returned_dossier(province, monkeypatch)
    tasks.schedule()
    at(monkeypatch, 2025, 3, 12, 10, 0)

    run_worker(monkeypatch)

    assert set(FeedItem.objects.values_list("status", flat=True)) == {FeedStatus.ACKNOWLEDGED}
    [done] = sync_jobs("SUCCESSFUL")
    assert done.return_value == {"produced": 5, "batches": 5, "sent": {"acknowledged": 5}}
    assert len(sync_jobs()) == 1


def test_a_failed_pass_still_schedules_the_next_one(monkeypatch):
    def broken(portal=None):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "sync_once", broken)

    with pytest.raises(RuntimeError):
        tasks.sync.call()
    assert len(sync_jobs()) == 1


def test_the_sync_command_does_one_pass_for_cron(province, monkeypatch):
    returned_dossier(province, monkeypatch)
    out = StringIO()

    call_command("national-portal", "sync", "--once", stdout=out)
    call_command("national-portal", "sync", "--once", stdout=out)

    assert out.getvalue().splitlines() == [
        "produced 5 items; 5 batches: 5 acknowledged", "produced 0 items; 0 batches: 0"]


def test_the_report_command_prints_the_days_numbers(province, monkeypatch):
    returned_dossier(province, monkeypatch)
    call_command("national-portal", "sync", "--once", stdout=StringIO())
    out = StringIO()

    call_command("national-portal", "report", "--date", "2025-03-10", stdout=out)

    text = out.getvalue()
    assert "Synchronization report 2025-03-10" in text
    assert "2025-03-10: produced 3, sent 3, acknowledged 3, rejected 0, failed 0, pending 0" in text
