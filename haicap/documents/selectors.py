"""Reads of stored files, scoped where the query is built (STYLE.md 3)."""

from django.utils.translation import gettext as _

from haicap.core.errors import NotFound
from haicap.core.models import User
from haicap.core.tokens import Caller
from haicap.documents.models import ScanStatus, StoredFile
from haicap.dossiers.models import Dossier


def upload_for(caller: Caller, upload_id) -> StoredFile:
    """One of the caller's own uploads (a partner's, or a person's); anyone else's is 404."""
    upload = StoredFile.objects.filter(pk=upload_id, client=caller.client).first()
    if upload is None:
        raise NotFound(_("No upload of yours has this id."), code="upload_not_found")
    return upload


def viewable_file(user: User, file_id) -> StoredFile | None:
    """The clean file of a document in a dossier the user may see: an officer's unit sees its
    dossiers (`visible_to`), a citizen their own. None for anything else."""
    return (StoredFile.objects
            .filter(pk=file_id, scan_status=ScanStatus.CLEAN,
                    document__dossier__in=Dossier.objects.visible_to(user))
            .exclude(storage_name="")
            .select_related("document__dossier__procedure").first())
