"""One filled slip of each form, as the dossier services would build them."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

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

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "H01.29-261126-0042"
TRACKING = "https://dichvucong.example.gov.vn/tra-cuu/H01.29-261126-0042"

UNIT = SlipUnit(
    name="Bộ phận Một cửa UBND phường Ba Đình",
    parent_name="UBND phường Ba Đình",
    address="Số 25 phố Liễu Giai, phường Ba Đình, thành phố Hà Nội",
    phone="024 3845 1234",
    place_name="Hà Nội",
)
APPLICANT = SlipApplicant(
    full_name="Nguyễn Thị Hồng Nhung",
    id_number="001190012345",
    phone="0912345678",
    address="Số 12 ngõ 34 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội",
    email="nhung.nguyen@example.vn",
)
# 14:05 on a Thursday in Hanoi, given in UTC as the database would hold it.
RECEIVED = datetime(2026, 11, 26, 7, 5, tzinfo=ZoneInfo("UTC"))
DOSSIER = {
    "unit": UNIT,
    "issued_on": date(2026, 11, 26),
    "tracking_url": TRACKING,
    "dossier_code": CODE,
    "procedure_name": "Đăng ký khai sinh",
    "procedure_code": "1.001193",
    "applicant": APPLICANT,
    "received_at": RECEIVED,
}


def receipt() -> ReceiptSlip:
    return ReceiptSlip(
        **DOSSIER,
        documents=(
            SlipDocument("Tờ khai đăng ký khai sinh", "Bản chính"),
            SlipDocument("Giấy chứng sinh", "Bản chính"),
            SlipDocument("Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao có chứng thực", 2),
        ),
        deadline_label="03 ngày làm việc",
        appointment_date=date(2026, 12, 1),
        appointment_time=time(16, 30),
        result_collection="Bộ phận Một cửa UBND phường Ba Đình",
        officer_name="Trần Văn Đức",
        fees=(SlipFee("Lệ phí đăng ký khai sinh quá hạn", 20000),
              SlipFee("Phí cấp bản sao trích lục", 8000)),
        register_entry="Quyển số 03, số thứ tự 42",
    )


def supplement() -> SupplementRequest:
    return SupplementRequest(
        **DOSSIER,
        items=("Bản sao có chứng thực Giấy chứng nhận kết hôn của cha, mẹ.",
               "Ghi đầy đủ quê quán của người mẹ trong Tờ khai."),
        reason="Hồ sơ thiếu giấy tờ chứng minh quan hệ cha, mẹ, con theo quy định.",
        officer_name="Trần Văn Đức",
        officer_phone="024 3845 1234",
    )


def refusal() -> RefusalSlip:
    return RefusalSlip(
        **DOSSIER,
        reasons=("Trẻ em đã được đăng ký khai sinh tại UBND xã Đông Anh ngày 02/10/2026.",),
        officer_name="Trần Văn Đức",
    )


def apology() -> ApologySlip:
    return ApologySlip(
        **DOSSIER,
        original_appointment=datetime(2026, 12, 1, 16, 30, tzinfo=HANOI),
        new_appointment=datetime(2026, 12, 4, 10, 0, tzinfo=HANOI),
        reason="Cần xác minh thông tin với Sở Tư pháp tỉnh Thái Nguyên.",
        signer_name="Lê Minh Tuấn",
        signer_title="Chủ tịch UBND phường",
    )


def control_sheet() -> ControlSheet:
    at = lambda day, hour, minute: datetime(2026, 11, day, hour, minute, tzinfo=HANOI)  # noqa: E731
    return ControlSheet(
        unit=UNIT, issued_on=date(2026, 11, 26), tracking_url=TRACKING, dossier_code=CODE,
        procedure_name="Đăng ký khai sinh", applicant_name=APPLICANT.full_name,
        appointment_date=date(2026, 12, 1),
        entries=(
            ControlEntry("Tiếp nhận", "Nguyễn Thị Hồng Nhung", "Bộ phận Một cửa (Trần Văn Đức)",
                         at(26, 14, 5), at(26, 17, 0), at(26, 14, 20), Timeliness.EARLY),
            ControlEntry("Thẩm định", "Bộ phận Một cửa", "Công chức Tư pháp - Hộ tịch",
                         at(26, 14, 20), at(27, 17, 0), at(27, 16, 55), Timeliness.ON_TIME),
            ControlEntry("Phê duyệt", "Công chức Tư pháp - Hộ tịch", "Chủ tịch UBND phường",
                         at(27, 16, 55), at(30, 11, 30), None, None, "Đang xử lý"),
        ),
    )


def register() -> DossierRegister:
    at = lambda day, hour, minute: datetime(2026, 11, day, hour, minute, tzinfo=HANOI)  # noqa: E731
    return DossierRegister(
        unit=UNIT, issued_on=date(2026, 11, 30),
        tracking_url="https://dichvucong.example.gov.vn/so-theo-doi/2026-11",
        period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
        rows=(
            RegisterRow(CODE, "Đăng ký khai sinh", APPLICANT.full_name, at(26, 14, 5),
                        date(2026, 12, 1)),
            RegisterRow("H01.29-261120-0017", "Chứng thực bản sao từ bản chính",
                        "Phạm Quốc Bảo", at(20, 8, 10), date(2026, 11, 20),
                        at(20, 10, 0), at(20, 10, 30), Timeliness.ON_TIME),
            RegisterRow("H01.29-261105-0003", "Đăng ký kết hôn", "Đỗ Thu Trang và Vũ Hải Nam",
                        at(5, 9, 0), date(2026, 11, 10), at(12, 15, 0), at(13, 9, 0),
                        Timeliness.LATE, "Đã có phiếu xin lỗi"),
        ),
    )


ALL = {"01": receipt, "02": supplement, "03": refusal, "04": apology, "06": control_sheet,
       "07": register}
