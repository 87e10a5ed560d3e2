"""Rules of the applicant's online supplement (issue 5 point 7): only when asked, only by the
applicant, one transaction with its event, and the officer's confirmation restarts the clock."""

import pytest

from haicap.catalog.selectors import procedure_by_code
from haicap.catalog.services import load_catalog
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers import engine, services
from haicap.dossiers.models import (
    Channel,
    DossierDocument,
    DossierEvent,
    OutboxMessage,
    Status,
    Task,
)
from haicap.dossiers.supplements import sent_supplements, submit_supplement
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db

MARITAL_STATUS = "1.004873"  # receive → appraise (specialist) → approve → return
HAI_CHAU_ADDRESS = "45 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng"
PHOTO = {"filename": "giay-to-bo-sung.jpg", "content_type": "image/jpeg", "size": 120_000}


@pytest.fixture
def people():
    load_catalog()
    hai_chau = Commune.objects.get(province_id="48", name="Phường Hải Châu")
    office = factories.commune_office(hai_chau)
    factories.province_office("48", OfficeKind.ONE_STOP_CENTRE)
    return {"desk": factories.officer(office, Role.DESK_OFFICER),
            "specialist": factories.officer(office, Role.SPECIALIST),
            "citizen": factories.resident(hai_chau),
            "neighbour": factories.resident(hai_chau, full_name="Trần Văn Bình")}


def filed_online(citizen):
    body = procedure_by_code(MARITAL_STATUS).current_version.spec.example.body(MARITAL_STATUS)
    applicant = services.Applicant(id_number=citizen.national_id, full_name=citizen.full_name,
                                   address=HAI_CHAU_ADDRESS, phone="0905123456")
    return services.submit_dossier(procedure_code=MARITAL_STATUS, channel=Channel.ONLINE,
                                   applicant=applicant, form=body["form"],
                                   documents=body["documents"], submitted_by=citizen).dossier


def received(dossier, desk):
    return services.receive_dossier(officer=desk, dossier=dossier,
                                    lock_version=dossier.lock_version)


def asked_for_supplement(people):
    dossier = received(filed_online(people["citizen"]), people["desk"])
    engine.request_supplement(officer=people["specialist"],
                              task=Task.objects.active().get(dossier=dossier),
                              lock_version=dossier.lock_version,
                              reason="Thiếu bản sao giấy xác nhận tình trạng hôn nhân cũ")
    dossier.refresh_from_db()
    return dossier


def test_the_applicant_sends_documents_and_a_note_in_one_event_with_an_outbox_message(people):
    dossier = asked_for_supplement(people)
    before = dossier.lock_version

    after = submit_supplement(citizen=people["citizen"], dossier=dossier,
                              documents={"photo": PHOTO}, note="Tôi gửi bản sao bổ sung.")

    assert after.status == Status.WAITING_SUPPLEMENT  # the officer still has to confirm it
    assert after.lock_version == before + 1
    added = DossierDocument.objects.get(dossier=dossier, field_name="supplement_1")
    assert (added.filename, added.content_type, added.size) == ("giay-to-bo-sung.jpg",
                                                                "image/jpeg", 120_000)
    event = DossierEvent.objects.filter(dossier=dossier).last()
    assert (event.action, event.note) == ("supplement_submitted", "Tôi gửi bản sao bổ sung.")
    assert event.data["documents"] == ["giay-to-bo-sung.jpg"]
    assert OutboxMessage.objects.filter(subject=dossier.code,
                                        type="vn.haicap.dossier.supplement_submitted").exists()
    assert AuditEntry.objects.filter(action="dossier.supplement_submitted",
                                     object_id=str(dossier.pk)).exists()


def test_a_dossier_nobody_asked_a_supplement_for_takes_none(people):
    dossier = received(filed_online(people["citizen"]), people["desk"])

    with pytest.raises(services.Conflict) as refused:
        submit_supplement(citizen=people["citizen"], dossier=dossier,
                          documents={"photo": PHOTO}, note="")

    assert refused.value.code == "supplement_not_requested"
    assert not DossierDocument.objects.filter(dossier=dossier,
                                              field_name__startswith="supplement").exists()
    assert not DossierEvent.objects.filter(action="supplement_submitted").exists()


def test_only_the_applicant_sends_the_supplement(people):
    dossier = asked_for_supplement(people)

    for someone in (people["neighbour"], people["desk"]):
        with pytest.raises(PermissionDenied):
            submit_supplement(citizen=someone, dossier=dossier, documents={"photo": PHOTO},
                              note="")
    assert not DossierEvent.objects.filter(action="supplement_submitted").exists()


def test_an_empty_supplement_is_refused_and_stores_nothing(people):
    dossier = asked_for_supplement(people)

    with pytest.raises(InvalidInput) as refused:
        submit_supplement(citizen=people["citizen"], dossier=dossier, documents={}, note="  ")

    assert refused.value.code == "supplement_empty"
    assert not DossierEvent.objects.filter(action="supplement_submitted").exists()


def test_the_applicant_may_send_again_until_the_officer_confirms_then_no_more(people):
    """A forgotten page can follow the first sending; the documents never share a name. Once
    the officer has confirmed the supplement, the request is closed."""
    dossier = asked_for_supplement(people)
    submit_supplement(citizen=people["citizen"], dossier=dossier, documents={"a": PHOTO},
                      note="Lần 1")
    dossier = submit_supplement(citizen=people["citizen"], dossier=dossier,
                                documents={"a": PHOTO, "b": PHOTO}, note="Lần 2")

    names = sorted(DossierDocument.objects.filter(dossier=dossier, field_name__startswith=
                                                  "supplement_").values_list("field_name",
                                                                             flat=True))
    assert names == ["supplement_1", "supplement_2", "supplement_3"]
    assert [sent.note for sent in sent_supplements(dossier)] == ["Lần 1", "Lần 2"]

    confirmed = engine.receive_supplement(officer=people["desk"], dossier=dossier,
                                          lock_version=dossier.lock_version)
    assert confirmed.status == Status.RECEIVED  # back where it was asked
    with pytest.raises(services.Conflict):
        submit_supplement(citizen=people["citizen"], dossier=confirmed,
                          documents={"c": PHOTO}, note="Lần 3")


def test_an_officer_acting_on_the_page_from_before_the_sending_is_asked_to_reload(people):
    dossier = asked_for_supplement(people)
    seen = dossier.lock_version
    submit_supplement(citizen=people["citizen"], dossier=dossier, documents={"a": PHOTO},
                      note="")

    with pytest.raises(services.Conflict) as conflict:
        engine.receive_supplement(officer=people["desk"], dossier=dossier, lock_version=seen)
    assert conflict.value.code == "dossier_changed"
