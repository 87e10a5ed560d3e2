"""GET /api/v1/ioc/indicators (issue 6 point 1): the overview and the 766 scores as JSON,
scoped by unit; bad filters 422 with stable codes; a period without data answers zeros."""

import pytest

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers.testing import build_province
from haicap.ioc import services
from haicap.ioc.tests.facts_scenario import play
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db
URL = "/api/v1/ioc/indicators"


@pytest.fixture
def province() -> dict:
    return build_province()


@pytest.fixture
def week(province, monkeypatch) -> dict:
    play(monkeypatch, province)
    services.refresh()
    return province


@pytest.fixture
def viewer(province):
    return factories.officer(province["centre"], Role.OPS_VIEWER)


def test_the_operations_centre_gets_the_provinces_overview_and_scores(week, viewer, client):
    client.force_login(viewer)

    body = client.get(URL, {"period": "2025-03"}).json()

    assert body["unit"] is None and body["province"] == "48"
    assert body["period"] == {"start": "2025-03-01", "end": "2025-03-31"}
    overview = body["overview"]
    assert (overview["received"], overview["finished"], overview["finished_on_time"],
            overview["finished_late"], overview["on_time_rate"]) == (7, 4, 2, 2, 50.0)
    assert len(overview["trend"]) == 31 and len(overview["backlog"]) == 5
    groups = {group["key"]: group for group in body["scores"]["groups"]}
    assert groups["progress"]["points"] == 10.0
    assert body["scores"]["max_points"] == 100


def test_a_period_without_dossiers_answers_zeros_not_an_error(week, viewer, client):
    client.force_login(viewer)

    response = client.get(URL, {"period": "2024-02"})

    assert response.status_code == 200
    overview = response.json()["overview"]
    assert (overview["received"], overview["finished"], overview["on_time_rate"]) == (0, 0, None)
    assert all(group["rate"] is None and group["points"] == 0
               for group in response.json()["scores"]["groups"])


@pytest.mark.parametrize(("params", "code"), [
    ({"period": "2025-13"}, "invalid_period"),
    ({"period": "March"}, "invalid_period"),
    ({"period": "2025-03-31..2025-03-01"}, "invalid_period"),
    ({"unit": "NO-SUCH-UNIT"}, "invalid_unit"),
    ({"procedure": "9.999999"}, "invalid_procedure"),
])
def test_bad_filters_answer_422_with_a_stable_code(week, viewer, client, params, code):
    client.force_login(viewer)

    response = client.get(URL, params)

    assert response.status_code == 422
    assert response.json()["code"] == code


def test_a_commune_leader_sees_their_own_commune_only(week, client):
    client.force_login(week["leader"])  # Hải Châu

    own = client.get(URL, {"period": "2025-03"})
    province_wide = client.get(URL, {"period": "2025-03", "unit": "48"})
    other = client.get(URL, {"period": "2025-03", "unit": week["hoi_an"].code})

    assert own.status_code == 200 and own.json()["unit"] == week["hai_chau"].code
    assert own.json()["overview"]["received"] == 7
    assert province_wide.status_code == 403 and other.status_code == 403


def test_the_operations_centre_may_narrow_to_a_unit_and_a_procedure(week, viewer, client):
    client.force_login(viewer)

    hoi_an = client.get(URL, {"period": "2025-03", "unit": week["hoi_an"].code}).json()
    procedure = client.get(URL, {"period": "2025-03", "procedure": "1.004873"}).json()

    assert hoi_an["unit"] == week["hoi_an"].code and hoi_an["overview"]["received"] == 0
    assert procedure["procedure"] == "1.004873" and procedure["overview"]["received"] == 7


def test_citizens_and_strangers_get_no_indicators(week, client):
    assert client.get(URL).status_code == 401
    client.force_login(factories.resident(Commune.objects.filter(province_id="48").first()))
    assert client.get(URL).status_code == 403
