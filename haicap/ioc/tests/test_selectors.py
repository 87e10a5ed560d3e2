"""Reads of the operations centre (the contract of haicap.ioc.selectors): scope and period
parsing, the overview, breakdowns, pareto, drill-down, alerts and the open-data statistics."""

from datetime import date

import pytest

from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers.testing import at, build_province, submit
from haicap.ioc import selectors, services
from haicap.ioc.selectors import Period, Scope
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


def test_the_overview_takes_three_queries_whatever_the_data(week, django_assert_num_queries):
    """The full-online procedures, the period's daily facts by day, the open dossiers."""
    with django_assert_num_queries(3):
        selectors.overview(PROVINCE, MARCH)
    with django_assert_num_queries(3):
        selectors.overview(PROVINCE, Period.parse("2025"))
