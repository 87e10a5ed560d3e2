"""KPI facts from the event log (issue 6 point 1): the fold's rules, incremental refresh equal to
a rebuild, the watermark and its holes."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haicap.dossiers import engine
from haicap.dossiers.models import DossierEvent, Status
from haicap.dossiers.testing import act, at, build_province, local, submit
from haicap.dossiers.tests.test_timers import run_worker
from haicap.ioc import demo, facts, services, tasks
from haicap.ioc.models import DAILY_MEASURES, DailyFact, DossierFact, MonthlyFact, Watermark
from haicap.ioc.tests.facts_scenario import play

pytestmark = pytest.mark.django_db


@pytest.fixture
def province() -> dict:
    return build_province()


def snapshot() -> tuple[list, list, list]:
    dossier_rows = list(DossierFact.objects.order_by("dossier_id").values())
    daily_rows = [{name: value for name, value in row.items() if name != "id"}
                  for row in DailyFact.objects.order_by("office_id", "procedure_id", "channel",
                                                         "day").values()]
    monthly_rows = [{name: value for name, value in row.items() if name != "id"}
                    for row in MonthlyFact.objects.order_by("office_id", "procedure_id",
                                                            "channel", "month").values()]
    return dossier_rows, daily_rows, monthly_rows


def by_dossier(dossiers: dict) -> dict:
    return {name: DossierFact.objects.get(dossier=dossier) for name, dossier in dossiers.items()}


def test_rebuild_gives_the_numbers_the_incremental_refresh_gave(province, monkeypatch):
    dossiers = play(monkeypatch, province, between=services.refresh)
    incremental = snapshot()

    services.rebuild()

    assert snapshot() == incremental
    assert len(incremental[0]) == len(dossiers)
    assert sum(row["submitted"] for row in incremental[1]) == len(dossiers)
    assert sum(row["submitted"] for row in incremental[2]) == len(dossiers)


def fact_indexes() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, DossierFact._meta.db_table)
    return {name for name, info in found.items() if info["index"] and not info["primary_key"]}


def test_rebuild_folds_without_the_fact_indexes_and_builds_them_again(province, monkeypatch):
    """PostgreSQL: the fold inserts into a table without its secondary indexes (built once at
    the end); every index is there again afterwards, and the numbers are the same."""
    play(monkeypatch, province, between=services.refresh)
    incremental, before = snapshot(), fact_indexes()
    seen_during_fold = []
    fold_all = services._fold_all
    monkeypatch.setattr(services, "_fold_all",
                        lambda chunk: seen_during_fold.append(fact_indexes()) or fold_all(chunk))

    services.rebuild()

    assert fact_indexes() == before and "ioc_fact_office_submitted" in before
    assert seen_during_fold == [set() if connection.vendor == "postgresql" else before]
    assert snapshot() == incremental


def test_monthly_facts_are_the_daily_facts_summed_per_month_after_each_refresh(province,
                                                                              monkeypatch):
    """Reception in March, result in April: both months' rows follow each refresh."""
    at(monkeypatch, 2025, 3, 31, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    services.refresh()
    assert monthly_sums() == daily_sums_by_month()

    at(monkeypatch, 2025, 4, 1, 9, 0)
    act(engine.forward, province["specialist"], dossier)
    act(engine.approve, province["leader"], dossier)
    services.refresh()

    assert monthly_sums() == daily_sums_by_month()
    assert {(row["month"], row["submitted"], row["finished"]) for row in monthly_sums()} == {
        (date(2025, 3, 1), 1, 0), (date(2025, 4, 1), 0, 1)}


def monthly_sums() -> list[dict]:
    return [{name: value for name, value in row.items() if name not in ("id", "province_id")}
            for row in MonthlyFact.objects.order_by("month", "office_id", "procedure_id",
                                                    "channel").values()]


def daily_sums_by_month() -> list[dict]:
    found: dict = {}
    for row in DailyFact.objects.order_by("day").values():
        key = (row["day"].replace(day=1), row["office_id"], row["procedure_id"], row["channel"])
        total = found.setdefault(key, dict.fromkeys(DAILY_MEASURES, 0))
        for name in DAILY_MEASURES:
            total[name] += row[name]
    return [{"month": month, "office_id": office, "procedure_id": procedure,
             "channel": channel, **total}
            for (month, office, procedure, channel), total in sorted(found.items())]


def test_the_fold_counts_each_dossier_of_the_week_by_the_law(province, monkeypatch):
    dossiers = play(monkeypatch, province)
    services.refresh()
    found = by_dossier(dossiers)

    assert (found["on_time"].on_time, found["on_time"].late) == (True, False)
    assert found["on_time"].status == Status.RETURNED and found["on_time"].national_status == 10
    assert found["on_time"].finished_day == date(2025, 3, 12)
    assert found["on_time"].returned_day == date(2025, 3, 13)
    assert (found["late"].on_time, found["late"].late) == (False, True)
    assert (found["supplemented"].on_time, found["supplemented"].supplements) == (True, 1)
    assert found["supplemented"].original_due_at > local(2025, 3, 13, 17, 0)
    assert (found["apologised"].late, found["apologised"].extensions) == (True, 1)
    assert found["apologised"].due_at == local(2025, 3, 20, 17, 0)
    assert found["apologised"].original_due_at == local(2025, 3, 13, 17, 0)
    assert found["refused"].status == Status.REFUSED and found["refused"].late is None
    assert found["refused"].closed_day == date(2025, 3, 10)
    assert found["withdrawn"].status == Status.WITHDRAWN
    assert found["withdrawn"].received_day == date(2025, 3, 10)
    assert found["waiting"].status == Status.NEW and found["waiting"].channel == "online"
    assert (found["on_time"].ratings, found["on_time"].rating_sum) == (1, 5)
    assert found["on_time"].paid_online
    assert (found["late"].complaints, found["late"].ratings) == (1, 1)


def test_daily_facts_count_each_measure_on_its_own_day(province, monkeypatch):
    play(monkeypatch, province)
    services.refresh()

    def total(measure, day):
        return sum(DailyFact.objects.filter(day=day).values_list(measure, flat=True))

    assert total("submitted", date(2025, 3, 10)) == 7
    assert total("received", date(2025, 3, 10)) == 5  # 4 at the desk, 1 online received
    assert total("refused", date(2025, 3, 10)) == 1
    assert total("withdrawn", date(2025, 3, 11)) == 1
    assert (total("finished", date(2025, 3, 12)), total("on_time", date(2025, 3, 12))) == (1, 1)
    assert (total("finished", date(2025, 3, 14)), total("late", date(2025, 3, 14))) == (2, 2)
    assert total("on_time", date(2025, 3, 17)) == 1
    assert total("complaints", date(2025, 3, 10)) == 1  # on the dossier's filing day


def test_an_apology_counts_late_even_when_the_result_beats_the_original_date():
    """The apology slip is issued because the date will be missed: recorded and counted late."""
    received = local(2025, 3, 10, 9, 0)
    fact = facts.fold(_dims(received), [
        _event(1, received, "submit", Status.NEW, note="in_person"),
        _event(2, received, "receive", Status.RECEIVED,
               due_at=local(2025, 3, 13, 17, 0).isoformat()),
        _event(3, local(2025, 3, 11, 9, 0), "extend", Status.RECEIVED,
               due_at=local(2025, 3, 20, 17, 0).isoformat()),
        _event(4, local(2025, 3, 12, 9, 0), "approve", Status.FINISHED),
    ])
    assert (fact.late, fact.on_time, fact.extensions) == (True, False, 1)


def test_a_second_supplement_request_makes_a_dossier_late():
    received = local(2025, 3, 10, 9, 0)
    due = local(2025, 3, 13, 17, 0).isoformat()
    fact = facts.fold(_dims(received), [
        _event(1, received, "submit", Status.NEW, note="in_person"),
        _event(2, received, "receive", Status.RECEIVED, due_at=due),
        _event(3, received, "request_supplement", Status.WAITING_SUPPLEMENT),
        _event(4, received, "receive_supplement", Status.IN_PROCESS, due_at=due),
        _event(5, received, "request_supplement", Status.WAITING_SUPPLEMENT),
        _event(6, received, "receive_supplement", Status.IN_PROCESS, due_at=due),
        _event(7, local(2025, 3, 11, 9, 0), "approve", Status.FINISHED),
    ])
    assert (fact.supplements, fact.late) == (2, True)


def test_finished_on_the_appointment_is_on_time_and_a_second_later_is_late():
    received, due = local(2025, 3, 10, 9, 0), local(2025, 3, 13, 17, 0)
    for finished, late in ((due, False), (due + timedelta(seconds=1), True)):
        fact = facts.fold(_dims(received), [
            _event(1, received, "receive", Status.RECEIVED, due_at=due.isoformat()),
            _event(2, finished, "forward", Status.FINISHED),
            _event(3, finished + timedelta(days=1), "return_result", Status.RETURNED),
        ])
        assert (fact.late, fact.finished_at) == (late, finished)


def test_an_unfinished_dossier_is_neither_on_time_nor_late():
    received = local(2025, 3, 10, 9, 0)
    fact = facts.fold(_dims(received), [
        _event(1, received, "receive", Status.RECEIVED,
               due_at=local(2025, 3, 13, 17, 0).isoformat())])
    assert (fact.late, fact.on_time, fact.finished_day) == (None, None, None)


def _dims(submitted):
    return facts.DossierDims(dossier_id=1, province_id="48", office_id=1, receiving_office_id=1,
                             procedure_id=1, channel="in_person", submitted_at=submitted,
                             documents=2, hashed_documents=2)


def _event(event_id, at, action, to_status, note="", **data):
    return facts.Event(id=event_id, at=at, action=action, to_status=to_status, note=note,
                       data=data)


# -- the watermark -------------------------------------------------------------------------------

def test_a_hole_in_the_event_ids_holds_the_watermark_until_its_event_commits():
    """On PostgreSQL a transaction holding a lower id may commit after a higher one: a
    refresh must not step over the hole while it is recent."""
    now = timezone.now()
    limit = now - timedelta(seconds=30)
    assert services.next_watermark(10, [(11, now), (13, now)], limit) == 11
    assert services.next_watermark(11, [(12, now), (13, now)], limit) == 13


def test_an_old_hole_is_a_rolled_back_id_and_is_passed_over():
    now = timezone.now()
    old = now - timedelta(minutes=5)
    assert services.next_watermark(10, [(12, old), (14, now)], now - timedelta(seconds=30)) == 12


def test_an_event_committed_late_with_a_lower_id_is_folded(province, monkeypatch):
    """The hole is simulated: the lower id is written after a refresh saw the higher one."""
    dossier = submit(desk=province["hai_chau"])
    first = DossierEvent.objects.filter(dossier=dossier).order_by("id")[0].id
    # Everything before this dossier is folded (PostgreSQL's ids do not restart per test).
    Watermark.objects.create(name=services.WATERMARK, event_id=first - 1)
    services.refresh()
    top = DossierEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    latest = DossierEvent.objects.get(pk=top)
    _copy(latest, top + 2, "complain")  # the later transaction commits first
    services.refresh()
    assert Watermark.objects.get().event_id == top  # held before the hole
    fact = DossierFact.objects.get(dossier=dossier)
    assert (fact.complaints, fact.signed) == (1, False)  # what is there is folded meanwhile

    _copy(latest, top + 1, "sign")  # the earlier one commits now
    services.refresh()

    assert Watermark.objects.get().event_id == top + 2
    assert DossierFact.objects.get(dossier=dossier).signed


def test_a_held_hole_does_not_stop_a_refresh_reading_on(province, monkeypatch):
    """More events than one pass reads wait behind a recent hole: the passes read on from
    where the last one stopped (not from the held watermark again), and the refresh ends."""
    dossier = submit(desk=province["hai_chau"])
    first = DossierEvent.objects.filter(dossier=dossier).order_by("id")[0].id
    Watermark.objects.create(name=services.WATERMARK, event_id=first - 1)
    services.refresh()
    top = DossierEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    latest = DossierEvent.objects.get(pk=top)
    for event_id in range(top + 2, top + 7):  # top + 1 is still open
        _copy(latest, event_id, "complain")

    report = services.refresh(batch=2)

    assert report.events == 5 and report.watermark == top
    assert DossierFact.objects.get(dossier=dossier).complaints == 5


def _copy(event: DossierEvent, event_id: int, action: str) -> None:
    # bulk_create: the model's save() refuses a row with its id already set (append-only).
    DossierEvent.objects.bulk_create([DossierEvent(
        id=event_id, dossier_id=event.dossier_id, at=timezone.now(), action=action,
        actor="test", to_status=event.to_status)])


def test_the_rebuild_command_prints_its_counts(province, monkeypatch, capsys):
    play(monkeypatch, province)
    call_command("ioc", "rebuild")
    out = capsys.readouterr().out
    assert "KPI facts rebuilt: 7 dossiers" in out
    call_command("ioc", "refresh")
    assert DossierFact.objects.count() == 7


# -- the refresh job -------------------------------------------------------------------------------

def refresh_jobs(status="READY") -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="haicap.ioc.tasks.refresh_facts",
                                            status=status))


def test_schedule_starts_one_chain_of_refresh_jobs_every_poll_interval(monkeypatch, settings):
    settings.HAICAP_IOC_POLL_SECONDS = 5
    now = at(monkeypatch, 2025, 3, 10, 9, 0)

    assert tasks.schedule() is True
    assert tasks.schedule() is False  # one is already waiting
    [job] = refresh_jobs()
    assert job.run_after == now + timedelta(seconds=5)


def test_the_refresh_job_folds_new_events_and_runs_again_later(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    tasks.schedule()
    at(monkeypatch, 2025, 3, 10, 9, 1)

    run_worker(monkeypatch)

    assert DossierFact.objects.get(dossier=dossier).received_day == date(2025, 3, 10)
    [done] = refresh_jobs("SUCCESSFUL")
    assert done.return_value["dossiers"] == 1
    assert len(refresh_jobs()) == 1


def test_a_failed_refresh_still_schedules_the_next_one(monkeypatch):
    def broken(**_options):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "refresh", broken)

    with pytest.raises(RuntimeError):
        tasks.refresh_facts.call()
    assert len(refresh_jobs()) == 1


def test_the_demo_step_rebuilds_the_facts_and_says_how_many(province, monkeypatch):
    play(monkeypatch, province)
    assert demo.load(None) == f"KPI facts: 7 dossiers, {DailyFact.objects.count()} daily rows"
    assert DossierFact.objects.count() == 7
