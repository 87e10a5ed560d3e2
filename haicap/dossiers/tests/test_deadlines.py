"""Deadlines by the law (issue 5 point 3): late, due soon, office time between instants."""

from decimal import Decimal

import pytest

from haicap.dossiers import deadlines, engine
from haicap.dossiers.models import Dossier
from haicap.dossiers.testing import (
    act,
    at,
    fresh,
    local,
    submit,
)

pytestmark = pytest.mark.django_db


def test_office_hours_between_skip_nights_lunch_and_weekends():
    # Friday 16:00 → Monday 08:30: one hour on Friday, one on Monday
    assert deadlines.working_hours_between(local(2025, 3, 14, 16, 0),
                                           local(2025, 3, 17, 8, 30)) == Decimal(2)
    # 11:00 → 14:00 on a Monday: half an hour before lunch, half an hour after
    assert deadlines.working_hours_between(local(2025, 3, 10, 11, 0),
                                           local(2025, 3, 10, 14, 0)) == Decimal(1)
    assert deadlines.working_hours_between(local(2025, 3, 10, 14, 0),
                                           local(2025, 3, 10, 11, 0)) == Decimal(0)


def test_a_paused_day_appointment_stays_at_the_close_of_a_day():
    # three paused office hours move a Thursday 17:00 appointment to Friday's close
    assert deadlines.shift(local(2025, 3, 13, 17, 0), Decimal(3),
                           in_days=True) == local(2025, 3, 14, 17, 0)
    assert deadlines.shift(local(2025, 3, 13, 17, 0), Decimal(3),
                           in_days=False) == local(2025, 3, 14, 10, 30)


def finish_at(monkeypatch, province, dossier, *moment):
    act(engine.forward, province["specialist"], dossier)
    at(monkeypatch, *moment)
    act(engine.approve, province["leader"], dossier)  # the result is ready
    return fresh(dossier)


def test_late_means_finished_after_the_appointment(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # due Thursday 13 March 17:00
    on_time, late = submit(desk=province["hai_chau"]), submit(desk=province["hai_chau"])

    on_time = finish_at(monkeypatch, province, on_time, 2025, 3, 13, 16, 59)
    late = finish_at(monkeypatch, province, late, 2025, 3, 14, 8, 0)

    assert not on_time.is_late and late.is_late
    assert set(Dossier.objects.late(local(2025, 3, 14, 9, 0))) == {late}


def test_an_unfinished_dossier_past_its_appointment_is_late(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])

    at(monkeypatch, 2025, 3, 14, 8, 0)

    assert fresh(dossier).is_late
    assert list(Dossier.objects.late()) == [dossier]


def test_a_dossier_waiting_for_a_supplement_is_neither_late_nor_due_soon(province,
                                                                         monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # due Thursday 13 March 17:00
    dossier = submit(desk=province["hai_chau"])
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")

    at(monkeypatch, 2025, 3, 13, 9, 0)
    assert not fresh(dossier).is_due_soon and not Dossier.objects.due_soon().exists()
    at(monkeypatch, 2025, 3, 20, 9, 0)
    assert not fresh(dossier).is_late and not Dossier.objects.late().exists()


def test_an_apology_extension_is_counted_apart_from_the_original_appointment(province,
                                                                              monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = fresh(submit(desk=province["hai_chau"]))
    engine.extend_with_apology(officer=province["leader"], dossier=dossier,
                               lock_version=dossier.lock_version,
                               new_due_at=local(2025, 3, 18, 17, 0), reason="Cần xác minh")

    dossier = finish_at(monkeypatch, province, dossier, 2025, 3, 17, 10, 0)

    assert not dossier.is_late  # on time against the new date
    assert dossier.is_late_against_original  # the IOC may count it against slip 01
    assert dossier.extensions.count() == 1


def test_due_soon_means_due_within_one_working_day(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # due Thursday 13 March 17:00
    dossier = submit(desk=province["hai_chau"])

    at(monkeypatch, 2025, 3, 11, 16, 0)  # Tuesday: two working days left
    assert not fresh(dossier).is_due_soon
    assert not Dossier.objects.due_soon().exists()

    at(monkeypatch, 2025, 3, 12, 9, 0)  # Wednesday: due by the close of the next working day
    assert fresh(dossier).is_due_soon
    assert list(Dossier.objects.due_soon()) == [dossier]

    at(monkeypatch, 2025, 3, 13, 17, 1)  # late is no longer "due soon"
    assert not fresh(dossier).is_due_soon
