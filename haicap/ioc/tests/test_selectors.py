"""Reads of the operations centre (the contract of haicap.ioc.selectors): scope and period
parsing, the overview, breakdowns, pareto, drill-down, alerts and the open-data statistics."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db.models import Q, Sum
from django.utils import timezone

from haicap.catalog.models import Procedure
from haicap.core import reference
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers.testing import at, build_province, submit
from haicap.ioc import selectors, services
from haicap.ioc.models import DailyFact, DossierFact
from haicap.ioc.selectors import Cut, Period, Scope
from haicap.ioc.tests.facts_scenario import play
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
PROVINCE = Scope("48")


@pytest.fixture
def province() -> dict:
    return build_province()


@pytest.fixture
def week(province, monkeypatch) -> dict:
    dossiers = play(monkeypatch, province)
    services.refresh()
    return dossiers


# -- period and scope ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2026-11-01..2026-11-26", date(2026, 11, 1), date(2026, 11, 26)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_a_period_is_a_month_a_quarter_a_year_or_a_range(text, start, end):
    assert Period.parse(text) == Period(start, end)


@pytest.mark.parametrize("text", ["2026-13", "26-11", "2026-Q5", "2026-11-30..2026-11-01",
                                  "last month", "2026-02-30..2026-03-01"])
def test_a_bad_period_is_invalid_input_with_a_stable_code(text):
    with pytest.raises(InvalidInput) as refused:
        Period.parse(text)
    assert refused.value.code == "invalid_period"


def test_no_period_is_the_current_month(monkeypatch):
    at(monkeypatch, 2025, 3, 17, 9, 0)
    assert Period.parse(None) == MARCH


def test_the_previous_period_has_the_same_length_just_before():
    assert MARCH.previous() == Period(date(2025, 1, 29), date(2025, 2, 28))
    assert Period.parse("2025-03-10..2025-03-16").previous() == Period.parse(
        "2025-03-03..2025-03-09")


def test_the_operations_centre_sees_the_province_and_a_leader_their_office(province):
    viewer = factories.officer(province["centre"], Role.OPS_VIEWER)
    assert selectors.scope_for(viewer) == Scope("48")
    assert selectors.scope_for(province["leader"]) == Scope("48", province["hai_chau"].pk)
    with pytest.raises(PermissionDenied):
        selectors.scope_for(factories.resident(Commune.objects.filter(province_id="48")[0]))


def test_a_unit_outside_ones_scope_is_refused_and_an_unknown_one_invalid(province):
    leader = province["leader"]
    with pytest.raises(PermissionDenied):
        selectors.scope_from(leader, province["hoi_an"].code)
    with pytest.raises(PermissionDenied):
        selectors.scope_from(leader, "01")  # another province
    with pytest.raises(InvalidInput) as refused:
        selectors.scope_from(leader, "NO-SUCH")
    assert refused.value.code == "invalid_unit"
    assert selectors.scope_from(leader, province["hai_chau"].code).office_id == \
        province["hai_chau"].pk


# -- figures -------------------------------------------------------------------------------------

def test_the_overview_counts_received_finished_on_time_and_online(week):
    found = selectors.overview(PROVINCE, MARCH)
    assert (found.received, found.finished, found.finished_on_time, found.finished_late) == \
        (7, 4, 2, 2)
    assert (found.on_time_rate, found.late_rate) == (50.0, 50.0)
    assert (found.online, found.online_rate) == (3, 42.86)
    assert found.in_process == 1  # the online dossier waiting for reception


def test_a_period_without_data_gives_zeros_and_no_rates(week):
    found = selectors.overview(PROVINCE, Period.parse("2024-05"))
    assert (found.received, found.finished, found.on_time_rate, found.online_rate) == \
        (0, 0, None, None)
    assert all(point.received == 0 for point in found.trend)


def test_the_backlog_buckets_open_dossiers_by_age_and_counts_the_overdue(province,
                                                                         monkeypatch):
    at(monkeypatch, 2025, 3, 3, 9, 0)  # due Thursday 6 March 17:00
    submit(desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, 17, 9, 0)
    submit(desk=province["hai_chau"])
    services.refresh()

    found = selectors.overview(PROVINCE, MARCH)

    assert [bucket.count for bucket in found.backlog] == [1, 0, 1, 0, 0]  # 0 and 14 days
    assert (found.in_process, found.overdue_open) == (2, 1)


def test_the_trend_is_daily_and_monthly_over_long_periods(week):
    daily = selectors.overview(PROVINCE, MARCH).trend
    assert len(daily) == 31 and daily[9].day == date(2025, 3, 10) and daily[9].received == 7
    monthly = selectors.overview(PROVINCE, Period.parse("2025")).trend
    assert len(monthly) == 12 and monthly[2].day == date(2025, 3, 1)
    assert (monthly[2].received, monthly[2].finished, monthly[2].on_time) == (7, 4, 2)


def test_breakdown_by_channel_and_an_unknown_dimension(week):
    rows = {row.key: row for row in selectors.breakdown(PROVINCE, MARCH, "channel")}
    assert (rows["in_person"].received, rows["in_person"].late) == (4, 2)
    assert (rows["online"].received, rows["online"].in_process) == (3, 1)
    with pytest.raises(InvalidInput) as refused:
        selectors.breakdown(PROVINCE, MARCH, "weather")
    assert refused.value.code == "invalid_dimension"


def test_pareto_lists_procedures_by_volume_with_running_shares(week):
    (row,) = selectors.pareto(PROVINCE, MARCH)
    assert (row.code, row.received, row.share, row.cumulative_share) == ("1.004873", 7, 1.0, 1.0)


def test_the_drill_down_lists_the_dossiers_behind_a_figure(week):
    late = set(selectors.dossiers(PROVINCE, MARCH, late=True))
    assert late == {week["late"], week["apologised"]}
    assert set(selectors.dossiers(PROVINCE, MARCH, status="withdrawn")) == {week["withdrawn"]}
    with pytest.raises(InvalidInput):
        selectors.dossiers(PROVINCE, MARCH, status="lost")


def test_alerts_list_open_dossiers_due_within_the_horizon_soonest_first(province,
                                                                        monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # due Thursday 13 March 17:00
    first = submit(desk=province["hai_chau"])
    at(monkeypatch, 2025, 3, 11, 9, 0)  # due Friday 14 March 17:00
    second = submit(desk=province["hai_chau"])

    at(monkeypatch, 2025, 3, 13, 9, 0)
    assert list(selectors.alerts(PROVINCE, within_hours=24)) == [first]
    assert list(selectors.alerts(PROVINCE, within_hours=72)) == [first, second]
    assert list(selectors.alerts(Scope("48", province["hoi_an"].pk))) == []


def test_monthly_statistics_count_by_commune_and_procedure(week):
    (row,) = selectors.monthly_statistics("48")
    assert (row.month, row.commune_name, row.procedure_code) == ("2025-03", "Phường Hải Châu",
                                                                 "1.004873")
    assert (row.received, row.finished, row.on_time, row.late, row.online) == (7, 4, 2, 2, 3)


def test_the_overview_takes_two_queries_and_the_full_online_procedures_once_a_minute(
        week, django_assert_num_queries):
    """The period's facts (whole months and edge days in one UNION ALL) and the open dossiers;
    the full-online procedures are a kept read, asked again only when forgotten."""
    reference.forget_all()
    with django_assert_num_queries(3):
        selectors.overview(PROVINCE, MARCH)
    with django_assert_num_queries(2):
        selectors.overview(PROVINCE, MARCH)
    with django_assert_num_queries(2):
        selectors.overview(PROVINCE, Period.parse("2025"))
    with django_assert_num_queries(2):
        selectors.overview(PROVINCE, Period.parse("2025-03-17..2025-11-04"))


# -- whole months from MonthlyFact ---------------------------------------------------------------

def test_a_period_is_cut_into_whole_months_and_the_days_at_its_edges():
    assert selectors.cut(Period.parse("2025-03-17..2025-11-04")) == Cut(
        Period(date(2025, 4, 1), date(2025, 10, 1)),
        (Period(date(2025, 3, 17), date(2025, 3, 31)), Period(date(2025, 11, 1),
                                                             date(2025, 11, 4))))
    assert selectors.cut(Period.parse("2025")) == Cut(
        Period(date(2025, 1, 1), date(2025, 12, 1)), ())
    assert selectors.cut(Period.parse("2024-02-01..2024-03-15")) == Cut(
        Period(date(2024, 2, 1), date(2024, 2, 1)), (Period(date(2024, 3, 1),
                                                            date(2024, 3, 15)),))
    assert selectors.cut(Period.parse("2025-03-02..2025-03-31")) == Cut(
        None, (Period(date(2025, 3, 2), date(2025, 3, 31)),))


@pytest.fixture
def year(province) -> list[Procedure]:
    """Dossier facts over 2025 and into 2026 (two offices, two procedures, one of them
    full-online, every channel), with DailyFact and MonthlyFact built by the services."""
    procedures = list(Procedure.objects.order_by("code")[:2])
    Procedure.objects.filter(pk=procedures[0].pk).update(full_online=True)
    reference.forget_all()
    offices = [province["hai_chau"], province["hoi_an"]]
    channels = ["online", "in_person", "api", "kiosk", "post", "linked"]
    facts = []
    for n in range(200):
        submitted = date(2025, 1, 1) + timedelta(days=(n * 37) % 420)
        finished = submitted + timedelta(days=n % 23) if n % 5 else None
        facts.append(DossierFact(
            dossier_id=10_000 + n, province_id="48", office_id=offices[n % 2].pk,
            receiving_office_id=offices[n % 2].pk, procedure_id=procedures[n % 3 // 2].pk,
            channel=channels[n % 6], status="finished" if finished else "received",
            national_status=9 if finished else 2,
            submitted_at=timezone.make_aware(datetime.combine(submitted, time(9))),
            submitted_day=submitted, received_day=submitted, finished_day=finished,
            late=bool(n % 3 == 0) if finished else None,
            on_time=bool(n % 3) if finished else None, last_event_id=n))
    DossierFact.objects.bulk_create(facts)
    services.rebuild_daily()
    return procedures


def daily_only(period: Period, full_online: int) -> dict:
    """The overview's period figures summed from DailyFact alone, with the monthly trend."""
    rows = DailyFact.objects.filter(province_id="48", day__gte=period.start,
                                    day__lte=period.end)
    online = Q(channel__in=selectors.ONLINE_CHANNELS)
    totals = rows.aggregate(
        received=Sum("submitted", default=0), finished=Sum("finished", default=0),
        on_time=Sum("on_time", default=0), late=Sum("late", default=0),
        online=Sum("submitted", filter=online, default=0),
        full_online=Sum("submitted", filter=online & Q(procedure_id=full_online), default=0))
    trend: dict = {}
    for row in rows.values("day", "submitted", "finished", "on_time"):
        point = trend.setdefault(row["day"].replace(day=1), [0, 0, 0])
        for index, name in enumerate(("submitted", "finished", "on_time")):
            point[index] += row[name]
    return {**totals, "trend": trend}


@pytest.mark.parametrize("text", ["2025", "2025-03-17..2025-11-04", "2025-01-01..2025-06-15",
                                  "2024-12-20..2026-01-31"])
def test_an_overview_of_whole_months_and_edge_days_equals_the_daily_sums(year, text):
    period = Period.parse(text)
    found = selectors.overview(PROVINCE, period)
    expected = daily_only(period, year[0].pk)

    assert expected["received"] > 0 and expected["finished"] > 0
    assert (found.received, found.finished, found.finished_on_time, found.finished_late,
            found.online) == (expected["received"], expected["finished"], expected["on_time"],
                              expected["late"], expected["online"])
    assert found.full_online_rate == selectors.percent(expected["full_online"],
                                                       expected["received"])
    assert {point.day: [point.received, point.finished, point.on_time]
            for point in found.trend if any((point.received, point.finished))} == \
        {day: counts for day, counts in expected["trend"].items() if any(counts[:2])}


@pytest.mark.parametrize("by", ["office", "procedure", "channel"])
def test_a_breakdown_over_months_and_edge_days_equals_the_daily_sums(year, by):
    period = Period.parse("2025-03-17..2025-11-04")
    column = selectors.DIMENSIONS[by]
    expected = {row[column]: (row["received"], row["finished"], row["on_time"], row["late"])
                for row in DailyFact.objects.filter(day__gte=period.start, day__lte=period.end)
                .order_by().values(column).annotate(
                    received=Sum("submitted"), finished=Sum("finished"),
                    on_time=Sum("on_time"), late=Sum("late"))}
    labels = selectors._labels(by, set(expected))

    found = {row.key: (row.received, row.finished, row.on_time, row.late)
             for row in selectors.breakdown(PROVINCE, period, by)}

    assert found == {labels[value][0]: counts for value, counts in expected.items()}


def test_pareto_over_months_and_edge_days_equals_the_daily_sums(year):
    period = Period.parse("2025-03-17..2025-11-04")
    expected = dict(DailyFact.objects.filter(day__gte=period.start, day__lte=period.end)
                    .order_by().values("procedure_id").annotate(received=Sum("submitted"))
                    .values_list("procedure_id", "received"))
    codes = {procedure.pk: procedure.code for procedure in year}

    found = {row.code: row.received for row in selectors.pareto(PROVINCE, period)}

    assert found == {codes[pk]: received for pk, received in expected.items() if received}
