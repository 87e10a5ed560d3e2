"""What each slip prints, as typed values (Circular 03/2025/TT-VPCP forms 01–04, 06, 07).

The slips know nothing of dossiers or the database: the dossier services fill these frozen
dataclasses and hand them to `haicap.slips.render`. Datetimes should be aware (a naive one is
read as local time, settings.TIME_ZONE); money is in VND.

Each form context names its template and its form number as class variables and carries
`tracking_url`, the public tracking page its QR code points to.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import ClassVar


class Timeliness(Enum):
    """How a step or a dossier finished against its deadline (the label is printed)."""

    EARLY = "Trước hạn"
    ON_TIME = "Đúng hạn"
    LATE = "Quá hạn"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class SlipUnit:
    """The issuing unit: its name, the body it belongs to (printed above it), where it is."""

    name: str
    parent_name: str = ""
    address: str = ""
    phone: str = ""
    place_name: str = ""  # "…, ngày … tháng … năm …": the commune or province the unit sits in


@dataclass(frozen=True)
class SlipApplicant:
    full_name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class SlipDocument:
    """One document of the dossier as received: name, form (original, copy…) and count."""

    name: str
    copy_kind_label: str
    count: int = 1


@dataclass(frozen=True)
class SlipFee:
    name: str
    amount: int  # VND


@dataclass(frozen=True)
class ControlEntry:
    """One hand-over of a dossier on the process control sheet (form 06)."""

    step_name: str
    handed_from: str
    handed_to: str
    handed_at: datetime
    deadline: datetime | None = None
    done_at: datetime | None = None
    timeliness: Timeliness | None = None  # None: not finished yet
    note: str = ""


@dataclass(frozen=True)
class RegisterRow:
    """One dossier in the dossier register (form 07)."""

    dossier_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime
    appointment_date: date
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    timeliness: Timeliness | None = None
    note: str = ""


@dataclass(frozen=True)
class Slip:
    """What every slip has: the issuing unit, the date it is issued, the QR code's target."""

    template_name: ClassVar[str]
    form_number: ClassVar[str]
    title: ClassVar[str]
    landscape: ClassVar[bool] = False  # wide tables (forms 06, 07) print on landscape A4

    unit: SlipUnit
    issued_on: date
    tracking_url: str


@dataclass(frozen=True)
class DossierSlip(Slip):
    """A slip about one dossier, addressed to its applicant."""

    dossier_code: str
    procedure_name: str
    procedure_code: str
    applicant: SlipApplicant
    received_at: datetime


@dataclass(frozen=True)
class ReceiptSlip(DossierSlip):
    """Form 01: receipt and appointment slip."""

    template_name = "slips/receipt.html"
    form_number = "Mẫu số 01"
    title = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"

    documents: tuple[SlipDocument, ...]
    deadline_label: str  # the statutory time limit as the catalogue states it: "05 ngày làm việc"
    appointment_date: date
    appointment_time: time | None  # printed when the limit is counted in working hours
    result_collection: str  # where (or how) the result is returned
    officer_name: str
    fees: tuple[SlipFee, ...] = ()
    dossier_sets: int = 1
    register_entry: str = ""  # "Quyển số … Số thứ tự …" of the paper register, if any

    @property
    def fees_total(self) -> int:
        return sum(fee.amount for fee in self.fees)


@dataclass(frozen=True)
class SupplementRequest(DossierSlip):
    """Form 02: request to supplement and complete the dossier (one per dossier)."""

    template_name = "slips/supplement.html"
    form_number = "Mẫu số 02"
    title = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"

    items: tuple[str, ...]  # what to add or correct, one line each
    reason: str
    officer_name: str
    officer_phone: str = ""


@dataclass(frozen=True)
class RefusalSlip(DossierSlip):
    """Form 03: refusal to receive or settle the dossier, with the reasons."""

    template_name = "slips/refusal.html"
    form_number = "Mẫu số 03"
    title = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"

    reasons: tuple[str, ...]
    officer_name: str


DEFAULT_APOLOGY = (
    "Sự chậm trễ này đã gây phiền hà cho ông/bà. {unit} xin lỗi ông/bà về sự chậm trễ "
    "và bất tiện này."
)


@dataclass(frozen=True)
class ApologySlip(DossierSlip):
    """Form 04: apology and new appointment date, when the promised date will be missed."""

    template_name = "slips/apology.html"
    form_number = "Mẫu số 04"
    title = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"

    original_appointment: datetime
    new_appointment: datetime
    reason: str
    signer_name: str
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"
    apology_text: str = DEFAULT_APOLOGY  # "{unit}" is replaced by the unit's name

    @property
    def apology(self) -> str:
        return self.apology_text.replace("{unit}", self.unit.name)


@dataclass(frozen=True)
class ControlSheet(Slip):
    """Form 06: process control sheet, every hand-over of one dossier with its times."""

    template_name = "slips/control_sheet.html"
    form_number = "Mẫu số 06"
    title = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
    landscape: ClassVar[bool] = True

    dossier_code: str
    procedure_name: str
    applicant_name: str
    appointment_date: date
    entries: tuple[ControlEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DossierRegister(Slip):
    """Form 07: the register of dossiers received in a period."""

    template_name = "slips/register.html"
    form_number = "Mẫu số 07"
    title = "SỔ THEO DÕI HỒ SƠ"
    landscape: ClassVar[bool] = True

    period_start: date
    period_end: date
    rows: tuple[RegisterRow, ...] = field(default_factory=tuple)
