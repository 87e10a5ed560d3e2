"""Attaching uploads to a submitted dossier (issue 5 points 1 and 9): only the submitter's own
clean, unused uploads; any refusal rolls the whole submission back."""

import pytest

from haicap.core.errors import InvalidInput
from haicap.core.tests import factories
from haicap.core.tokens import Caller
from haicap.documents import services
from haicap.documents.models import ScanStatus, StoredFile
from haicap.documents.tests.builders import first_field, submit
from haicap.documents.tests.conftest import PDF, PNG
from haicap.dossiers.models import Dossier, DossierDocument

pytestmark = pytest.mark.django_db


def test_partner_upload_becomes_the_dossier_document_with_its_size_and_sha256(hospital):
    upload = services.store_upload(PNG, uploader=hospital, filename="giay.png")

    dossier = submit(hospital, {first_field(): upload.pk}).dossier

    document = dossier.documents.get(field_name=first_field())
    upload.refresh_from_db()
    assert upload.document == document and upload.attached_at is not None
    assert document.size == len(PNG) and document.sha256 == upload.sha256
    assert document.content_type == "image/png"
    assert document.stored_file == upload


def test_another_partners_upload_is_refused_and_nothing_is_stored(hospital, bank):
    theirs = services.store_upload(PDF, uploader=bank, filename="a.pdf")

    with pytest.raises(InvalidInput) as refused:
        submit(hospital, {first_field(): theirs.pk})

    assert refused.value.code == "invalid_form"
    assert refused.value.details[first_field()][0]["code"] == "upload_not_found"
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()
    theirs.refresh_from_db()
    assert theirs.document is None


def test_unknown_and_malformed_upload_ids_are_refused(hospital):
    for upload_id in ("0d4c2a5e-8b1f-4d3a-9c6e-1f2a3b4c5d6e", "not-a-uuid"):
        with pytest.raises(InvalidInput) as refused:
            submit(hospital, {first_field(): upload_id})
        assert refused.value.details[first_field()][0]["code"] == "upload_not_found"
    assert not Dossier.objects.exists()


def test_an_upload_goes_into_one_dossier_only(hospital):
    upload = services.store_upload(PDF, uploader=hospital, filename="a.pdf")
    submit(hospital, {first_field(): upload.pk})

    with pytest.raises(InvalidInput) as refused:
        submit(hospital, {first_field(): upload.pk})

    assert refused.value.details[first_field()][0]["code"] == "upload_already_used"
    assert Dossier.objects.count() == 1


def test_a_retried_submission_returns_the_first_dossier_not_upload_already_used(hospital):
    upload = services.store_upload(PDF, uploader=hospital, filename="a.pdf")
    same = factories.national_id("female", 1992)
    first = submit(hospital, {first_field(): upload.pk}, key="retry-1", id_number=same)

    again = submit(hospital, {first_field(): upload.pk}, key="retry-1", id_number=same)

    assert not again.created and again.dossier.pk == first.dossier.pk


def test_infected_and_unscanned_uploads_are_refused(hospital, settings):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    failed = services.store_upload(PDF, uploader=hospital, filename="a.pdf")
    infected = services.store_upload(PNG, uploader=hospital, filename="b.png")
    StoredFile.objects.filter(pk=infected.pk).update(scan_status=ScanStatus.INFECTED)

    for upload, code in ((failed, "upload_not_scanned"), (infected, "upload_infected")):
        with pytest.raises(InvalidInput) as refused:
            submit(hospital, {first_field(): upload.pk})
        assert refused.value.details[first_field()][0]["code"] == code
    assert not Dossier.objects.exists()


def test_citizen_attaches_only_their_own_uploads(province):
    citizen, other = province["citizen"], province["other_citizen"]
    mine = services.store_upload(PDF, uploader=citizen, filename="a.pdf")
    theirs = services.store_upload(PNG, uploader=other, filename="b.png")

    with pytest.raises(InvalidInput) as refused:
        submit(Caller(user=citizen), {first_field(): theirs.pk}, channel="online")
    assert refused.value.details[first_field()][0]["code"] == "upload_not_found"

    dossier = submit(Caller(user=citizen), {first_field(): mine.pk}, channel="online").dossier
    assert dossier.documents.get(field_name=first_field()).stored_file == mine


def test_desk_officer_attaches_uploads_of_their_unit_only(province):
    desk, son_tra_desk = province["hai_chau_desk"], province["son_tra_desk"]
    colleague = services.store_upload(PDF, uploader=province["hai_chau_specialist"],
                                      filename="a.pdf")
    other_unit = services.store_upload(PNG, uploader=son_tra_desk, filename="b.png")

    with pytest.raises(InvalidInput):
        submit(Caller(user=desk), {first_field(): other_unit.pk}, channel="in_person",
               desk=province["hai_chau"])
    dossier = submit(Caller(user=desk), {first_field(): colleague.pk}, channel="in_person",
                     desk=province["hai_chau"]).dossier

    assert dossier.documents.get(field_name=first_field()).stored_file == colleague


def test_applicant_adds_their_upload_to_a_later_document_row_of_any_channel(province):
    """A supplement adds document rows to a filed dossier; a linked dossier keeps the
    applicant's account though its channel is `linked`."""
    citizen = province["citizen"]
    dossier = submit(Caller(user=citizen), {}, channel="online").dossier
    Dossier.objects.filter(pk=dossier.pk).update(channel="linked")
    dossier.refresh_from_db()
    row = DossierDocument.objects.create(dossier=dossier, field_name="supplement_1",
                                         filename="", content_type="")
    upload = services.store_upload(PNG, uploader=citizen, filename="bo-sung.png")

    services.attach_uploads(dossier, {"supplement_1": str(upload.pk)})

    row.refresh_from_db()
    assert row.stored_file == upload and row.filename == "bo-sung.png"
    assert row.content_type == "image/png"
