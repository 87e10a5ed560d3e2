"""Uploads over the API: a file sent once (multipart), named by its id in a later
`POST /api/v1/dossiers` (`documents.<field>.upload_id`). Every write goes through services."""

from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, UploadedFile
from ninja import Status as HttpStatus

from haicap.core.errors import ErrorOut, PermissionDenied
from haicap.core.models import ApiScope
from haicap.core.tokens import BearerToken, Caller
from haicap.documents import selectors, services
from haicap.documents.models import ScanStatus, StoredFile
from haicap.documents.scanners import SandboxScanner

router = Router(tags=["documents"])
api_auth = BearerToken()


class UploadOut(Schema):
    id: UUID = Field(..., description="Give it as `upload_id` of a document in "
                     "`POST /api/v1/dossiers`")
    filename: str
    content_type: str = Field(..., description="Read from the file's first bytes: "
                              "application/pdf, image/jpeg or image/png")
    size: int = Field(..., description="Bytes (at most 10 MB)")
    sha256: str
    scan_status: ScanStatus = Field(..., description="clean: may be used in a dossier; "
                                    "failed: the scan is retried within minutes")
    sandbox_scanner: bool = Field(..., description="The virus scan came from the sandbox "
                                  "scanner, not a real anti-virus")
    created_at: datetime
    attached: bool = Field(..., description="Already part of a dossier")


@router.post("/uploads", auth=api_auth,
             response={201: UploadOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut,
                       422: ErrorOut},
             summary="Upload a document (multipart `file`): checked, scanned, kept 24 h "
                     "until a dossier uses it")
def upload(request, file: File[UploadedFile]):
    """The type is read from the file's first bytes (PDF, JPEG, PNG), whatever its name;
    larger than 10 MB is 413 `file_too_large`; a virus is 422 `file_infected`. Sending the
    same file again before it is used returns the same upload."""
    caller: Caller = request.auth
    if not caller.allows(ApiScope.SUBMIT):
        raise PermissionDenied(_("This token may not upload documents."))
    stored = services.store_upload(file, uploader=caller)
    return HttpStatus(201, _out(stored))


@router.get("/uploads/{upload_id}", auth=api_auth,
            response={200: UploadOut, 401: ErrorOut, 404: ErrorOut},
            summary="One of my uploads (its scan status)")
def get_upload(request, upload_id: UUID):
    return _out(selectors.upload_for(request.auth, upload_id))


def _out(stored: StoredFile) -> dict:
    return {"id": stored.pk, "filename": stored.filename, "content_type": stored.content_type,
            "size": stored.size, "sha256": stored.sha256, "scan_status": stored.scan_status,
            "sandbox_scanner": stored.scanner == SandboxScanner.name,
            "created_at": stored.created_at, "attached": stored.document_id is not None}
