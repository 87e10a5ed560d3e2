"""Delivery runs as a django-tasks job (database backend) that re-enqueues itself, and as a
command for cron; two dispatchers never turn one outbox message into notifications twice."""

import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haicap.dossiers import testing
from haicap.dossiers.models import OutboxMessage
from haicap.dossiers.testing import at
from haicap.dossiers.tests.test_timers import run_worker
from haicap.notifications import services, tasks
from haicap.notifications.models import DeliveryStatus, Notification, NotificationKind
from haicap.notifications.tests.test_dispatch import quick_gateways, submit  # noqa: F401

pytestmark = pytest.mark.django_db

province = testing.province  # the fixture


def delivery_jobs(status="READY") -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="haicap.notifications.tasks.deliver",
                                            status=status))


def test_schedule_starts_one_chain_of_delivery_jobs(monkeypatch, settings):
    settings.HAICAP_NOTIFY_POLL_SECONDS = 15
    now = at(monkeypatch, 2025, 3, 10, 9, 0)

    assert tasks.schedule() is True
    assert tasks.schedule() is False  # one is already waiting
    [job] = delivery_jobs()
    assert job.run_after == now + timezone.timedelta(seconds=15)


def test_the_delivery_job_drains_the_outbox_sends_and_runs_again_later(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit()
    tasks.schedule()
    later = at(monkeypatch, 2025, 3, 10, 9, 1)

    run_worker(monkeypatch)

    assert set(Notification.objects.filter(dossier_code=dossier.code)
               .values_list("kind", "status")) == {(NotificationKind.SUBMITTED,
                                                    DeliveryStatus.SENT)}
    [done] = delivery_jobs("SUCCESSFUL")
    assert done.return_value == {"messages": 1, "notifications": 2, "webhooks": 0,
                                 "sent": {"sent": 2}, "called": {}}
    [waiting] = delivery_jobs()
    assert waiting.run_after > later


def test_the_dispatch_command_does_one_pass_for_cron(province):
    submit(phone="0905123456", email="")
    out = StringIO()

    call_command("notifications", "dispatch", "--once", stdout=out)
    call_command("notifications", "dispatch", "--once", stdout=out)

    assert out.getvalue().splitlines() == [
        "outbox: 1 messages, 1 notifications, 0 webhook events; sending: 1 sent; webhooks: 0",
        "outbox: 0 messages, 0 notifications, 0 webhook events; sending: 0; webhooks: 0"]


# -- two dispatchers at once (PostgreSQL) ------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="SQLite runs one write transaction at a time")


def in_own_connection(work):
    """Run `work` in a thread, hence on a connection of its own, committing as it goes (the
    test's own connection stays inside its transaction and sees none of it)."""
    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def committed_messages(count: int) -> list[uuid.UUID]:
    def create():
        now = timezone.now()
        return [OutboxMessage.objects.create(source="/haicap/test", type="vn.haicap.test.ping",
                                             subject=f"T-{n}", time=now).pk
                for n in range(count)]
    thread, result = in_own_connection(create)
    thread.join()
    return result["value"]


def delete_committed(ids) -> None:
    thread, _ = in_own_connection(lambda: OutboxMessage.objects.filter(pk__in=ids).delete())
    thread.join()


@postgres_only
def test_a_dispatcher_skips_the_messages_another_holds():
    ids = committed_messages(6)
    holding, released = threading.Event(), threading.Event()

    def hold_the_first_two():
        with transaction.atomic():
            held = list(OutboxMessage.objects.filter(pk__in=ids).order_by("time", "id")
                        .select_for_update()[:2])
            holding.set()
            released.wait(10)
        return len(held)

    try:
        holder, _ = in_own_connection(hold_the_first_two)
        assert holding.wait(10)
        other, result = in_own_connection(lambda: services.dispatch_outbox(limit=10))
        other.join(10)
        assert not other.is_alive(), "the dispatcher waited for the held rows"
        assert result["value"].messages == 4
        released.set()
        holder.join()
    finally:
        released.set()
        delete_committed(ids)


@postgres_only
def test_two_dispatchers_at_once_publish_each_message_once():
    ids = committed_messages(40)
    barrier = threading.Barrier(2)

    def dispatch():
        barrier.wait(10)
        return services.dispatch_outbox(limit=40).messages

    try:
        runs = [in_own_connection(dispatch) for _ in range(2)]
        for thread, _ in runs:
            thread.join(30)
        assert sum(result["value"] for _, result in runs) == 40
    finally:
        delete_committed(ids)


def test_a_failed_pass_still_schedules_the_next_one(monkeypatch):
    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "deliver_once", broken)

    with pytest.raises(RuntimeError):
        tasks.deliver.call()
    assert len(delivery_jobs()) == 1
