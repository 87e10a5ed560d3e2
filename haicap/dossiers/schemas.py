"""The dossier API's bodies, typed: what a partner sends and what it gets back."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from haicap.dossiers.models import Channel, Status, TaskStatus


class ApplicantIn(Schema):
    id_number: str = Field(..., description="CCCD (12 digits) of a person, or the tax code of "
                           "an organization", examples=["048192000123"])
    full_name: str = Field(..., max_length=150)
    address: str = Field(..., max_length=500, description="House number, street, commune and "
                         "province; old (pre-2025) addresses are understood")
    phone: str = Field("", description="10 digits; +84 accepted")
    email: str = Field("", max_length=254)


class DocumentIn(Schema):
    filename: str = Field(..., max_length=255)
    content_type: str = Field(..., description="application/pdf, image/jpeg or image/png")
    pages: int | None = Field(None, ge=1)
    size: int | None = Field(None, ge=0, description="Bytes")
    upload_id: UUID | None = Field(
        None, description="The id of an earlier `POST /api/v1/uploads` of the same caller "
        "(scanned clean, not yet in a dossier)")
    content_base64: str | None = Field(
        None, description="Or the file itself, base64, for small files (at most 10 MB "
        "decoded, within the request size limit); it is stored like an upload: type checked "
        "by its first bytes, SHA-256 recorded, virus-scanned")


class DossierIn(Schema):
    """The body `GET /api/v1/procedures/{code}/example` returns, plus `channel` and
    `applicant`."""

    procedure: str | None = Field(None, description="The procedure's national code",
                                  examples=["1.001193"])
    procedure_code: str | None = Field(None, description="Same as `procedure`")
    channel: Channel = Field(..., description="api for partner systems, online for citizens; "
                             "in_person, post, kiosk for desk officers")
    applicant: ApplicantIn
    form: dict[str, Any] = Field(..., description="The e-form's data fields")
    documents: dict[str, DocumentIn] = Field(
        {}, description="Each file field of the e-form by its name: {filename, content_type, "
        "upload_id} for an earlier upload, {filename, content_type, content_base64} for an "
        "inlined file, or a bare descriptor {filename, content_type, pages or size}")


class DossierUnitOut(Schema):
    code: str
    name: str


class DossierOut(Schema):
    code: str = Field(..., examples=["UB-20194-2026-000001"])
    status: Status
    status_label: str
    national_status: int = Field(..., description="The national portal's status code, 1–10")
    procedure: str = Field(..., description="The procedure's national code")
    procedure_name: str
    channel: Channel
    receiving_unit: DossierUnitOut
    competent_unit: DossierUnitOut
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None = Field(..., description="The appointment (set on reception)")
    finished_at: datetime | None
    returned_at: datetime | None
    lock_version: int = Field(..., description="Send it back with an action; a newer one "
                              "means someone acted meanwhile (409 dossier_changed)")
    tracking_url: str = Field(..., description="Public tracking page (code + CCCD)")


class ApplicantOut(Schema):
    id_number: str
    full_name: str
    address: str
    phone: str
    email: str


class DossierDocumentOut(Schema):
    field_name: str
    filename: str
    content_type: str
    size: int | None
    pages: int | None
    sha256: str


class DossierEventOut(Schema):
    at: datetime
    action: str
    actor: str
    from_status: str
    to_status: str
    note: str


class DossierDetailOut(DossierOut):
    applicant: ApplicantOut
    form: dict[str, Any]
    documents: list[DossierDocumentOut]
    events: list[DossierEventOut] = Field(..., description="The history, oldest first")


class DossierFilters(Schema):
    status: Status | None = None
    procedure: str | None = Field(None, max_length=20, description="A procedure's code")


class ReceiveIn(Schema):
    lock_version: int = Field(..., ge=0)


# -- workflow actions ------------------------------------------------------------------------------

class ActionIn(Schema):
    """An action on the dossier's open step, based on the dossier as the caller last read it."""

    lock_version: int = Field(..., ge=0, description="The dossier's `lock_version` as last "
                              "read; a newer one means someone acted meanwhile (409)")


class NoteIn(ActionIn):
    note: str = Field("", max_length=2000, description="Shown in the history")


class ForwardIn(NoteIn):
    to_step: str | None = Field(None, max_length=64, description="The next step's key, when "
                                "the step has several; default: the first")


class ReasonIn(ActionIn):
    reason: str = Field(..., max_length=4000, description="Required, written on the slip "
                        "(supplement request 02, refusal 03) and in the history")


class ExtendIn(ReasonIn):
    new_due_at: datetime = Field(..., description="The new appointment, later than the "
                                 "current one (apology slip 04)")


class TaskOut(Schema):
    """A step of a dossier's workflow in a unit's queue."""

    id: int
    step: str = Field(..., description="The step's key in the dossier's workflow")
    step_name: str
    role: str = Field(..., description="desk_officer, specialist or leader")
    unit: DossierUnitOut
    status: TaskStatus
    assignee: str | None = Field(..., description="Who claimed it (full name)")
    created_at: datetime
    due_at: datetime = Field(..., description="The step's own deadline")


class QueueTaskOut(TaskOut):
    dossier: str = Field(..., description="The dossier's code")
    dossier_status: Status
    procedure: str
    applicant_name: str


class ActionOut(Schema):
    key: str = Field(..., description="Also the last part of the path that does it: "
                     "`POST /api/v1/dossiers/{code}/{key}`")
    label: str
    needs_reason: bool
    needs_new_date: bool


class DossierActionsOut(Schema):
    code: str
    status: Status
    lock_version: int
    task: TaskOut | None = Field(..., description="The open step, if any")
    actions: list[ActionOut] = Field(..., description="What the caller may do now")


class TaskQueueFilters(Schema):
    queue: str = Field("mine", pattern="^(mine|unit)$", description="mine: my tasks and the "
                       "unclaimed ones of my unit and role; unit: all of them")


class TrackingOut(Schema):
    """What anyone holding the code and the applicant's CCCD may read: no personal data."""

    code: str
    procedure: str
    procedure_name: str
    status: Status
    status_label: str
    national_status: int
    national_status_label: str
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    receiving_unit: str
    competent_unit: str
