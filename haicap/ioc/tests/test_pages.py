"""The operations-centre pages (issue 6 points 3 and 7): who sees them, what they show, how
they refuse bad filters. Dossiers are moved through the real dossier services and the facts
rebuilt from the event log, as in production."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from haicap.core import services as core_services
from haicap.core.errors import InvalidInput
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers import engine
from haicap.dossiers.testing import act, applicant, at, build_province, fresh, submit
from haicap.ioc import services as fact_services
from haicap.ioc.selectors import Period
from haicap.tickets import services as tickets_services

pytestmark = pytest.mark.django_db

HOI_AN_ADDRESS = "12 Nguyễn Huệ, Phường Hội An, Thành phố Đà Nẵng"
PERIOD = "2025-03"


def finish_on_time(province, dossier):
    """Appraise, approve and return a Hải Châu marital-status dossier the day it came."""
    act(engine.forward, province["specialist"], dossier)
    act(engine.approve, province["leader"], dossier)
    act(engine.return_result, province["desk"], dossier)
    return fresh(dossier)


def build_dossiers(province, monkeypatch, *, extra_hai_chau: int = 0) -> dict:
    """March 2025: at Hải Châu one dossier finished on time and one filed online and left
    open (past due now); at Hội An one dossier received and left open. Then the facts are
    rebuilt from the log."""
    at(monkeypatch, 2025, 3, 10, 9, 0)  # a Monday
    finished = finish_on_time(province, submit(desk=province["hai_chau"]))
    for _index in range(extra_hai_chau):
        finish_on_time(province, submit(desk=province["hai_chau"]))
    waiting = submit(desk=province["hai_chau"])
    hoi_an = submit(desk=province["hoi_an"], who=applicant(address=HOI_AN_ADDRESS))
    monkeypatch.undo()  # back to today: the open dossiers are long past due
    fact_services.rebuild()
    return {"finished": finished, "waiting": fresh(waiting), "hoi_an": fresh(hoi_an)}


@pytest.fixture
def province() -> dict:
    return build_province()


@pytest.fixture
def ops(province):
    return factories.officer(province["centre"], Role.OPS_VIEWER)


@pytest.fixture
def dossiers(province, monkeypatch):
    return build_dossiers(province, monkeypatch)


def page(client, user, name: str, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# -- who may look ---------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("ioc:overview"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.DESK_OFFICER, Role.SPECIALIST])
def test_only_leaders_the_operations_centre_and_administrators_see_dashboards(client,
                                                                           province, role):
    user = (factories.resident(factories.communes()[0]) if role == Role.CITIZEN
            else factories.officer(province["hai_chau"], role))
    assert page(client, user, "ioc:overview").status_code == 403


def test_a_commune_leader_cannot_open_another_communes_figures(client, province, dossiers):
    other = province["hai_chau"].code
    response = page(client, province["hoi_an_leader"], "ioc:overview", period=PERIOD,
                    unit=other)
    assert response.status_code == 403
    for name in ("ioc:breakdown", "ioc:pareto", "ioc:alerts", "ioc:dossiers"):
        assert page(client, province["hoi_an_leader"], name, period=PERIOD,
                    unit=other).status_code == 403


def test_a_commune_leader_sees_only_their_communes_units_and_dossiers(client, province,
                                                                      dossiers):
    leader = province["hoi_an_leader"]
    units = text_of(page(client, leader, "ioc:breakdown", period=PERIOD, by="office"))
    assert province["hoi_an"].name in units and province["hai_chau"].name not in units
    listed = text_of(page(client, leader, "ioc:dossiers", period=PERIOD))
    assert dossiers["hoi_an"].code in listed
    assert dossiers["finished"].code not in listed and dossiers["waiting"].code not in listed


def test_an_administrator_sees_the_whole_province_and_may_pick_any_unit(client, province,
                                                                       dossiers):
    admin = core_services.create_administrator(username="quantri", full_name="Quản trị",
                                               password=factories.PASSWORD)
    response = page(client, admin, "ioc:overview", period=PERIOD,
                    unit=province["hoi_an"].code)
    assert response.status_code == 200
    assert response.context["figures"].received == 1
    assert {unit["code"] for unit in response.context["units"]} >= {
        "48", province["hai_chau"].code, province["hoi_an"].code}


# -- what the pages show --------------------------------------------------------------------------

def test_overview_shows_the_provinces_figures_charts_and_tables(client, province, ops,
                                                                dossiers):
    response = page(client, ops, "ioc:overview", period=PERIOD)
    assert response.status_code == 200
    body = text_of(response)
    # the packaged chart library, deferred, and each chart's figure next to its table
    assert re.search(r'<script src="[^"]*vendor/plotly\.min\.js" defer>', body)
    assert "cdn" not in body.lower()
    for chart in ("chart-trend", "chart-backlog", "chart-scores"):
        assert f'id="{chart}-data"' in body and f'aria-describedby="{chart}-caption"' in body
    figures = response.context["figures"]
    assert (figures.received, figures.finished, figures.finished_on_time) == (3, 1, 1)
    assert figures.in_process == 2
    # every table can be downloaded
    assert reverse("ioc:export", kwargs={"table": "trend", "fmt": "csv"}) in body
    assert reverse("ioc:export", kwargs={"table": "backlog", "fmt": "xlsx"}) in body


def test_overview_shows_each_figures_change_since_the_period_before(client, ops, dossiers):
    response = page(client, ops, "ioc:overview", period=PERIOD)
    changes = response.context["changes"]
    assert changes["received"].amount == 3 and changes["received"].direction == "up"
    assert changes["on_time_rate"].amount is None  # nothing finished the month before
    with override("vi"):
        assert gettext("vs the previous period") in text_of(response)


def test_overview_of_a_period_without_dossiers_shows_zeros_not_an_error(client, ops,
                                                                         dossiers):
    response = page(client, ops, "ioc:overview", period="2024-01")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.received, figures.finished, figures.on_time_rate) == (0, 0, None)
    assert '<option value="2024-01" selected>01/01/2024 – 31/01/2024</option>' in text_of(
        response)  # the period picker says which period this is


def test_overview_runs_the_same_number_of_queries_whatever_the_dossiers(client, province,
                                                                        ops, monkeypatch):
    build_dossiers(province, monkeypatch)
    client.force_login(ops)
    url = reverse("ioc:overview")
    client.get(url, {"period": PERIOD})  # warm the reference data kept by the worker
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"period": PERIOD})
    build_dossiers(province, monkeypatch, extra_hai_chau=4)
    with CaptureQueriesContext(connection) as more:
        assert client.get(url, {"period": PERIOD}).status_code == 200
    assert len(more) == len(few), [query["sql"][:120] for query in more.captured_queries]
    assert len(more) <= 24  # session, user, scope, two overviews, scores, alerts, units,
    # the centres' tickets


def test_overview_shows_todays_desk_tickets_of_the_one_stop_centres(client, province, ops):
    tickets_services.set_up_centre(province["centre"], counters=1)
    group = province["centre"].service_groups.order_by("prefix").first()
    for _visitor in range(2):
        tickets_services.take_ticket(group=group)

    crowding = page(client, ops, "ioc:overview").context["crowding"]
    assert crowding["table"].rows == [(province["centre"].name, 2, 2, 0, 0, None)]
    leader = page(client, province["hoi_an_leader"], "ioc:overview")
    assert leader.context["crowding"] is None  # another unit's centre


def test_drill_down_goes_from_units_to_procedures_to_dossiers(client, province, ops,
                                                              dossiers):
    hai_chau = province["hai_chau"]
    units = page(client, ops, "ioc:breakdown", period=PERIOD, by="office")
    assert units.status_code == 200
    to_procedures = f"by=procedure&amp;unit={hai_chau.code}"
    assert to_procedures in units.content.decode()

    procedures = page(client, ops, "ioc:breakdown", period=PERIOD, by="procedure",
                      unit=hai_chau.code)
    code = dossiers["finished"].procedure.code
    assert f"procedure={code}" in procedures.content.decode()

    listed = page(client, ops, "ioc:dossiers", period=PERIOD, unit=hai_chau.code,
                  procedure=code)
    body = listed.content.decode()
    assert reverse("workspace:dossier", args=[dossiers["finished"].code]) in body
    assert dossiers["hoi_an"].code not in body


def test_pareto_lists_procedures_by_volume_with_their_online_rate(client, ops, dossiers):
    response = page(client, ops, "ioc:pareto", period=PERIOD)
    assert response.status_code == 200
    assert dossiers["finished"].procedure.code in response.content.decode()
    assert 'id="chart-pareto-data"' in response.content.decode()


def test_ranking_shows_every_commune_to_the_operations_centre(client, province, ops,
                                                               dossiers):
    body = text_of(page(client, ops, "ioc:ranking", period=PERIOD, level="commune"))
    assert province["hai_chau"].name in body and province["hoi_an"].name in body


def test_ranking_shows_a_commune_leader_only_their_own_rank(client, province, dossiers):
    body = text_of(page(client, province["hoi_an_leader"], "ioc:ranking", period=PERIOD,
                        level="commune"))
    assert province["hoi_an"].name in body and province["hai_chau"].name not in body


def test_a_department_leader_is_ranked_among_departments(client, province, dossiers):
    department = factories.province_office("48", OfficeKind.DEPARTMENT)
    leader = factories.officer(department, Role.LEADER)
    response = page(client, leader, "ioc:ranking", period=PERIOD)
    assert response.status_code == 200 and response.context["level"] == "department"


def test_alerts_list_open_dossiers_past_due_with_who_holds_them(client, province, ops,
                                                                dossiers):
    body = text_of(page(client, ops, "ioc:alerts", period=PERIOD, hours="24"))
    assert dossiers["waiting"].code in body and dossiers["finished"].code not in body
    assert province["hai_chau"].name in body  # its appraisal step waits at Hải Châu


# -- bad filters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, params", [
    ("ioc:overview", {"period": "2025-13"}),
    ("ioc:overview", {"period": "last week"}),
    ("ioc:overview", {"from": "2025-03-01"}),
    ("ioc:overview", {"unit": "NO-SUCH-UNIT"}),
    ("ioc:breakdown", {"by": "colour"}),
    ("ioc:ranking", {"level": "village"}),
    ("ioc:alerts", {"hours": "5"}),
    ("ioc:dossiers", {"status": "lost"}),
])
def test_bad_filters_are_a_422_page_saying_what_is_wrong(client, ops, name, params):
    response = page(client, ops, name, **params)
    assert response.status_code == 422
    body = text_of(response)
    assert 'role="alert"' in body
    assert 'name="period"' in body  # the form is there to try again


def test_a_bad_period_page_says_what_is_wrong_in_the_users_language(client, ops):
    with override("vi"), pytest.raises(InvalidInput) as refused:
        Period.parse("2025-13")
    response = page(client, ops, "ioc:overview", period="2025-13")
    assert response.status_code == 422
    assert refused.value.message in response.content.decode()
