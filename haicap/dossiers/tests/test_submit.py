"""Rules of submitting and receiving dossiers (issue 5 points 1, 3, 5, 9)."""

import uuid

import pytest

from haicap.catalog.models import Procedure
from haicap.core import reference
from haicap.core.errors import InvalidInput
from haicap.core.models import AuditEntry
from haicap.core.roles import OfficeKind
from haicap.dossiers import services
from haicap.dossiers.models import Dossier, DossierEvent, NationalStatus, OutboxMessage, Status
from haicap.dossiers.testing import HANOI_TIME, applicant, at, example

pytestmark = pytest.mark.django_db


def submit(code="1.001193", channel="in_person", desk=None, who=None, **extra):
    """The service's whole answer (dossier and whether this call made it)."""
    body = example(code)
    return services.submit_dossier(procedure_code=code, channel=channel,
                                   applicant=who or applicant(), form=body["form"],
                                   documents=body["documents"], receiving_office=desk, **extra)


def test_any_desk_receives_and_the_dossier_goes_to_the_applicants_commune(province):
    dossier = submit(desk=province["hoi_an"]).dossier

    assert dossier.receiving_office == province["hoi_an"]
    assert dossier.competent_office == province["hai_chau"]
    assert dossier.status == Status.RECEIVED
    assert dossier.national_status == NationalStatus.RECEIVED
    assert dossier.code.startswith(f"{province['hoi_an'].code}-")


def test_both_the_receiving_and_the_competent_commune_see_it_and_no_other(province):
    dossier = submit(desk=province["hoi_an"]).dossier

    def sees(officer):
        return Dossier.objects.visible_to(officer).filter(pk=dossier.pk).exists()

    assert sees(province["hoi_an_desk"])
    assert sees(province["desk"])
    assert not sees(province["son_tra_desk"])


def test_dossier_received_after_15h_counts_from_next_working_day(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 15, 30)  # a Monday

    dossier = submit("1.004873", desk=province["hai_chau"]).dossier  # 3 working days

    assert dossier.counting_start.astimezone(HANOI_TIME).date().isoformat() == "2025-03-11"
    assert dossier.due_at.astimezone(HANOI_TIME).date().isoformat() == "2025-03-14"


def test_dossier_received_before_15h_counts_from_the_same_day(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 14, 0)

    dossier = submit("1.004873", desk=province["hai_chau"]).dossier

    assert dossier.due_at.astimezone(HANOI_TIME).date().isoformat() == "2025-03-13"


def test_invalid_form_is_refused_with_field_errors_and_nothing_is_stored(province):
    body = example("1.001193")
    form = {**body["form"], "child_birth_date": "2025-02-31"}

    with pytest.raises(InvalidInput) as refused:
        services.submit_dossier(procedure_code="1.001193", channel="in_person",
                                applicant=applicant(), form=form, documents=body["documents"],
                                receiving_office=province["hai_chau"])

    assert refused.value.code == "invalid_form"
    assert "child_birth_date" in refused.value.details
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


def test_missing_required_document_is_refused(province):
    body = example("1.001193")

    with pytest.raises(InvalidInput) as refused:
        services.submit_dossier(procedure_code="1.001193", channel="in_person",
                                applicant=applicant(), form=body["form"], documents={},
                                receiving_office=province["hai_chau"])

    assert refused.value.code == "invalid_form"
    assert not Dossier.objects.exists()


def test_address_outside_the_province_is_refused(province):
    with pytest.raises(InvalidInput) as refused:
        submit(desk=province["hai_chau"],
               who=applicant("12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội"))

    assert refused.value.code == "address_outside_province"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_dossier(province):
    person = applicant()
    first = submit(channel="api", who=person, idempotency_client="partner",
                   idempotency_key="abc-1")
    again = submit(channel="api", who=person, idempotency_client="partner",
                   idempotency_key="abc-1")

    assert first.created and not again.created
    assert again.dossier.pk == first.dossier.pk
    assert Dossier.objects.count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(province):
    submit(channel="api", idempotency_client="partner", idempotency_key="abc-2")

    with pytest.raises(InvalidInput) as refused:
        submit("1.004873", channel="api", idempotency_client="partner", idempotency_key="abc-2")

    assert refused.value.code == "idempotency_key_reused"


def test_online_dossier_waits_for_reception_and_a_second_receiver_gets_a_conflict(province):
    dossier = submit(channel="online").dossier
    assert dossier.status == Status.NEW and dossier.due_at is None

    received = services.receive_dossier(officer=province["desk"], dossier=dossier,
                                        lock_version=dossier.lock_version)
    with pytest.raises(services.Conflict) as conflict:
        services.receive_dossier(officer=province["desk"], dossier=dossier,
                                 lock_version=dossier.lock_version)

    assert received.status == Status.RECEIVED and received.due_at is not None
    assert conflict.value.status == 409


def test_each_move_appends_an_event_and_an_outbox_message(province):
    dossier = submit(desk=province["hoi_an"]).dossier

    actions = list(dossier.events.values_list("action", "from_status", "to_status"))
    messages = list(OutboxMessage.objects.filter(subject=dossier.code)
                    .values_list("type", flat=True))

    assert actions == [("submit", "", "new"), ("receive", "new", "received")]
    assert messages == ["vn.haicap.dossier.submit", "vn.haicap.dossier.receive"]
    assert OutboxMessage.objects.filter(data__national_status=2).count() == 1


def test_dossier_codes_number_each_office_year_in_order(province):
    codes = [submit(desk=province["hai_chau"]).dossier.code for _ in range(3)]

    assert [code.rsplit("-", 1)[1] for code in codes] == ["000001", "000002", "000003"]


def test_a_submission_refused_after_taking_its_number_leaves_no_gap(province):
    """The number is taken late in the transaction (see next_code); a refusal after it (here a
    document naming an upload that does not exist) rolls the counter back with the rest."""
    first = submit(channel="api").dossier
    body = example("1.001193")
    name, descriptor = next(iter(body["documents"].items()))
    documents = {**body["documents"], name: {**descriptor, "upload_id": str(uuid.uuid4())}}
    with pytest.raises(InvalidInput):
        services.submit_dossier(procedure_code="1.001193", channel="api",
                                applicant=applicant(), form=body["form"], documents=documents)
    second = submit(channel="api").dossier

    assert [first.code[-6:], second.code[-6:]] == ["000001", "000002"]
    assert not Dossier.objects.filter(code__startswith=services.PROVISIONAL_CODE_MARK).exists()
    assert AuditEntry.objects.get(action="dossier.submit", object_id=str(second.pk)).summary \
        == second.code


def test_a_retry_still_gets_its_dossier_when_the_procedure_was_withdrawn_since(province):
    body, person = example("1.001193"), applicant()

    def retry():
        return services.submit_dossier(
            procedure_code="1.001193", channel="api", applicant=person, form=body["form"],
            documents=body["documents"], idempotency_client="partner", idempotency_key="abc-3")

    first = retry()
    Procedure.objects.filter(code="1.001193").update(active=False)
    reference.changed()
    again = retry()

    assert not again.created and again.dossier.pk == first.dossier.pk


def test_province_level_procedure_without_its_department_goes_to_the_one_stop_centre(province):
    dossier = submit("1.014137", desk=province["hai_chau"]).dossier

    assert dossier.competent_office.kind == OfficeKind.ONE_STOP_CENTRE
