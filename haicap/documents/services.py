"""Writes on stored files: uploads, scanning, attaching them to dossiers, pruning.

Signatures other apps call (kept stable):

    store_upload(content: bytes | django.core.files.File, *, uploader: Caller | User,
                 filename: str = "", content_type: str = "") -> StoredFile
        Checks the size (≤ MAX_FILE_BYTES) and the real type by the first bytes (PDF, JPEG,
        PNG; a declared content type must agree), computes the SHA-256, stores the bytes under
        their content address, records the row and scans it. A Django `UploadedFile` gives its
        own name and content type. The same bytes and name uploaded again by the same caller
        while unattached return the first upload (a double click is one upload). Refusals are
        `InvalidInput` with code `file_too_large` (status 413), `empty_file`,
        `invalid_file_type` or `file_infected` (the row is kept as a record, the bytes not).
        A scan that fails leaves the upload `failed`; the worker retries it (tasks.py).

    store_inline(content_base64: str, *, uploader, filename: str, content_type: str)
        -> StoredFile
        The same for a file inlined as base64 in a JSON body; also `invalid_base64`.

    attach_uploads(dossier: Dossier, uploads: dict[str, str]) -> None
        In the caller's transaction (submit_dossier): links each upload (field name → upload
        id) to the dossier's document row of that field (the newest without a file: a
        supplement adds rows to a filed dossier) and copies its size, SHA-256 and content type
        there. Refuses, with InvalidInput code "invalid_form" and
        `details={field: [{"code", "message"}]}`, an upload that is unknown or another
        uploader's (`upload_not_found`), infected (`upload_infected`), not scanned clean yet
        (`upload_not_scanned`) or already in a dossier (`upload_already_used`).

Bytes are written before the dossier's transaction, so a refused submission leaves unattached
uploads behind: `haicap documents prune` deletes them after 24 hours (`prune`).
"""

import base64
import binascii
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.eforms import FILE_SIGNATURES, MAX_FILE_BYTES
from haicap.core import audit
from haicap.core.errors import InvalidInput
from haicap.core.models import User
from haicap.core.tokens import Caller
from haicap.documents import conf
from haicap.documents.models import ScanStatus, StoredFile
from haicap.documents.scanners import ScannerUnavailable, get_scanner
from haicap.dossiers.models import Channel, Dossier, DossierDocument

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# Declared types that say nothing: the bytes decide.
UNSPECIFIC_TYPES = {"", "application/octet-stream"}
# Old or loose names some clients still send for the accepted types.
TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png",
                "application/x-pdf": "application/pdf"}
DESK_CHANNELS = {Channel.IN_PERSON, Channel.POST, Channel.KIOSK}
_UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


# -- storing ---------------------------------------------------------------------------------

def store_upload(content: bytes | File, *, uploader: Caller | User, filename: str = "",
                 content_type: str = "") -> StoredFile:
    caller = uploader if isinstance(uploader, Caller) else Caller(user=uploader)
    file = ContentFile(content, name=filename) if isinstance(content, bytes) else content
    filename = display_name(filename or file.name or "")
    declared = (content_type or getattr(file, "content_type", None) or "")
    declared = declared.split(";")[0].strip().lower()
    declared = TYPE_ALIASES.get(declared, declared)
    size, sha256, detected = _inspect(file)
    if declared not in UNSPECIFIC_TYPES and declared != detected:
        raise _invalid_type()
    earlier = _earlier_upload(caller, sha256, filename)
    if earlier is not None:
        return earlier
    file.seek(0)
    verdict = _scan(file)
    if verdict.status == ScanStatus.INFECTED:
        _record(caller, filename, detected, size, sha256, "", verdict)
        raise InvalidInput(_("A virus was found in the file; it was not stored."),
                           code="file_infected")
    name = _save_bytes(file, sha256, detected)
    return _record(caller, filename, detected, size, sha256, name, verdict)


def store_inline(content_base64: str, *, uploader: Caller | User, filename: str,
                 content_type: str) -> StoredFile:
    if len(content_base64) > (MAX_FILE_BYTES + 2) // 3 * 4 + 4:  # refuse before decoding
        raise _too_large()
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("The file is not valid base64."), code="invalid_base64") from None
    return store_upload(content, uploader=uploader, filename=filename,
                        content_type=content_type)


def display_name(name: str) -> str:
    """The uploader's file name without any folder part or control characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = _UNSAFE_NAME_CHARACTERS.sub("", base).strip()
    return base[-255:] or "document"


def _inspect(file: File) -> tuple[int, str, str]:
    """Size, SHA-256 and the type the first bytes show, reading the file once."""
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise _too_large()
    digest, size, head = hashlib.sha256(), 0, b""
    for chunk in file.chunks():
        if len(head) < 16:
            head += chunk[:16 - len(head)]
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise _too_large()
        digest.update(chunk)
    if size == 0:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    detected = next((kind for kind, signatures in FILE_SIGNATURES.items()
                     if head.startswith(signatures)), None)
    if detected is None:
        raise _invalid_type()
    return size, digest.hexdigest(), detected


def _too_large() -> InvalidInput:
    return InvalidInput(_("The file is larger than 10 MB."), code="file_too_large", status=413)


def _invalid_type() -> InvalidInput:
    return InvalidInput(_("The file's content is not a PDF, JPEG or PNG as its type says."),
                        code="invalid_file_type")


def _earlier_upload(caller: Caller, sha256: str, filename: str) -> StoredFile | None:
    return (StoredFile.objects
            .filter(client=caller.client, sha256=sha256, filename=filename,
                    document__isnull=True)
            .exclude(scan_status=ScanStatus.INFECTED).exclude(storage_name="")
            .order_by("created_at").first())


def _save_bytes(file: File, sha256: str, content_type: str) -> str:
    """Write the bytes under their content address (once: the same bytes share one file)."""
    name = f"{conf.UPLOAD_DIR}/{sha256[:2]}/{sha256}{EXTENSIONS[content_type]}"
    if default_storage.exists(name):
        return name
    file.seek(0)
    return default_storage.save(name, file)


def _record(caller: Caller, filename, content_type, size, sha256, storage_name,
            verdict: "_Verdict") -> StoredFile:
    user = caller.user
    with transaction.atomic():
        upload = StoredFile.objects.create(
            uploaded_by=user, client=caller.client,
            office=user.office if user is not None and user.is_officer else None,
            filename=filename, content_type=content_type, size=size, sha256=sha256,
            storage_name=storage_name, scan_status=verdict.status, scanner=verdict.scanner,
            scan_detail=verdict.detail, scan_attempts=1, scanned_at=verdict.at)
        audit.record("upload.store", upload, summary=f"{filename} {verdict.status}",
                     changes={"sha256": sha256, "size": size, "scan": verdict.status,
                              "scan_detail": verdict.detail})
        if verdict.status == ScanStatus.FAILED:
            _schedule_rescan(upload)
    return upload


# -- scanning --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Verdict:
    status: str
    scanner: str
    detail: str
    at: datetime


def _scan(stream) -> _Verdict:
    scanner = get_scanner()
    try:
        result = scanner.scan(stream)
    except ScannerUnavailable as error:
        return _Verdict(ScanStatus.FAILED, scanner.name, str(error)[:255], timezone.now())
    status = ScanStatus.INFECTED if result.infected else ScanStatus.CLEAN
    return _Verdict(status, scanner.name, result.signature[:255], timezone.now())


def _schedule_rescan(upload: StoredFile) -> None:
    """The worker scans a failed upload again later: 2, 4, 8, 16 … minutes after each try."""
    from haicap.documents.tasks import rescan_upload

    run_after = timezone.now() + timedelta(minutes=2 ** upload.scan_attempts)
    transaction.on_commit(
        lambda: rescan_upload.using(run_after=run_after).enqueue(str(upload.pk)))


def rescan(upload_id: str) -> str:
    """Scan an upload whose scan failed (or never ran) again; the new status."""
    upload = (StoredFile.objects.filter(pk=upload_id)
              .filter(scan_status__in=[ScanStatus.PENDING, ScanStatus.FAILED])
              .exclude(storage_name="").first())
    if upload is None:
        return "skipped"
    with default_storage.open(upload.storage_name, "rb") as stream:
        verdict = _scan(stream)
    with transaction.atomic():
        upload.scan_status, upload.scanner = verdict.status, verdict.scanner
        upload.scan_detail, upload.scanned_at = verdict.detail, verdict.at
        upload.scan_attempts += 1
        if verdict.status == ScanStatus.INFECTED:
            _forget_bytes(upload)
        upload.save(update_fields=["scan_status", "scanner", "scan_detail", "scanned_at",
                                   "scan_attempts", "storage_name"])
        audit.record("upload.rescan", upload, summary=f"{upload.filename} {verdict.status}",
                     changes={"scan": verdict.status, "scan_detail": verdict.detail})
        if verdict.status == ScanStatus.FAILED and upload.scan_attempts < conf.RESCAN_ATTEMPTS:
            _schedule_rescan(upload)
    return upload.scan_status


def _forget_bytes(upload: StoredFile) -> None:
    name, upload.storage_name = upload.storage_name, ""
    shared = StoredFile.objects.filter(storage_name=name).exclude(pk=upload.pk).exists()
    if not shared:
        transaction.on_commit(lambda: default_storage.delete(name))


# -- attaching -------------------------------------------------------------------------------

def attach_uploads(dossier: Dossier, uploads: dict[str, str]) -> None:
    """See the module docstring. One query for the uploads, one for the rows, one update each."""
    documents = {row.field_name: row for row in
                 dossier.documents.filter(field_name__in=list(uploads),
                                          stored_file__isnull=True).order_by("id")}
    found = StoredFile.objects.select_for_update().in_bulk(
        [key for key in map(_as_uuid, uploads.values()) if key is not None])
    errors, linked = {}, []
    for field, upload_id in uploads.items():
        upload = found.get(_as_uuid(upload_id))
        problem = _attach_problem(upload, dossier)
        if problem is None and field not in documents:
            problem = ("upload_field_unknown", _("The dossier has no document of this field."))
        if problem is not None:
            errors[field] = [{"code": problem[0], "message": problem[1]}]
        else:
            linked.append((documents[field], upload))
    if errors:
        raise InvalidInput(_("The form has errors; see details for each field."),
                           code="invalid_form", details=errors)
    for document, upload in linked:
        _link(document, upload)
    audit.record("upload.attach", dossier, summary=dossier.code,
                 changes={field: str(upload_id) for field, upload_id in uploads.items()})


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _attach_problem(upload: StoredFile | None, dossier: Dossier) -> tuple[str, str] | None:
    if upload is None or not _uploaded_by_submitter(upload, dossier):
        return "upload_not_found", _("No upload of yours has this id.")
    if upload.scan_status == ScanStatus.INFECTED:
        return "upload_infected", _("A virus was found in this upload.")
    if upload.scan_status != ScanStatus.CLEAN:
        return "upload_not_scanned", _("The virus scan of this upload has not finished; try "
                                       "again in a few minutes.")
    if upload.document_id is not None:
        return "upload_already_used", _("This upload is already part of a dossier.")
    return None


def _uploaded_by_submitter(upload: StoredFile, dossier: Dossier) -> bool:
    """The applicant's own uploads (a citizen's dossier, a supplement to it); a partner
    system's own in the dossiers it sends; the receiving desk unit's in a desk dossier."""
    if dossier.applicant_id is not None and upload.uploaded_by_id == dossier.applicant_id:
        return True
    if dossier.channel == Channel.API:
        return bool(dossier.idempotency_client) and upload.client == dossier.idempotency_client
    if dossier.channel in DESK_CHANNELS:
        return upload.office_id is not None and upload.office_id == dossier.receiving_office_id
    return False


def _link(document: DossierDocument, upload: StoredFile) -> None:
    linked = (StoredFile.objects.filter(pk=upload.pk, document__isnull=True)
              .update(document=document, attached_at=timezone.now()))
    if not linked:  # another submission took it between our read and this write
        raise InvalidInput(_("The form has errors; see details for each field."),
                           code="invalid_form", details={document.field_name: [{
                               "code": "upload_already_used",
                               "message": _("This upload is already part of a dossier.")}]})
    document.size, document.sha256 = upload.size, upload.sha256
    document.content_type = upload.content_type
    document.filename = document.filename or upload.filename
    document.save(update_fields=["size", "sha256", "content_type", "filename"])


# -- pruning ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PruneReport:
    uploads: int
    files: int


def prune(now: datetime | None = None) -> PruneReport:
    """Delete uploads never attached to a dossier within 24 hours, and their files; and files
    under the uploads folder that no row names (an hour old at least: a row may be coming)."""
    now = now or timezone.now()
    stale = StoredFile.objects.filter(document__isnull=True,
                                      created_at__lt=now - conf.UNATTACHED_MAX_AGE)
    with transaction.atomic():
        names = set(stale.exclude(storage_name="").values_list("storage_name", flat=True))
        uploads, _counts = stale.delete()
        still_used = set(StoredFile.objects.filter(storage_name__in=names)
                         .values_list("storage_name", flat=True))
        unused = names - still_used
        audit.record("upload.prune", object_type="documents.storedfile",
                     summary=f"{uploads} uploads, {len(unused)} files")
    for name in unused:
        default_storage.delete(name)
    orphans = _orphan_files(now - conf.ORPHAN_FILE_MIN_AGE)
    for name in orphans:
        default_storage.delete(name)
    return PruneReport(uploads=uploads, files=len(unused) + len(orphans))


def _orphan_files(older_than: datetime) -> list[str]:
    if not default_storage.exists(conf.UPLOAD_DIR):
        return []
    orphans = []
    folders, _files = default_storage.listdir(conf.UPLOAD_DIR)
    for folder in folders:
        _subfolders, files = default_storage.listdir(f"{conf.UPLOAD_DIR}/{folder}")
        names = {f"{conf.UPLOAD_DIR}/{folder}/{file}" for file in files}
        known = set(StoredFile.objects.filter(storage_name__in=names)
                    .values_list("storage_name", flat=True))
        orphans += [name for name in sorted(names - known)
                    if default_storage.get_modified_time(name) < older_than]
    return orphans


def stored_descriptor(file, *, uploader: Caller | User, field: str) -> dict:
    """Store one posted file and describe it as the dossier verbs take a document (with its
    `upload_id`); a refusal (too large, not what it says, infected) names the form field."""
    try:
        upload = store_upload(file, uploader=uploader)
    except InvalidInput as error:
        raise InvalidInput(error.message, code=error.code, details={
            field: [{"code": error.code, "message": error.message}]}) from None
    return {"filename": upload.filename, "content_type": upload.content_type,
            "size": upload.size, "sha256": upload.sha256, "upload_id": str(upload.pk)}
