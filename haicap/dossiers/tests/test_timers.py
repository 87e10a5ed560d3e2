"""Timers (issue 5 point 3): rows with a due time, fired by `haicap dossiers tick`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from haicap.dossiers import engine, timers
from haicap.dossiers.models import OutboxMessage, Timer, TimerKind
from haicap.dossiers.testing import (
    act,
    at,
    fresh,
    submit,
    task_of,
)

pytestmark = pytest.mark.django_db


def messages(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(type=f"vn.haicap.task.{kind}"))


def test_tick_warns_the_assignee_then_the_leader_then_marks_overdue(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # the appraisal is due Tuesday 17:00
    dossier = submit(desk=province["hai_chau"])

    at(monkeypatch, 2025, 3, 11, 13, 0)
    assert timers.tick().fired == 0
    at(monkeypatch, 2025, 3, 11, 14, 0)  # past 75 %
    assert timers.tick().fired == 1
    at(monkeypatch, 2025, 3, 11, 16, 0)  # past 90 %
    assert timers.tick().fired == 1
    assert len(messages("due_soon")) == 2
    at(monkeypatch, 2025, 3, 11, 17, 1)
    out = StringIO()
    call_command("dossiers", "tick", stdout=out)

    assert "1 fired" in out.getvalue()
    [overdue] = messages("overdue")
    assert overdue.subject == dossier.code
    assert overdue.data["step"] == "appraise" and overdue.data["timer"] == TimerKind.OVERDUE


def test_tick_is_idempotent(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, 12, 9, 0)

    assert timers.tick().fired == 3
    assert timers.tick().fired == 0
    assert len(messages("due_soon")) == 2 and len(messages("overdue")) == 1
    assert not Timer.objects.filter(fired_at__isnull=True).exists()


def test_a_finished_step_drops_its_pending_timers(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    appraisal = task_of(dossier)
    act(engine.forward, province["specialist"], dossier)

    assert not appraisal.timers.exists()
    at(monkeypatch, 2025, 3, 11, 17, 1)
    timers.tick()
    assert [message.data["step"] for message in messages("overdue")] == ["approve"]


def test_timers_wait_while_the_dossier_waits_for_a_supplement(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")

    at(monkeypatch, 2025, 3, 12, 9, 0)
    assert timers.tick().fired == 0

    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)
    assert timers.tick().fired == 0  # moved later by the paused time


# -- timers as django-tasks jobs (database backend) ----------------------------------------------

def run_worker(monkeypatch) -> None:
    """`haicap db_worker --batch`: run the jobs due now, then stop. Inside the test's transaction
    the worker must not close the connection (it does between jobs to drop stale ones)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def timer_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="haicap.dossiers.timers.fire_timer")
                .order_by("run_after", "enqueued_at"))


def test_each_new_timer_gets_a_job_at_its_due_time(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])

    pending = Timer.objects.filter(dossier=dossier).order_by("due_at")
    assert [(job.run_after, job.args_kwargs["args"]) for job in timer_jobs()] == [
        (timer.due_at, [timer.pk]) for timer in pending]


def test_the_timer_job_fires_once_at_its_time_and_then_does_nothing(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, 11, 14, 0)  # past 75 % only

    run_worker(monkeypatch)

    assert len(messages("due_soon")) == 1
    assert [job.status for job in timer_jobs()] == ["SUCCESSFUL", "READY", "READY"]
    [warn] = Timer.objects.filter(fired_at__isnull=False)
    assert timers.fire_timer.call(warn.pk) == "not_due"  # run again: nothing new
    assert timers.tick().fired == 0
    assert len(messages("due_soon")) == 1


def test_a_job_for_a_closed_task_sends_nothing(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)  # the appraisal's timers are dropped
    at(monkeypatch, 2025, 3, 11, 17, 1)

    run_worker(monkeypatch)

    assert [message.data["step"] for message in messages("overdue")] == ["approve"]
    assert not [job for job in timer_jobs() if job.status == "FAILED"]


def test_a_supplement_moves_the_jobs_and_the_old_ones_do_nothing(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")
    at(monkeypatch, 2025, 3, 12, 9, 0)  # the old jobs' times have passed meanwhile
    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)
    moved = Timer.objects.filter(dossier=dossier, task__step_key="appraise").order_by("due_at")

    run_worker(monkeypatch)  # the three stale jobs run now

    assert not messages("due_soon") and not messages("overdue")
    later_jobs = [job for job in timer_jobs() if job.status == "READY"]
    assert [(job.run_after, job.args_kwargs["args"]) for job in later_jobs] == [
        (timer.due_at, [timer.pk]) for timer in moved]
    at(monkeypatch, 2025, 3, 13, 17, 30)  # all moved times passed
    run_worker(monkeypatch)
    assert len(messages("due_soon")) == 2 and len(messages("overdue")) == 1
