"""`haicap documents prune`: uploads left unattached (a refused submission, an abandoned form)
go after 24 hours with their files; attached ones and shared files stay."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from haicap.core.tokens import Caller, ensure_partner
from haicap.documents import services
from haicap.documents.models import StoredFile
from haicap.documents.tests.builders import first_field, submit
from haicap.documents.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(province):
    return Caller(partner=ensure_partner(code="hospital", name="Bệnh viện"))


def age(upload: StoredFile, hours: int) -> None:
    StoredFile.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - timedelta(hours=hours))


def test_unattached_upload_older_than_24_hours_goes_with_its_file(partner):
    old = services.store_upload(PDF, uploader=partner, filename="old.pdf")
    fresh = services.store_upload(PNG, uploader=partner, filename="fresh.png")
    age(old, 25)
    age(fresh, 23)

    out = StringIO()
    call_command("documents", "prune", stdout=out)

    assert list(StoredFile.objects.all()) == [fresh]
    assert not default_storage.exists(old.storage_name)
    assert default_storage.exists(fresh.storage_name)
    assert "1 uploads, 1 files" in out.getvalue()


def test_attached_upload_is_never_pruned(partner, province):
    upload = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    submit(partner, {first_field(): upload.pk})
    age(upload, 24 * 30)

    services.prune()

    assert StoredFile.objects.filter(pk=upload.pk).exists()
    assert default_storage.exists(upload.storage_name)


def test_a_file_shared_with_a_kept_upload_stays(partner, province):
    old = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    kept = services.store_upload(PDF, uploader=province["citizen"], filename="a.pdf")
    age(old, 25)

    services.prune()

    assert not StoredFile.objects.filter(pk=old.pk).exists()
    assert default_storage.exists(kept.storage_name)


def test_files_without_a_row_go_once_an_hour_old(media_root):
    stray = default_storage.save("uploads/ab/ab12.pdf", ContentFile(PDF))
    recent = default_storage.save("uploads/cd/cd34.pdf", ContentFile(PDF))
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(stray), (two_hours_ago, two_hours_ago))

    report = services.prune()

    assert report.files == 1
    assert not default_storage.exists(stray) and default_storage.exists(recent)
