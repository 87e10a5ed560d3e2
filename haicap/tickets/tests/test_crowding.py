"""Crowding of the centres for the operations centre: counts, waits, who sees which centre,
and the API (422 on a bad day)."""

import pytest
from django.test import Client

from haicap.core.errors import PermissionDenied
from haicap.core.tests import factories
from haicap.tickets import clock, selectors, services
from haicap.tickets.tests.conftest import local


def play_morning(centres) -> None:
    """At the province centre on 26/11: A-001 8:00 called 8:10 served 8:16; A-002 8:02 called
    8:16 (wait 14) no-show 8:20; C-001 8:05 waiting; B-001 8:04 called 8:06 at counter 2
    (wait 2), being served. At the commune: A-001 8:00, waiting."""
    groups, desk, other = centres["groups"], centres["desk"], centres["other_desk"]
    counter_one, counter_two = centres["counters"][1], centres["counters"][2]
    steps = [
        ((8, 0), lambda: services.take_ticket(group=groups["A"])),
        ((8, 0), lambda: services.take_ticket(group=centres["commune_groups"]["A"])),
        ((8, 2), lambda: services.take_ticket(group=groups["A"])),
        ((8, 4), lambda: services.take_ticket(group=groups["B"])),
        ((8, 5), lambda: services.take_ticket(group=groups["C"])),
        ((8, 6), lambda: services.call_next(officer=other, counter=counter_two)),
        ((8, 10), lambda: services.call_next(officer=desk, counter=counter_one)),
        ((8, 16), lambda: services.call_next(officer=desk, counter=counter_one)),
    ]
    for (hour, minute), step in steps:
        with clock.at(local(2026, 11, 26, hour, minute)):
            step()
    with clock.at(local(2026, 11, 26, 8, 20)):
        called = counter_one.tickets.get(status="called")
        services.mark_no_show(officer=desk, ticket=called)


def test_crowding_counts_the_day_and_averages_the_waits(centres):
    play_morning(centres)
    with clock.at(local(2026, 11, 26, 8, 30)):
        rows = selectors.crowding("48", local(2026, 11, 26).date())
    centre, commune = rows  # the province centre first
    assert centre == selectors.CentreLoad(
        office_code=centres["centre"].code, office_name=centres["centre"].name, issued=4,
        waiting=1, serving=1, served=1, average_wait_minutes=round((10 + 14 + 2) / 3, 1),
        no_show=1, average_service_minutes=6.0, longest_wait_minutes=25.0)
    assert (commune.office_code, commune.issued, commune.waiting,
            commune.average_wait_minutes, commune.longest_wait_minutes) == (
        centres["commune"].code, 1, 1, None, 30.0)


def test_the_province_total_averages_every_ticket_not_the_centres_averages(centres):
    play_morning(centres)
    with clock.at(local(2026, 11, 26, 8, 30)):
        total = selectors.crowding_for(centres["ops"], local(2026, 11, 26).date()).total
    assert (total.issued, total.waiting, total.serving, total.served, total.no_show) == (
        5, 2, 1, 1, 1)
    assert total.average_wait_minutes == round((10 + 14 + 2) / 3, 1)  # the commune: none
    assert total.longest_wait_minutes == 30.0


def test_a_past_day_has_no_current_wait(centres):
    play_morning(centres)
    with clock.at(local(2026, 11, 27, 9, 0)):
        rows = selectors.crowding("48", local(2026, 11, 26).date())
        today = selectors.crowding("48", local(2026, 11, 27).date())
    assert [row.longest_wait_minutes for row in rows] == [None, None]
    assert [row.issued for row in today] == [0, 0]


def test_the_operations_centre_sees_every_centre_a_leader_only_their_own(centres):
    day = local(2026, 11, 26).date()
    province = selectors.crowding_for(centres["ops"], day)
    assert [row.office_code for row in province.centres] == [centres["centre"].code,
                                                             centres["commune"].code]
    own = selectors.crowding_for(centres["commune_leader"], day)
    assert [row.office_code for row in own.centres] == [centres["commune"].code]
    assert own.total is None
    department_leader = factories.officer(centres["ops"].office, "leader")
    assert selectors.crowding_for(department_leader, day).centres == []
    citizen = factories.resident(centres["commune"].commune)
    with pytest.raises(PermissionDenied):
        selectors.crowding_for(citizen, day)


def test_api_crowding_answers_json_for_the_day(centres):
    play_morning(centres)
    client = Client()
    client.force_login(centres["ops"])
    with clock.at(local(2026, 11, 26, 8, 30)):
        response = client.get("/api/v1/tickets/crowding", {"day": "2026-11-26"})
    assert response.status_code == 200
    body = response.json()
    assert body["day"] == "2026-11-26"
    assert [(row["office_code"], row["issued"], row["waiting"]) for row in body["centres"]] == [
        (centres["centre"].code, 4, 1), (centres["commune"].code, 1, 1)]
    assert (body["total"]["issued"], body["total"]["waiting"]) == (5, 2)


@pytest.mark.parametrize("day", ["26/11/2026", "2026-13-01", "yesterday"])
def test_api_crowding_refuses_a_bad_day_with_422(centres, day):
    client = Client()
    client.force_login(centres["ops"])
    response = client.get("/api/v1/tickets/crowding", {"day": day})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_day"


def test_api_crowding_needs_a_signed_in_officer(centres):
    assert Client().get("/api/v1/tickets/crowding").status_code == 401
    client = Client()
    client.force_login(factories.resident(centres["commune"].commune))
    assert client.get("/api/v1/tickets/crowding").status_code == 403


def test_api_kiosk_device_takes_a_number(centres):
    with clock.at(local(2026, 11, 26, 8, 0)):
        first = Client().post("/api/v1/tickets", {"centre": centres["centre"].code,
                                                  "group": "b"},
                              content_type="application/json")
        second = Client().post("/api/v1/tickets", {"centre": centres["centre"].code,
                                                   "group": "B", "phone": "0905123456"},
                               content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert (first.json()["label"], second.json()["label"]) == ("B-001", "B-002")
    assert (second.json()["ahead"], second.json()["group"]) == (1, "Đất đai")


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"centre": "NOPE", "group": "A"}, 404, "unknown_centre"),
    ({"group": "Z"}, 404, "unknown_group"),
    ({"group": "A", "phone": "123"}, 422, "invalid_phone"),
])
def test_api_kiosk_device_refuses_bad_input(centres, body, status, code):
    body = {"centre": centres["centre"].code, **body}
    response = Client().post("/api/v1/tickets", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
