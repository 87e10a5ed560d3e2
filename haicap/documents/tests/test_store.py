"""Storing an upload: size and type checks by the bytes, SHA-256, content-addressed storage,
the virus scan and its retries (issue 5 point 1: "uploads with content-type and size checks,
virus-scan hook, SHA-256")."""

import base64
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from haicap.catalog.eforms import MAX_FILE_BYTES
from haicap.core.errors import InvalidInput
from haicap.core.models import AuditEntry
from haicap.core.tokens import Caller, ensure_partner
from haicap.documents import services
from haicap.documents.models import ScanStatus, StoredFile
from haicap.documents.scanners import EICAR
from haicap.documents.tasks import rescan_upload
from haicap.documents.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(province):
    return Caller(partner=ensure_partner(code="hospital", name="Bệnh viện"))


def test_upload_is_stored_under_its_sha256_with_its_size_and_scanned_clean(partner):
    upload = services.store_upload(PDF, uploader=partner, filename="giay-chung-sinh.pdf",
                                   content_type="application/pdf")

    digest = hashlib.sha256(PDF).hexdigest()
    assert upload.sha256 == digest and upload.size == len(PDF)
    assert upload.storage_name == f"uploads/{digest[:2]}/{digest}.pdf"
    assert "giay-chung-sinh" not in upload.storage_name
    with default_storage.open(upload.storage_name, "rb") as stored:
        assert stored.read() == PDF
    assert upload.scan_status == ScanStatus.CLEAN and upload.scanner == "sandbox"
    assert upload.scanned_at is not None
    assert upload.client == "hospital" and upload.uploaded_by is None
    assert AuditEntry.objects.filter(action="upload.store", object_id=str(upload.pk)).exists()


def test_type_is_read_from_the_first_bytes_not_from_the_name(partner):
    renamed_png = services.store_upload(PNG, uploader=partner, filename="scan.pdf")

    assert renamed_png.content_type == "image/png"
    with pytest.raises(InvalidInput) as refused:
        services.store_upload(b"MZ\x90\x00 a program", uploader=partner, filename="cccd.pdf",
                              content_type="application/pdf")
    assert refused.value.code == "invalid_file_type"


def test_declared_type_that_the_bytes_contradict_is_refused(partner):
    with pytest.raises(InvalidInput) as refused:
        services.store_upload(PNG, uploader=partner, filename="a.pdf",
                              content_type="application/pdf")

    assert refused.value.code == "invalid_file_type"
    assert not StoredFile.objects.exists()


def test_loose_type_names_of_clients_are_understood(partner):
    upload = services.store_upload(b"\xff\xd8\xff\xe0 jfif", uploader=partner,
                                   filename="a.jpg", content_type="image/jpg")

    assert upload.content_type == "image/jpeg"


def test_file_over_10_mb_is_refused_with_413_and_nothing_is_written(partner, media_root):
    big = PDF + b"0" * (MAX_FILE_BYTES - len(PDF) + 1)

    with pytest.raises(InvalidInput) as refused:
        services.store_upload(big, uploader=partner, filename="big.pdf")

    assert refused.value.code == "file_too_large" and refused.value.status == 413
    assert not StoredFile.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_file_of_exactly_10_mb_is_accepted(partner):
    exact = PDF + b"0" * (MAX_FILE_BYTES - len(PDF))

    assert services.store_upload(exact, uploader=partner, filename="a.pdf").size == MAX_FILE_BYTES


def test_empty_file_is_refused(partner):
    with pytest.raises(InvalidInput) as refused:
        services.store_upload(b"", uploader=partner, filename="a.pdf")

    assert refused.value.code == "empty_file"


def test_portal_upload_gives_its_own_name_and_type(province):
    citizen = province["citizen"]
    file = SimpleUploadedFile("C:\\Users\\lan\\Giấy khai sinh.pdf", PDF, "application/pdf")

    upload = services.store_upload(file, uploader=citizen)

    assert upload.filename == "Giấy khai sinh.pdf"
    assert upload.uploaded_by == citizen and upload.client == f"user:{citizen.pk}"
    assert upload.office is None


def test_desk_officer_upload_belongs_to_their_unit(province):
    upload = services.store_upload(PDF, uploader=province["hai_chau_desk"], filename="a.pdf")

    assert upload.office == province["hai_chau"]


def test_eicar_test_file_is_refused_and_its_bytes_are_not_kept(partner, media_root):
    infected = PDF + EICAR + b"\n%%EOF\n"

    with pytest.raises(InvalidInput) as refused:
        services.store_upload(infected, uploader=partner, filename="virus.pdf")

    assert refused.value.code == "file_infected"
    record = StoredFile.objects.get()
    assert record.scan_status == ScanStatus.INFECTED
    assert record.scan_detail == "Eicar-Test-Signature"
    assert record.storage_name == ""
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_eicar_split_across_two_read_chunks_is_still_found(partner):
    from haicap.documents.scanners import CHUNK_BYTES

    padding = b"0" * (CHUNK_BYTES - len(PDF) - 10)
    with pytest.raises(InvalidInput) as refused:
        services.store_upload(PDF + padding + EICAR, uploader=partner, filename="v.pdf")

    assert refused.value.code == "file_infected"


def test_the_same_upload_sent_twice_is_one_upload(partner):
    first = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    again = services.store_upload(PDF, uploader=partner, filename="a.pdf")

    assert again.pk == first.pk
    assert StoredFile.objects.count() == 1


def test_same_bytes_from_two_uploaders_are_two_rows_sharing_one_file(partner, province):
    theirs = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    mine = services.store_upload(PDF, uploader=province["citizen"], filename="a.pdf")

    assert mine.pk != theirs.pk
    assert mine.storage_name == theirs.storage_name


def test_inlined_base64_file_is_stored_like_an_upload(partner):
    upload = services.store_inline(base64.b64encode(PNG).decode(), uploader=partner,
                                   filename="anh.png", content_type="image/png")

    assert upload.content_type == "image/png" and upload.size == len(PNG)
    with pytest.raises(InvalidInput) as refused:
        services.store_inline("not base64!", uploader=partner, filename="a.png",
                              content_type="image/png")
    assert refused.value.code == "invalid_base64"


def test_failed_scan_keeps_the_file_and_the_worker_retries_until_clean(
        partner, settings, django_capture_on_commit_callbacks):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    with django_capture_on_commit_callbacks(execute=True):
        upload = services.store_upload(PDF, uploader=partner, filename="a.pdf")

    assert upload.scan_status == ScanStatus.FAILED and upload.storage_name
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [str(upload.pk)]
    assert queued.run_after is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert rescan_upload.call(str(upload.pk)) == ScanStatus.FAILED
    assert DBTaskResult.objects.count() == 2  # rescheduled

    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0
    assert rescan_upload.call(str(upload.pk)) == ScanStatus.CLEAN
    upload.refresh_from_db()
    assert upload.scan_status == ScanStatus.CLEAN and upload.scan_attempts == 3


def test_rescans_stop_after_the_last_attempt(partner, settings,
                                             django_capture_on_commit_callbacks):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    upload = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    StoredFile.objects.filter(pk=upload.pk).update(scan_attempts=4)

    with django_capture_on_commit_callbacks(execute=True):
        services.rescan(str(upload.pk))

    assert not DBTaskResult.objects.exists()


def test_rescan_that_finds_a_virus_marks_it_infected_and_deletes_the_bytes(
        partner, settings, django_capture_on_commit_callbacks):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    upload = services.store_upload(PDF + EICAR, uploader=partner, filename="v.pdf")
    name = upload.storage_name
    assert default_storage.exists(name)

    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rescan(str(upload.pk)) == ScanStatus.INFECTED

    upload.refresh_from_db()
    assert upload.storage_name == "" and not default_storage.exists(name)
