"""Concurrency on real connections (issue 5 points 2 and 9): two officers acting on the same
dossier at the same instant (two specialists forwarding, two desks receiving) → exactly one
wins, the other gets a conflict, no lost update; two submissions with the same Idempotency-Key
at the same instant → one dossier.

Each side runs in its own thread with its own database connection and its own transaction;
a barrier holds both inside their transaction until both are there, then lets them race for
the row. The data they work on must be committed for the other connection to see it, so these
tests run outside the per-test transaction (`transactional_db` of this folder's conftest,
which deletes what they added).

PostgreSQL only: SQLite takes its write lock at BEGIN IMMEDIATE (settings.py), so two writing
transactions are never open at once there — the second waits before it starts, and the
sequential conflict is what `test_engine` already pins.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.core.tokens import ensure_partner, issue_token
from haicap.dossiers import engine, services
from haicap.dossiers.models import Dossier, DossierEvent, OutboxMessage, Task
from haicap.dossiers.testing import applicant, build_province, example, fresh, submit, task_of

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite never holds two writing transactions open at once (BEGIN IMMEDIATE): the "
           "race needs PostgreSQL")
RACE_TIMEOUT = 20  # seconds; a barrier that is never reached fails the test instead of hanging


def race(monkeypatch, module, name: str, *sides) -> list:
    """Run each side in its own thread and connection; `module.name`, called inside the
    transaction, waits until every side has reached it. Returns each side's result or
    exception, and whether it was inside a transaction at the barrier."""
    barrier = threading.Barrier(len(sides), timeout=RACE_TIMEOUT)
    original = getattr(module, name)
    inside = {}

    def together(*args, **kwargs):
        inside[threading.get_ident()] = connection.in_atomic_block
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, together)
    outcomes = [None] * len(sides)

    def run(index, side):
        try:
            outcomes[index] = side()
        except Exception as error:  # the loser's conflict is the point of the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, side))
               for index, side in enumerate(sides)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT * 2)
    assert list(inside.values()) == [True] * len(sides), "each side waited in its transaction"
    return outcomes


def test_two_officers_forwarding_at_the_same_instant_one_wins_one_conflict(transactional_db,
                                                                            monkeypatch):
    people = build_province()
    dossier = fresh(submit(desk=people["hai_chau"]))
    task, seen = task_of(dossier), dossier.lock_version

    def forward_as(officer):
        return lambda: engine.forward(officer=officer, task=task, lock_version=seen)

    outcomes = race(monkeypatch, engine, "_lock", forward_as(people["specialist"]),
                    forward_as(people["other_specialist"]))

    conflicts = [o for o in outcomes if isinstance(o, services.Conflict)]
    assert len(conflicts) == 1, outcomes
    assert conflicts[0].code == "dossier_changed" and conflicts[0].status == 409
    assert [o.step_key for o in outcomes if isinstance(o, Task)] == ["approve"]
    assert DossierEvent.objects.filter(dossier=dossier, action="forward").count() == 1
    assert Task.objects.filter(dossier=dossier, step_key="approve").count() == 1
    assert fresh(dossier).lock_version == seen + 1


def test_two_desks_receiving_one_online_dossier_at_once_give_one_appointment(transactional_db,
                                                                           monkeypatch):
    people = build_province()
    other_desk = factories.officer(people["hai_chau"], Role.DESK_OFFICER)
    dossier = fresh(submit(channel="online"))

    def receive_as(officer):
        return lambda: services.receive_dossier(officer=officer, dossier=dossier,
                                                lock_version=dossier.lock_version)

    outcomes = race(monkeypatch, services, "_lock", receive_as(people["desk"]),
                    receive_as(other_desk))

    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Dossier"], outcomes
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1
    assert Task.objects.filter(dossier=dossier).count() == 1


def test_two_submissions_with_the_same_idempotency_key_at_once_make_one_dossier(transactional_db,
                                                                                monkeypatch):
    build_province()
    _row, token = issue_token(ensure_partner(code="hospital", name="Bệnh viện"))
    who = applicant()
    body = {**example("1.001193"), "channel": "api",
            "applicant": {"id_number": who.id_number, "full_name": who.full_name,
                          "phone": who.phone, "address": who.address, "email": ""}}

    def submission():
        response = Client().post("/api/v1/dossiers", body, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {token}",
                                 HTTP_IDEMPOTENCY_KEY="birth-42")
        return response.status_code, response.json().get("code")

    outcomes = race(monkeypatch, services, "_create", submission, submission)

    assert sorted(status for status, _code in outcomes) == [200, 201], outcomes
    assert len({code for _status, code in outcomes}) == 1
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == OutboxMessage.objects.count() == 1
