"""Dossiers over the API: submit (idempotent), list, read, receive, the workflow actions of
officers and their task queue, and public tracking.

Partner systems sign in with `Authorization: Bearer <token>`; people with their portal session.
Every write goes through the dossier services; this module only translates HTTP.
"""

import base64
import binascii
import hashlib

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja import Status as HttpStatus
from ninja.pagination import LimitOffsetPagination, paginate

from haicap.core.errors import ErrorOut, InvalidInput, PermissionDenied
from haicap.core.models import ApiScope
from haicap.core.roles import Role
from haicap.core.tokens import BearerToken, Caller
from haicap.documents.models import StoredFile
from haicap.documents.services import store_inline
from haicap.dossiers import actions as officer_actions
from haicap.dossiers import engine, selectors, services, withdrawals
from haicap.dossiers.models import Channel, Dossier, Task
from haicap.dossiers.schemas import (
    ActionIn,
    DocumentIn,
    DossierActionsOut,
    DossierDetailOut,
    DossierFilters,
    DossierIn,
    DossierOut,
    ExtendIn,
    ForwardIn,
    NoteIn,
    QueueTaskOut,
    ReasonIn,
    ReceiveIn,
    TaskQueueFilters,
    TrackingOut,
)

router = Router(tags=["dossiers"])
api_auth = BearerToken()

IDEMPOTENCY_KEY_MAX = 128
LIST_COUNT_CAP = 1000  # the dossier list counts no further
DESK_CHANNELS = {Channel.IN_PERSON, Channel.POST, Channel.KIOSK}


@router.post("/dossiers", auth=api_auth,
             response={200: DossierOut, 201: DossierOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut, 422: ErrorOut},
             summary="Submit a dossier (201; a retry with the same Idempotency-Key: 200, the "
                     "same dossier)")
def submit(request, payload: DossierIn,
           idempotency_key: str = Header("", alias="Idempotency-Key",
                                         description="At most 128 characters; a retry with "
                                         "the same key and body returns the first dossier")):
    """Accepts the body of `GET /api/v1/procedures/{code}/example` plus `channel` and
    `applicant`. Nothing is stored unless the whole submission is valid (422 with field errors).

    A document is an earlier upload (`upload_id` of `POST /api/v1/uploads`) or a small file
    inlined as base64 (`content_base64`), stored the same way (≤ 10 MB, real type by its first
    bytes, SHA-256, virus scan); a problem with one is a 422 with details under its field.
    """
    caller: Caller = request.auth
    receiving_office = _check_channel(caller, payload.channel)
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise InvalidInput(_("The Idempotency-Key header is longer than 128 characters."),
                           code="invalid_idempotency_key")
    procedure_code = payload.procedure or payload.procedure_code
    if not procedure_code:
        raise InvalidInput(_("Name the procedure by its code."), code="procedure_required",
                           details={"procedure": [{"code": "required",
                                                   "message": _("This field is required.")}]})
    applicant = payload.applicant
    submission = services.submit_dossier(
        procedure_code=procedure_code, channel=payload.channel,
        applicant=services.Applicant(id_number=applicant.id_number.strip(),
                                     full_name=applicant.full_name, address=applicant.address,
                                     phone=applicant.phone, email=applicant.email),
        form=payload.form,
        documents=_descriptors(payload.documents, caller, idempotency_key),
        receiving_office=receiving_office, submitted_by=caller.user,
        idempotency_key=idempotency_key, idempotency_client=caller.client)
    return HttpStatus(201 if submission.created else 200, _summary(request, submission.dossier))


@router.get("/dossiers", auth=api_auth, response={200: list[DossierOut], 401: ErrorOut,
                                                  403: ErrorOut},
            summary="Dossiers I may see (a partner: those it submitted), newest first")
@paginate(LimitOffsetPagination)
def list_dossiers(request, filters: Query[DossierFilters]):
    """`count` is exact up to 1,000; 1,001 means "more than 1,000" (a commune's tens of
    thousands of dossiers are not counted for every page). Page on with `offset` until a page
    comes back short."""
    caller = _reader(request)
    dossiers = selectors.dossier_list(caller, status=filters.status,
                                      procedure=filters.procedure)
    return _Page(dossiers, lambda dossier: _summary(request, dossier), count_cap=LIST_COUNT_CAP)


@router.get("/dossiers/{code}", auth=api_auth,
            response={200: DossierDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="One dossier with its documents and history")
def get_dossier(request, code: str):
    dossier = selectors.dossier_for(_reader(request), code)
    return _detail(request, dossier)


@router.post("/dossiers/{code}/receive", auth=api_auth,
             response={200: DossierOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut},
             summary="A desk officer receives an online dossier: the appointment is set")
def receive(request, code: str, payload: ReceiveIn):
    caller: Caller = request.auth
    if caller.user is None:
        raise PermissionDenied(_("Only a one-stop desk officer receives dossiers."))
    dossier = selectors.dossier_for(caller, code)
    dossier = services.receive_dossier(officer=caller.user, dossier=dossier,
                                       lock_version=payload.lock_version)
    return _summary(request, dossier)


# -- workflow actions (officers of the unit and role holding the step) -------------------------

ACTED = {200: DossierOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
         422: ErrorOut}


@router.get("/dossiers/{code}/actions", auth=api_auth,
            response={200: DossierActionsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="The dossier's open step and the actions the calling officer may take now")
def dossier_actions(request, code: str):
    officer = _officer(request)
    dossier = selectors.dossier_for(Caller(user=officer), code)
    task = _open_task(dossier)
    return {"code": dossier.code, "status": dossier.status,
            "lock_version": dossier.lock_version,
            "task": _task(task) if task else None,
            "actions": [{"key": action.key, "label": str(action.label),
                         "needs_reason": action.reason, "needs_new_date": action.new_date}
                        for action in officer_actions.available(officer, dossier, task)]}


@router.post("/dossiers/{code}/claim", auth=api_auth, response=ACTED,
             summary="Take the open step into my own queue")
def claim(request, code: str, payload: ActionIn):
    return _on_task(request, code, engine.claim_task, lock_version=payload.lock_version)


@router.post("/dossiers/{code}/forward", auth=api_auth, response=ACTED,
             summary="Step done: hand the dossier to the next step's unit")
def forward(request, code: str, payload: ForwardIn):
    return _on_task(request, code, engine.forward, **payload.dict())


@router.post("/dossiers/{code}/approve", auth=api_auth, response=ACTED,
             summary="The leader approves; the dossier moves on")
def approve(request, code: str, payload: NoteIn):
    return _on_task(request, code, engine.approve, **payload.dict())


@router.post("/dossiers/{code}/sign", auth=api_auth, response=ACTED,
             summary="The result is signed; the dossier moves on")
def sign(request, code: str, payload: NoteIn):
    return _on_task(request, code, engine.sign, **payload.dict())


@router.post("/dossiers/{code}/finish", auth=api_auth, response=ACTED,
             summary="The result is ready (at a step that makes it)")
def finish(request, code: str, payload: NoteIn):
    return _on_task(request, code, engine.finish, **payload.dict())


@router.post("/dossiers/{code}/send_back", auth=api_auth, response=ACTED,
             summary="Send the dossier back to the previous step, with a reason")
def send_back(request, code: str, payload: ReasonIn):
    return _on_task(request, code, engine.return_to_previous, **payload.dict())


@router.post("/dossiers/{code}/return_result", auth=api_auth, response=ACTED,
             summary="The result is handed to the applicant")
def return_result(request, code: str, payload: NoteIn):
    return _on_task(request, code, engine.return_result, **payload.dict())


@router.post("/dossiers/{code}/hand_off", auth=api_auth, response=ACTED,
             summary="Start the linked procedure of a hand-off step (liên thông)")
def hand_off(request, code: str, payload: ActionIn):
    return _on_task(request, code, engine.hand_off, lock_version=payload.lock_version)


@router.post("/dossiers/{code}/request_supplement", auth=api_auth, response=ACTED,
             summary="Ask the applicant for a supplement (slip 02; once per dossier), at "
                     "reception or at the open step")
def request_supplement(request, code: str, payload: ReasonIn):
    return _on_dossier(request, code, engine.request_supplement, with_task=True,
                       **payload.dict())


@router.post("/dossiers/{code}/receive_supplement", auth=api_auth, response=ACTED,
             summary="The supplement arrived: the clock runs again")
def receive_supplement(request, code: str, payload: NoteIn):
    return _on_dossier(request, code, engine.receive_supplement, **payload.dict())


@router.post("/dossiers/{code}/refuse", auth=api_auth, response=ACTED,
             summary="Refuse with written reasons (slip 03): not received at reception, "
                     "stopped in process")
def refuse(request, code: str, payload: ReasonIn):
    return _on_dossier(request, code, engine.refuse, with_task=True, **payload.dict())


@router.post("/dossiers/{code}/withdraw", auth=api_auth, response=ACTED,
             summary="Withdraw the dossier at the applicant's written request (a desk; "
                     "national status 7)")
def withdraw(request, code: str, payload: ReasonIn):
    return _on_dossier(request, code, _withdraw, **payload.dict())


def _withdraw(*, officer, **arguments):
    return withdrawals.withdraw_dossier(actor=officer, **arguments)


@router.post("/dossiers/{code}/extend", auth=api_auth, response=ACTED,
             summary="Apologise and set a later appointment (slip 04)")
def extend(request, code: str, payload: ExtendIn):
    return _on_dossier(request, code, engine.extend_with_apology, **payload.dict())


@router.get("/tasks", auth=api_auth, response={200: list[QueueTaskOut], 401: ErrorOut,
                                               403: ErrorOut},
            summary="My task queue (or my unit's), earliest due first")
@paginate(LimitOffsetPagination)
def task_queue(request, filters: Query[TaskQueueFilters]):
    officer = _officer(request)
    tasks = (Task.objects.queue_of_unit(officer) if filters.queue == "unit"
             else Task.objects.queue_of(officer))
    tasks = tasks.select_related("dossier", "procedure", "office", "assignee")
    return _Page(tasks.order_by("due_at", "id"), _queue_row)


@router.get("/tracking/{code}", response={200: TrackingOut, 404: ErrorOut},
            summary="Public tracking by dossier code and the applicant's CCCD (no sign-in)")
def track(request, code: str, id_number: str = Query(..., max_length=20)):
    dossier = selectors.tracked_dossier(code, id_number)
    national = dossier.national_status
    return {
        "code": dossier.code, "procedure": dossier.procedure.code,
        "procedure_name": dossier.procedure.name, "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "national_status": int(national), "national_status_label": str(national.label),
        "received_at": dossier.received_at, "due_at": dossier.due_at,
        "finished_at": dossier.finished_at, "returned_at": dossier.returned_at,
        "receiving_unit": dossier.receiving_office.name,
        "competent_unit": dossier.competent_office.name,
    }


# -- helpers -------------------------------------------------------------------------------------

def _check_channel(caller: Caller, channel: str):
    """The channel the caller may use, and the receiving desk it implies (or None)."""
    if caller.partner is not None:
        if not caller.allows(ApiScope.SUBMIT):
            raise PermissionDenied(_("This token may not submit dossiers."))
        if channel != Channel.API:
            raise InvalidInput(_("A partner system submits with channel “api”."),
                               code="channel_not_allowed")
        return None
    user = caller.user
    if user.role == Role.CITIZEN:
        if channel != Channel.ONLINE:
            raise InvalidInput(_("A citizen submits with channel “online”."),
                               code="channel_not_allowed")
        return None
    if user.role == Role.DESK_OFFICER and user.office is not None:
        if channel not in DESK_CHANNELS:
            raise InvalidInput(_("A desk officer submits with channel “in_person”, “post” "
                                 "or “kiosk”."), code="channel_not_allowed")
        return user.office
    raise PermissionDenied(_("Only citizens, desk officers and partner systems submit "
                             "dossiers."))


def _reader(request) -> Caller:
    caller: Caller = request.auth
    if not caller.allows(ApiScope.READ_OWN):
        raise PermissionDenied(_("This token may not read dossiers."))
    return caller


def _officer(request):
    """The signed-in officer; partner systems and citizens do not act on dossiers."""
    user = request.auth.user
    if user is None or not user.is_officer:
        raise PermissionDenied(_("Only officers act on dossiers."))
    return user


def _open_task(dossier: Dossier) -> Task | None:
    return (Task.objects.filter(dossier=dossier).active()
            .select_related("office", "assignee").first())


def _on_task(request, code: str, verb, **arguments) -> dict:
    """Call an engine verb on the dossier's open step; the engine checks who may act."""
    officer = _officer(request)
    dossier = selectors.dossier_for(Caller(user=officer), code)
    task = _open_task(dossier)
    if task is None:
        raise services.Conflict(_("This step is already closed."), code="task_closed")
    verb(officer=officer, task=task, **arguments)
    dossier.refresh_from_db()
    return _summary(request, dossier)


def _on_dossier(request, code: str, verb, *, with_task: bool = False, **arguments) -> dict:
    """Call an engine verb on the dossier (with its open step, if any, when the verb acts at
    reception without one and on the step with it)."""
    officer = _officer(request)
    dossier = selectors.dossier_for(Caller(user=officer), code)
    if with_task:
        arguments["task"] = _open_task(dossier)
    verb(officer=officer, dossier=dossier, **arguments)
    dossier.refresh_from_db()
    return _summary(request, dossier)


def _descriptors(documents: dict[str, DocumentIn], caller: Caller,
                 idempotency_key: str) -> dict[str, dict]:
    """Descriptors for submit_dossier; an inlined file is stored first and named by its
    upload id, size and SHA-256, like an earlier upload."""
    inlined = any(document.content_base64 is not None for document in documents.values())
    earlier = _files_of_earlier_submission(caller, idempotency_key) if inlined else {}
    descriptors, errors = {}, {}
    for name, document in documents.items():
        descriptor = document.dict(exclude_none=True, exclude={"content_base64"})
        if document.upload_id is not None:
            descriptor["upload_id"] = str(document.upload_id)
        if document.content_base64 is not None:
            try:
                stored = _stored(document, caller, earlier.get(name))
            except InvalidInput as bad:
                errors[name] = [{"code": bad.code, "message": bad.message}]
                continue
            descriptor.update(size=stored.size, sha256=stored.sha256, upload_id=str(stored.pk))
        descriptors[name] = descriptor
    if errors:
        raise InvalidInput(_("The form has errors; see details for each field."),
                           code="invalid_form", details=errors)
    return descriptors


def _stored(document: DocumentIn, caller: Caller, earlier: StoredFile | None) -> StoredFile:
    """The inlined file, stored. A retry of a submission already made sends the same bytes
    again: they are the file stored the first time, so the retry describes its documents as
    the first request did and gets the same dossier back."""
    if document.upload_id is not None:
        raise InvalidInput(_("Send either an upload id or the file itself, not both."),
                           code="upload_and_inline_file")
    if earlier is not None and earlier.sha256 == _sha256(document.content_base64):
        return earlier
    return store_inline(document.content_base64, uploader=caller, filename=document.filename,
                        content_type=document.content_type)


def _sha256(content_base64: str) -> str:
    try:
        return hashlib.sha256(base64.b64decode(content_base64, validate=True)).hexdigest()
    except (binascii.Error, ValueError):
        return ""


def _files_of_earlier_submission(caller: Caller, idempotency_key: str) -> dict:
    """The stored files of the dossier an earlier request with this key made, by field."""
    if not idempotency_key:
        return {}
    files = StoredFile.objects.filter(document__dossier__idempotency_client=caller.client,
                                      document__dossier__idempotency_key=idempotency_key)
    return {stored.document.field_name: stored for stored in files.select_related("document")}


def _tracking_url(request, dossier: Dossier) -> str:
    return request.build_absolute_uri(f"{reverse('dossiers:tracking')}?code={dossier.code}")


def _summary(request, dossier: Dossier) -> dict:
    return {
        "code": dossier.code, "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "national_status": int(dossier.national_status),
        "procedure": dossier.procedure.code, "procedure_name": dossier.procedure.name,
        "channel": dossier.channel,
        "receiving_unit": {"code": dossier.receiving_office.code,
                           "name": dossier.receiving_office.name},
        "competent_unit": {"code": dossier.competent_office.code,
                           "name": dossier.competent_office.name},
        "submitted_at": dossier.submitted_at, "received_at": dossier.received_at,
        "due_at": dossier.due_at, "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at, "lock_version": dossier.lock_version,
        "tracking_url": _tracking_url(request, dossier),
    }


def _detail(request, dossier: Dossier) -> dict:
    return {
        **_summary(request, dossier),
        "applicant": {"id_number": dossier.applicant_id_number,
                      "full_name": dossier.applicant_name,
                      "address": dossier.applicant_address, "phone": dossier.applicant_phone,
                      "email": dossier.applicant_email},
        "form": dossier.form_data,
        "documents": [{"field_name": doc.field_name, "filename": doc.filename,
                       "content_type": doc.content_type, "size": doc.size, "pages": doc.pages,
                       "sha256": doc.sha256} for doc in dossier.documents.all()],
        "events": [{"at": event.at, "action": event.action, "actor": event.actor,
                    "from_status": event.from_status, "to_status": event.to_status,
                    "note": event.note} for event in dossier.events.all()],
    }


def _task(task: Task) -> dict:
    return {"id": task.pk, "step": task.step_key, "step_name": task.step_name,
            "role": task.role, "unit": {"code": task.office.code, "name": task.office.name},
            "status": task.status,
            "assignee": task.assignee.full_name if task.assignee else None,
            "created_at": task.created_at, "due_at": task.due_at}


def _queue_row(task: Task) -> dict:
    dossier = task.dossier
    return {**_task(task), "dossier": dossier.code, "dossier_status": dossier.status,
            "procedure": task.procedure.code, "applicant_name": dossier.applicant_name}


class _Page:
    """A queryset that the paginator slices and counts (up to `count_cap` when given: then
    `count_cap + 1` means more), each row rendered per page."""

    def __init__(self, queryset, render, *, count_cap: int | None = None):
        self.queryset, self.render, self.count_cap = queryset, render, count_cap

    def count(self) -> int:
        if self.count_cap is None:
            return self.queryset.count()
        return selectors.bounded_count(self.queryset, self.count_cap)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return [self.render(row) for row in self.queryset[index]]

