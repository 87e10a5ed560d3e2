"""Timers (issue 5 point 3): rows with a due time, fired by `haicap dossiers tick`."""

from io import StringIO

import pytest
from django.core.management import call_command

from haicap.dossiers import engine, timers
from haicap.dossiers.models import OutboxMessage, Timer, TimerKind
from haicap.dossiers.tests import test_engine
from haicap.dossiers.tests.test_engine import (
    act,
    at,
    fresh,
    submit,
    task_of,
)

pytestmark = pytest.mark.django_db

province = test_engine.province  # the fixture


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
