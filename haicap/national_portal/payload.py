"""The record of one national status change, in the shape of the national portal's dossier sync
(field names as the portal spells them; times as yyyyMMddHHmmss, Vietnam time).

Personal data: only the applicant's identification number (SoDinhDanhChuHoSo), which the
national portal needs to show the dossier in the applicant's own account (VNeID sign-in);
never the name, address, phone, email, form answers or documents (docs/adr/0014).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from haicap.dossiers.models import Channel, DossierEvent, NationalStatus

VIETNAM_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

# KenhThucHien: 1 direct (at a desk), 2 online, 3 public post.
DIRECT, ONLINE, POST = 1, 2, 3
CHANNEL_CODES = {
    Channel.IN_PERSON: DIRECT,
    Channel.ONLINE: ONLINE,
    Channel.API: ONLINE,
    Channel.KIOSK: ONLINE,  # the applicant files the e-form on the centre's kiosk
    Channel.LINKED: ONLINE,  # started electronically by another dossier's hand-off
    Channel.POST: POST,
}
# Statuses that end the processing without a result: the end date is the event's.
ENDED_WITHOUT_RESULT = (NationalStatus.NOT_RECEIVED, NationalStatus.WITHDRAWN,
                        NationalStatus.STOPPED)
FINISHED = (NationalStatus.FINISHED, NationalStatus.RESULT_RETURNED)
# Events that set the appointment (data.due_at).
APPOINTMENT_ACTIONS = ("receive", "receive_supplement", "extend")


def portal_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(VIETNAM_TIME).strftime("%Y%m%d%H%M%S")


def sync_key(event: DossierEvent) -> str:
    """The item's identity at the portal: a resend of it is the same item, not a new one."""
    return key_of(event.dossier.province_id, event.pk)


def key_of(province_id: str, event_id: int) -> str:
    return f"{province_id}-{event_id}"


def appointments_as_of(events: list[DossierEvent]) -> dict[int, datetime | None]:
    """For each event (by id), the appointment its dossier had right after it."""
    if not events:
        return {}
    setting = (DossierEvent.objects
               .filter(dossier_id__in={event.dossier_id for event in events},
                       pk__lte=max(event.pk for event in events),
                       action__in=APPOINTMENT_ACTIONS)
               .order_by("pk").values_list("dossier_id", "pk", "data"))
    by_dossier: dict[int, list[tuple[int, str]]] = {}
    for dossier_id, pk, data in setting:
        if data.get("due_at"):
            by_dossier.setdefault(dossier_id, []).append((pk, data["due_at"]))
    found = {}
    for event in events:
        earlier = [due for pk, due in by_dossier.get(event.dossier_id, []) if pk <= event.pk]
        found[event.pk] = parse_datetime(earlier[-1]) if earlier else None
    return found


def record(event: DossierEvent, national_status: int, appointment: datetime | None) -> dict:
    """The dossier-sync record of `event` (its dossier, procedure and offices read with it)."""
    dossier = event.dossier
    # A new dossier (1) is not received yet, even when the desk receives it the same instant.
    received = national_status != NationalStatus.NEW and _by(dossier.received_at, event.at)
    received_at = dossier.received_at if received else None
    return {
        "MaDongBo": sync_key(event),
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.code,
        "MaDonVi": dossier.competent_office.code,
        "MaDonViTiepNhan": dossier.receiving_office.code,
        "TrangThaiHoSo": int(national_status),
        "KenhThucHien": CHANNEL_CODES[Channel(dossier.channel)],
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(received_at),
        "NgayHenTra": portal_time(appointment) if received_at else None,
        "NgayKetThucXuLy": portal_time(_end_of_processing(event, national_status)),
        "NgayTra": portal_time(dossier.returned_at
                               if national_status == NationalStatus.RESULT_RETURNED else None),
        "ThoiDiemCapNhat": portal_time(event.at),
        "SoDinhDanhChuHoSo": dossier.applicant_id_number,
    }


def _end_of_processing(event: DossierEvent, national_status: int) -> datetime | None:
    if national_status in ENDED_WITHOUT_RESULT:
        return event.at
    if national_status in FINISHED:
        return event.dossier.finished_at or event.at
    return None


def _by(moment: datetime | None, limit: datetime) -> bool:
    return moment is not None and moment <= limit
