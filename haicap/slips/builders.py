"""Dossiers to slips: the typed contexts of forms 01–04, 06 and 07 filled from the database.

Each builder reads one dossier (or one office's register) and returns a frozen context of
`haicap.slips.contexts`; a slip that does not apply to the dossier (a supplement request
slip without a supplement request, a refusal slip of a dossier nobody refused…) raises
`NotFound`. Access is the caller's business: the views build from a scoped queryset.

The slips are legal forms and print in Vietnamese whatever the reader's language, so the
labels here are plain Vietnamese (ADR 0005), not translated strings.

`base_url` is the site's scheme and host ("https://dichvucong.example.gov.vn"); the QR code
of every slip leads to the public tracking page with the dossier code only, never the CCCD.
"""

from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from haicap.catalog.spec import CopyKind, DeadlineUnit, FetchSource
from haicap.core.errors import NotFound
from haicap.core.models import Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.dossiers.models import Channel, Dossier, DossierEvent, Extension
from haicap.dossiers.models import SupplementRequest as SupplementRequestRow
from haicap.slips.contexts import (
    ApologySlip,
    ControlEntry,
    ControlSheet,
    DossierRegister,
    ReceiptSlip,
    RefusalSlip,
    RegisterRow,
    SlipApplicant,
    SlipDocument,
    SlipFee,
    SlipUnit,
    SupplementRequest,
    Timeliness,
)

COPY_KIND = {
    CopyKind.ORIGINAL: "Bản chính",
    CopyKind.COPY: "Bản sao",
    CopyKind.CERTIFIED_COPY: "Bản sao có chứng thực",
    CopyKind.ELECTRONIC: "Bản điện tử",
}
# Short: the form's "Hình thức" column is narrow (CSDL = cơ sở dữ liệu).
FETCH_SOURCE = {
    FetchSource.POPULATION: "CSDL dân cư",
    FetchSource.CIVIL_STATUS: "CSDL hộ tịch",
    FetchSource.INSURANCE: "CSDL bảo hiểm",
    FetchSource.BUSINESS_REGISTRY: "CSDL đăng ký doanh nghiệp",
    FetchSource.LAND: "CSDL đất đai",
}
DEADLINE_UNIT = {
    DeadlineUnit.WORKING_DAYS: "ngày làm việc",
    DeadlineUnit.WORKING_HOURS: "giờ làm việc",
    DeadlineUnit.CALENDAR_DAYS: "ngày",
}
ROLE = {
    Role.DESK_OFFICER: "Bộ phận Một cửa",
    Role.SPECIALIST: "Công chức chuyên môn",
    Role.LEADER: "Lãnh đạo",
}
RESULT_DELIVERY = {
    "online": "Nhận kết quả điện tử trên Cổng dịch vụ công",
    "post": "Qua dịch vụ bưu chính công ích",
}
APPLICANT = "Người nộp hồ sơ"
DESK = "Bộ phận Một cửa"
# Events that hand the dossier over (form 06): their data carries the control-sheet entry the
# engine wrote. Claiming a task keeps it in the same hands; an extension is no hand-over.
NOT_HAND_OVERS = ("claim", "extend")
ACTION_NOTES = {
    "send_back": "Trả lại bước trước",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "receive_supplement": "Nhận hồ sơ bổ sung",
    "refuse": "Từ chối",
    "return_result": "Trả kết quả",
    "hand_off": "Chuyển thủ tục liên thông",
}


def tracking_url(base_url: str, code: str = "") -> str:
    """The public tracking page, with the dossier code filled in (nothing else)."""
    url = base_url.rstrip("/") + reverse("dossiers:tracking")
    return f"{url}?code={quote(code)}" if code else url


# -- the parts every slip has ----------------------------------------------------------------------

def slip_unit(office: Office) -> SlipUnit:
    """The issuing unit: a commune's one-stop desk under its People's Committee, or a province
    unit under the province's People's Committee."""
    province = office.province.name
    place = province.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    if office.kind == OfficeKind.COMMUNE:
        return SlipUnit(name=DESK, parent_name=office.name, place_name=place)
    return SlipUnit(name=office.name, parent_name=f"UBND {province}", place_name=place)


def _desk_of(office: Office) -> str:
    """Where a result is handed over at a desk: "Bộ phận Một cửa UBND Phường Hải Châu"."""
    return f"{DESK} {office.name}" if office.kind == OfficeKind.COMMUNE else office.name


def _applicant(dossier: Dossier) -> SlipApplicant:
    return SlipApplicant(full_name=dossier.applicant_name, id_number=dossier.applicant_id_number,
                         phone=dossier.applicant_phone, address=dossier.applicant_address,
                         email=dossier.applicant_email)


def _dossier_fields(dossier: Dossier, base_url: str, unit: Office, issued_on: date) -> dict:
    return {
        "unit": slip_unit(unit),
        "issued_on": issued_on,
        "tracking_url": tracking_url(base_url, dossier.code),
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.spec.name,
        "procedure_code": dossier.procedure.code,
        "applicant": _applicant(dossier),
        "received_at": dossier.received_at or dossier.submitted_at,
    }


def _officers(user_ids) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(
        pk__in={pk for pk in user_ids if pk is not None})}


def _name_of(user: User | None, fallback: str = "") -> str:
    return (user.full_name or user.username) if user is not None else fallback


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _last_event(dossier: Dossier, action: str) -> DossierEvent:
    event = dossier.events.filter(action=action).order_by("-at", "-id").first()
    if event is None:
        raise NotFound(f"no {action} event", code="slip_not_applicable")
    return event


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


# -- form 01 ---------------------------------------------------------------------------------------

def receipt_slip(dossier: Dossier, base_url: str) -> ReceiptSlip:
    """Form 01, as given at reception: the documents received (once-only ones noted as fetched,
    not handed in), the fees due, the appointment of the reception (moved by a supplement pause,
    never by an apology: that is form 04)."""
    if dossier.received_at is None:
        raise NotFound("the dossier has not been received", code="slip_not_applicable")
    spec = dossier.procedure_version.spec
    receive = _last_event(dossier, "receive")
    officer = User.objects.filter(pk=receive.actor_id).first() if receive.actor_id else None
    appointment = timezone.localtime(dossier.original_due_at or dossier.due_at)
    hours = spec.deadline.unit == DeadlineUnit.WORKING_HOURS
    online = dossier.channel in (Channel.ONLINE, Channel.API)
    office = receive.office or dossier.receiving_office
    fees = tuple(SlipFee(fee.name, amount) for fee in spec.fees
                 if (amount := fee.amount_for(online=online)) > 0)
    return ReceiptSlip(
        **_dossier_fields(dossier, base_url, office, _local_date(dossier.received_at)),
        documents=_documents(dossier),
        deadline_label=_deadline_label(spec.deadline),
        appointment_date=appointment.date(),
        appointment_time=appointment.time().replace(second=0, microsecond=0) if hours else None,
        result_collection=RESULT_DELIVERY.get(dossier.form_data.get("result_delivery"),
                                              _desk_of(office)),
        officer_name=_name_of(officer, receive.actor),
        fees=fees,
    )


def _documents(dossier: Dossier) -> tuple[SlipDocument, ...]:
    """The catalogue's documents this dossier has (uploaded, or declared on the e-form), the
    once-only ones fetched from a national database, then any other file received."""
    spec = dossier.procedure_version.spec
    uploaded = {document.field_name: document for document in dossier.documents.all()}
    files = set(uploaded)
    documents = []
    for document in spec.documents:
        kind = COPY_KIND.get(document.copy_kind, str(document.copy_kind.label))
        if document.fetch_from is not None:
            source = FETCH_SOURCE.get(document.fetch_from, str(document.fetch_from.label))
            if document.required:  # an optional lookup is no document of the dossier
                label = f"Khai thác từ {source}, không phải nộp"
                documents.append(SlipDocument(document.name, label, document.count))
        elif document.form_field in uploaded:
            files.discard(document.form_field)
            documents.append(SlipDocument(document.name, kind, document.count))
        elif document.form_field and dossier.form_data.get(document.form_field) not in (
                None, ""):
            documents.append(SlipDocument(document.name, kind, document.count))
    for name in sorted(files):
        documents.append(SlipDocument(uploaded[name].filename or name, COPY_KIND[
            CopyKind.ELECTRONIC]))
    return tuple(documents)


def _deadline_label(deadline) -> str:
    if deadline.unit == DeadlineUnit.SAME_DAY:
        return "Trong ngày làm việc"
    return f"{deadline.value:02d} {DEADLINE_UNIT[deadline.unit]}"


# -- forms 02, 03, 04 ------------------------------------------------------------------------------

def supplement_request_slip(dossier: Dossier, base_url: str) -> SupplementRequest:
    """Form 02, from the dossier's one supplement request."""
    request = (SupplementRequestRow.objects.select_related("requested_by__office", "task__office")
               .filter(dossier=dossier).first())
    if request is None:
        raise NotFound("no supplement request", code="slip_not_applicable")
    office = (request.task.office if request.task else None) or request.requested_by.office \
        or dossier.receiving_office
    return SupplementRequest(
        **_dossier_fields(dossier, base_url, office, _local_date(request.requested_at)),
        items=_lines(request.reason) or (request.reason,),
        reason="Hồ sơ chưa đầy đủ, chưa hợp lệ theo quy định.",
        officer_name=_name_of(request.requested_by),
    )


def refusal_slip(dossier: Dossier, base_url: str) -> RefusalSlip:
    """Form 03, from the refusal: its written reasons, one a line."""
    event = _last_event(dossier, "refuse")
    officer = User.objects.filter(pk=event.actor_id).first() if event.actor_id else None
    return RefusalSlip(
        **_dossier_fields(dossier, base_url, event.office or dossier.receiving_office,
                          _local_date(event.at)),
        reasons=_lines(event.note) or (event.note,),
        officer_name=_name_of(officer, event.actor),
    )


def apology_slip(dossier: Dossier, extension: Extension, base_url: str) -> ApologySlip:
    """Form 04, for one apology and new appointment of the dossier."""
    if extension is None or extension.dossier_id != dossier.pk:
        raise NotFound("no such extension", code="slip_not_applicable")
    return ApologySlip(
        **_dossier_fields(dossier, base_url, extension.office, _local_date(extension.created_at)),
        original_appointment=extension.previous_due_at,
        new_appointment=extension.new_due_at,
        reason=extension.reason,
        signer_name=_name_of(extension.created_by),
    )


def latest_extension(dossier: Dossier) -> Extension:
    extension = (dossier.extensions.select_related("office__province", "created_by")
                 .order_by("-created_at", "-id").first())
    if extension is None:
        raise NotFound("no extension", code="slip_not_applicable")
    return extension


# -- form 06 ---------------------------------------------------------------------------------------

def control_sheet(dossier: Dossier, base_url: str) -> ControlSheet:
    """Form 06: one entry per hand-over event, in order: the step handed over, from which unit
    (and officer) to which unit and role, when, the step's due time and whether it was done on
    time, as the engine recorded it when the step closed."""
    events = [event for event in dossier.events.order_by("at", "id")
              if "step" in event.data and event.action not in NOT_HAND_OVERS]
    steps = {step.key: step.name for step in dossier.procedure_version.spec.workflow.steps}
    office_ids = {event.data.get(key) for event in events
                  for key in ("from_office", "to_office")}
    offices = {office.pk: office.name
               for office in Office.objects.filter(pk__in=office_ids - {None})}
    officers = _officers(event.actor_id for event in events)
    entries = []
    for event in events:
        data = event.data
        officer = officers.get(event.actor_id)
        giver = _party(ROLE.get(officer.role) if officer else None,
                       offices.get(data.get("from_office"), ""),
                       _name_of(officer) if officer else "")
        if event.action == "receive_supplement":
            giver = APPLICANT
        # Reception is done when the dossier is handed on; the other steps close with the
        # time the engine measured them against.
        done = "on_time" in data or event.action == "receive"
        entries.append(ControlEntry(
            step_name=steps.get(data["step"]) or data["step"] or ACTION_NOTES.get(
                event.action, event.action),
            handed_from=giver,
            handed_to=_receiver(event, offices),
            handed_at=event.at,
            deadline=_datetime(data.get("step_due_at")),
            done_at=event.at if done else None,
            timeliness=(None if "on_time" not in data
                        else Timeliness.ON_TIME if data["on_time"] else Timeliness.LATE),
            note="; ".join(part for part in (ACTION_NOTES.get(event.action, ""), event.note)
                           if part),
        ))
    due = dossier.due_at or dossier.submitted_at
    return ControlSheet(
        unit=slip_unit(dossier.receiving_office), issued_on=timezone.localdate(),
        tracking_url=tracking_url(base_url, dossier.code), dossier_code=dossier.code,
        procedure_name=dossier.procedure_version.spec.name,
        applicant_name=dossier.applicant_name, appointment_date=_local_date(due),
        entries=tuple(entries))


def _receiver(event: DossierEvent, offices: dict[int, str]) -> str:
    data = event.data
    if event.action == "request_supplement" or (
            event.action in ("return_result", "refuse") and data.get("to_office") is None):
        return APPLICANT
    if data.get("to_office") is None:
        return ""
    return _party(ROLE.get(data.get("to_role")), offices.get(data["to_office"], ""))


def _party(role: str | None, office: str, name: str = "") -> str:
    """One side of a hand-over: "Công chức chuyên môn – UBND Phường Hải Châu (Trần Văn Đức)"."""
    text = f"{role} – {office}" if role and office else role or office
    return f"{text} ({name})" if name else text


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- form 07 ---------------------------------------------------------------------------------------

def dossier_register(office: Office, date_from: date, date_to: date,
                     base_url: str) -> DossierRegister:
    """Form 07: the dossiers `office` received from `date_from` to `date_to` (both included,
    local days), in the order received."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    dossiers = (Dossier.objects.filter(receiving_office=office, received_at__gte=start,
                                       received_at__lt=end)
                .select_related("procedure").order_by("received_at", "id"))
    extended = set(Extension.objects.filter(dossier__in=dossiers)
                   .values_list("dossier_id", flat=True))
    rows = []
    for dossier in dossiers:
        timeliness = None
        if dossier.finished_at is not None and dossier.due_at is not None:
            timeliness = Timeliness.LATE if dossier.is_late else Timeliness.ON_TIME
        rows.append(RegisterRow(
            dossier_code=dossier.code, procedure_name=dossier.procedure.name,
            applicant_name=dossier.applicant_name, received_at=dossier.received_at,
            appointment_date=_local_date(dossier.due_at or dossier.received_at),
            finished_at=dossier.finished_at, returned_at=dossier.returned_at,
            timeliness=timeliness,
            note="Đã có phiếu xin lỗi" if dossier.pk in extended else "",
        ))
    return DossierRegister(unit=slip_unit(office), issued_on=timezone.localdate(),
                           tracking_url=tracking_url(base_url), period_start=date_from,
                           period_end=date_to, rows=tuple(rows))

