"""Rules: the calendar API lists a year's special days and computes a receipt slip's appointment."""

import pytest

pytestmark = pytest.mark.django_db


def test_calendar_days_of_2025_list_the_swap_and_the_working_day_count(client):
    response = client.get("/api/v1/calendar/days", {"year": 2025})

    assert response.status_code == 200
    body = response.json()
    assert body["working_day_count"] == 250
    kinds = {day["date"]: day["kind"] for day in body["days"]}
    assert kinds["2025-04-26"] == "makeup_workday"
    assert kinds["2025-05-02"] == "day_off"
    assert kinds["2025-01-29"] == "public_holiday"


def test_calendar_days_refuse_a_year_out_of_range_in_vietnamese(client):
    response = client.get("/api/v1/calendar/days", {"year": 3000})

    assert response.status_code == 422
    assert response.json()["code"] == "year_out_of_range"
    assert response.json()["message"].startswith("Năm phải")


def test_appointment_of_a_dossier_received_after_15h(client):
    response = client.get("/api/v1/calendar/appointment",
                          {"received_at": "2025-03-04T15:30:00+07:00", "working_days": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["counting_start"].startswith("2025-03-05T07:30:00")
    assert body["due_date"] == "2025-03-10"


def test_appointment_in_working_hours(client):
    response = client.get("/api/v1/calendar/appointment",
                          {"received_at": "2025-03-03T10:00:00", "working_hours": "8"})

    assert response.status_code == 200
    assert response.json()["due_at"].startswith("2025-03-04T10:30:00")


def test_appointment_needs_exactly_one_time_limit(client):
    for params in ({}, {"working_days": 1, "working_hours": 8}):
        response = client.get("/api/v1/calendar/appointment",
                              {"received_at": "2025-03-03T10:00:00", **params})
        assert response.status_code == 422
        assert response.json()["code"] == "time_limit_required"


def test_appointment_refuses_a_negative_limit(client):
    response = client.get("/api/v1/calendar/appointment",
                          {"received_at": "2025-03-03T10:00:00", "working_days": -1})
    assert response.status_code == 422
    assert response.json()["code"] == "working_days_out_of_range"


def test_appointment_refuses_a_malformed_reception_time(client):
    response = client.get("/api/v1/calendar/appointment",
                          {"received_at": "hôm qua", "working_days": 1})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
