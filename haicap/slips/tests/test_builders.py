"""Slips built from real dossiers (issue 5 point 4): what each form takes from the dossier."""

from contextlib import contextmanager
from datetime import date, datetime

import pytest

from haicap.core.context import actor_for_user, reset_actor, set_actor
from haicap.core.errors import NotFound
from haicap.core.tests import factories
from haicap.dossiers import engine, services, testing
from haicap.dossiers.models import DossierEvent
from haicap.dossiers.testing import HANOI_TIME, at, build_province
from haicap.slips import builders
from haicap.slips.contexts import Timeliness
from haicap.slips.render import render_document, render_html

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def province():
    people = build_province()
    return {**people, "citizen": factories.resident(people["hai_chau"].commune)}


@contextmanager
def acting_as(user):
    token = set_actor(actor_for_user(user))
    try:
        yield
    finally:
        reset_actor(token)


def submit(desk, *, channel="in_person", submitted_by=None):
    """A marital-status dossier filed in person at the desk officer's office (or online), with
    the officer named in its history."""
    office = desk.office if channel == "in_person" else None
    with acting_as(desk):
        return testing.submit(desk=office, channel=channel, submitted_by=submitted_by)


def act(verb, officer, dossier, **extra):
    with acting_as(officer):
        return testing.act(verb, officer, dossier, **extra)


def run_through(province, monkeypatch, dossier):
    """Appraise on time, approve late, return the result."""
    at(monkeypatch, 2025, 3, 10, 10, 0)
    act(engine.claim_task, province["specialist"], dossier)
    act(engine.forward, province["specialist"], dossier)
    at(monkeypatch, 2025, 3, 12, 9, 0)  # the approve step was due on Monday
    act(engine.approve, province["leader"], dossier)
    at(monkeypatch, 2025, 3, 12, 10, 0)
    act(engine.return_result, province["desk"], dossier)
    dossier.refresh_from_db()
    return dossier


# -- 01 ------------------------------------------------------------------------------------------

def test_receipt_of_a_received_dossier_shows_code_appointment_date_and_documents(province,
                                                                                monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # a Monday; 3 working days → Thursday
    dossier = submit(province["desk"])

    slip = builders.receipt_slip(dossier, BASE)
    html = render_html(slip)

    assert slip.dossier_code == dossier.code and dossier.code in html
    assert slip.appointment_date == date(2025, 3, 13) and "13/03/2025" in html
    assert slip.appointment_time is None  # a deadline in days has no hour
    names = [document.name for document in slip.documents]
    assert any(name.startswith("Tờ khai cấp Giấy xác nhận") for name in names)
    # once-only: fetched from the population database, not handed in
    identity = next(d for d in slip.documents if d.name.startswith("Thẻ Căn cước"))
    assert identity.copy_kind_label == "Khai thác từ CSDL dân cư, không phải nộp"
    assert [(fee.name, fee.amount) for fee in slip.fees] == [
        ("Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 5000)]
    assert slip.officer_name == province["desk"].full_name
    assert (slip.unit.parent_name, slip.unit.name) == ("UBND Phường Hải Châu",
                                                        "Bộ phận Một cửa")
    assert slip.result_collection == "Nhận kết quả điện tử trên Cổng dịch vụ công"
    assert "Nguyễn Thị Mai" in html


def test_receipt_of_a_real_dossier_prints_on_one_a4_page(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"])

    # the catalogue's document names run over two or three lines: QR code and all still fit
    assert len(render_document(builders.receipt_slip(dossier, BASE)).pages) == 1


def test_receipt_does_not_apply_before_reception(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"], channel="online")

    with pytest.raises(NotFound):
        builders.receipt_slip(dossier, BASE)


def test_receipt_officer_is_who_received_an_online_dossier(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"], channel="online")
    with acting_as(province["desk"]):
        services.receive_dossier(officer=province["desk"], dossier=dossier,
                                 lock_version=dossier.lock_version)
    dossier.refresh_from_db()

    slip = builders.receipt_slip(dossier, BASE)

    assert slip.officer_name == province["desk"].full_name
    assert slip.received_at == dossier.received_at


def test_the_qr_code_links_to_public_tracking_with_only_the_code(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"])

    for slip in (builders.receipt_slip(dossier, BASE), builders.control_sheet(dossier, BASE)):
        assert slip.tracking_url == f"http://testserver/tra-cuu/?code={dossier.code}"


# -- 06 ------------------------------------------------------------------------------------------

def test_control_sheet_has_one_row_per_hand_over_event(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = run_through(province, monkeypatch, submit(province["desk"]))

    sheet = builders.control_sheet(dossier, BASE)

    hand_overs = DossierEvent.objects.filter(dossier=dossier).exclude(
        action__in=("submit", "claim"))
    assert [event.action for event in hand_overs] == ["receive", "forward", "approve",
                                                      "return_result"]
    assert len(sheet.entries) == hand_overs.count()
    receive, appraise, approve, returned = sheet.entries
    assert receive.step_name.startswith("Tiếp nhận")
    assert receive.handed_to == "Công chức chuyên môn – UBND Phường Hải Châu"
    assert receive.done_at == receive.handed_at  # reception is done on the spot
    assert appraise.handed_from == (f"Công chức chuyên môn – UBND Phường Hải Châu "
                                    f"({province['specialist'].full_name})")
    assert appraise.timeliness == Timeliness.ON_TIME
    assert approve.timeliness == Timeliness.LATE  # as the engine recorded it
    assert returned.handed_to == "Người nộp hồ sơ"
    assert "Quá hạn" in render_html(sheet)


# -- 02, 03, 04 ----------------------------------------------------------------------------------

def test_supplement_request_slip_only_after_a_supplement_request(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"])
    with pytest.raises(NotFound):
        builders.supplement_request_slip(dossier, BASE)

    act(engine.request_supplement, province["specialist"], dossier,
        reason="Bản sao trích lục khai tử của chồng.\nGhi rõ nơi thường trú trước đây.")
    slip = builders.supplement_request_slip(dossier, BASE)

    assert slip.items == ("Bản sao trích lục khai tử của chồng.",
                          "Ghi rõ nơi thường trú trước đây.")
    assert slip.officer_name == province["specialist"].full_name


def test_refusal_slip_gives_the_refusal_reason(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"], channel="online")
    with pytest.raises(NotFound):
        builders.refusal_slip(dossier, BASE)

    with acting_as(province["desk"]):  # refused at reception
        engine.refuse(officer=province["desk"], dossier=dossier,
                      lock_version=dossier.lock_version, reason="Người yêu cầu đang có chồng.")
    slip = builders.refusal_slip(dossier, BASE)

    assert slip.reasons == ("Người yêu cầu đang có chồng.",)
    assert slip.officer_name == province["desk"].full_name
    assert "Người yêu cầu đang có chồng." in render_html(slip)


def test_apology_slip_gives_the_old_and_new_appointment(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(province["desk"])
    dossier.refresh_from_db()
    new_due = datetime(2025, 3, 18, 17, 0, tzinfo=HANOI_TIME)
    with acting_as(province["leader"]):
        engine.extend_with_apology(officer=province["leader"], dossier=dossier,
                                   lock_version=dossier.lock_version, new_due_at=new_due,
                                   reason="Cần xác minh tại nơi thường trú trước đây.")

    slip = builders.apology_slip(dossier, builders.latest_extension(dossier), BASE)

    assert slip.original_appointment == datetime(2025, 3, 13, 17, 0, tzinfo=HANOI_TIME)
    assert slip.new_appointment == new_due
    assert slip.signer_name == province["leader"].full_name
    assert "18/03/2025" in render_html(slip)


# -- 07 ------------------------------------------------------------------------------------------

def test_register_lists_only_the_offices_dossiers_received_in_the_period(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    inside = submit(province["desk"])
    elsewhere = submit(province["hoi_an_desk"])  # the same day, at another commune's desk
    at(monkeypatch, 2025, 3, 14, 23, 59)
    last_minute = submit(province["desk"])
    at(monkeypatch, 2025, 3, 15, 0, 1)
    submit(province["desk"])  # the next day

    register = builders.dossier_register(province["hai_chau"], date(2025, 3, 10),
                                         date(2025, 3, 14), BASE)

    assert [row.dossier_code for row in register.rows] == [inside.code, last_minute.code]
    assert elsewhere.code not in render_html(register)
