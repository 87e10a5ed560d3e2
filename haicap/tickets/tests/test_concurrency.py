"""Concurrency on real connections: kiosks taking numbers at the same instant never get the
same number nor leave a gap, even for the first ticket of the day (when the day's sequence row
does not exist yet); two counters calling at the same instant never call the same visitor.

Each side runs in its own thread, connection and transaction; a barrier holds every side inside
its transaction until all are there, then lets them race. The set-up must be committed for the
other connections to see it, so these tests run outside the per-test transaction (the
`transactional_db` of haicap/dossiers/tests/conftest.py, which deletes what they added).

PostgreSQL only: SQLite takes its write lock at BEGIN IMMEDIATE, so two writing transactions are
never open at once there and the sequential rules are what test_services pins.
"""

import threading

import pytest
from django.db import connection, connections

from haicap.tickets import clock, services
from haicap.tickets.models import DailySequence, Ticket, TicketStatus
from haicap.tickets.tests.conftest import build_centres, local

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite never holds two writing transactions open at once (BEGIN IMMEDIATE)")
RACE_TIMEOUT = 20  # seconds; a barrier never reached fails the test instead of hanging
KIOSKS = 6


def race(monkeypatch, name: str, sides: list) -> list:
    """Run each side in its own thread and connection; `services.<name>`, called inside the
    transaction, waits until every side has reached it. Returns each side's result or error."""
    barrier = threading.Barrier(len(sides), timeout=RACE_TIMEOUT)
    original = getattr(services, name)
    inside = []

    def together(*args, **kwargs):
        inside.append(connection.in_atomic_block)
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, together)
    outcomes = [None] * len(sides)

    def run(index, side):
        try:
            outcomes[index] = side()
        except Exception as error:  # reported in the outcomes, asserted by the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, side))
               for index, side in enumerate(sides)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT * 2)
    assert inside == [True] * len(sides), "each side waited inside its transaction"
    return outcomes


def at_eight(action):
    def side():
        with clock.at(local(2026, 11, 26, 8, 0)):
            return action()
    return side


def test_kiosks_taking_the_first_numbers_at_once_get_distinct_gap_free_numbers(
        transactional_db, monkeypatch):
    group = build_centres()["groups"]["A"]
    take = at_eight(lambda: services.take_ticket(group=group))

    outcomes = race(monkeypatch, "_next_number", [take] * KIOSKS)

    assert sorted(ticket.number for ticket in outcomes) == list(range(1, KIOSKS + 1)), outcomes
    assert DailySequence.objects.get(office=group.office).last_number == KIOSKS
    assert Ticket.objects.filter(group=group).count() == KIOSKS


def test_two_counters_calling_at_once_call_two_different_visitors(transactional_db,
                                                                   monkeypatch):
    people = build_centres()
    groups = people["groups"]
    counter_one, counter_two = people["counters"][1], people["counters"][2]
    counter_two.groups.add(groups["A"])  # both counters now serve A
    with clock.at(local(2026, 11, 26, 7, 50)):
        first = services.take_ticket(group=groups["A"])
    with clock.at(local(2026, 11, 26, 7, 51)):
        second = services.take_ticket(group=groups["A"])

    outcomes = race(monkeypatch, "_check_desk", [
        at_eight(lambda: services.call_next(officer=people["desk"], counter=counter_one)),
        at_eight(lambda: services.call_next(officer=people["other_desk"], counter=counter_two)),
    ])

    assert sorted(ticket.pk for ticket in outcomes) == [first.pk, second.pk], outcomes
    called = Ticket.objects.filter(status=TicketStatus.CALLED)
    assert sorted(called.values_list("counter__number", flat=True)) == [1, 2]
