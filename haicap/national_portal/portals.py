"""The national public-service portal, behind one interface.

`send(batch)` takes dossier-sync records (payload.py) and returns one `Ack` per record: accepted
with the portal's receipt, or rejected with a code and a reason (for good: that record as it is
will never be accepted). A whole batch the portal did not answer raises `PortalUnavailable`
(retried later). `accepted(keys)` asks which of these sync keys the portal holds as accepted:
what the reconciliation compares with our own acknowledgements (None: this portal cannot say).

We have no connection to the national portal from here, so the one implementation is a SANDBOX
that behaves like it: latency and outages (HAICAP_SANDBOX_LATENCY_MS / _FAILURE_RATE; half of the
outages happen after it stored the batch — the answer is lost on the way back, as with a
timeout), per-record validation, and a table of what it received (SandboxReceipt).
"""

import random
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.models import Procedure
from haicap.core.errors import InvalidInput
from haicap.core.sandbox import RemoteServiceSimulation
from haicap.national_portal import conf
from haicap.national_portal.models import SandboxReceipt

REQUIRED_FIELDS = ("MaDongBo", "MaHoSo", "MaTTHC", "MaDonVi", "TrangThaiHoSo", "KenhThucHien",
                   "NgayNopHoSo", "ThoiDiemCapNhat")
# Statuses after which the portal takes no further status of the dossier.
FINAL_STATUSES = frozenset({3, 7, 8, 10})
# A dossier's first status at the portal: submitted, received or refused at the desk.
FIRST_STATUSES = frozenset({1, 2, 3})
# Statuses the portal counts against a received dossier: they need NgayTiepNhan.
NEED_RECEPTION = frozenset({2, 4, 5, 6, 9, 10})


@dataclass(frozen=True)
class Ack:
    key: str
    accepted: bool
    receipt: str = ""
    code: str = ""
    reason: str = ""


class PortalUnavailable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class NationalPortal(Protocol):
    is_sandbox: bool

    def send(self, batch: list[dict]) -> list[Ack]: ...

    def accepted(self, keys: list[str]) -> set[str] | None: ...


class SandboxNationalPortal(RemoteServiceSimulation):
    """A local stand-in for the national portal's dossier-sync service."""

    name = "National public-service portal (sandbox)"

    def __init__(self, *, lost_answer_share: float = 0.5, **options):
        super().__init__(**options)
        self.lost_answer_share = lost_answer_share

    def send(self, batch: list[dict]) -> list[Ack]:
        outage = self.simulated_call_fails()
        answer_lost = outage and random.random() < self.lost_answer_share
        if outage and not answer_lost:
            raise PortalUnavailable("portal_unavailable",
                                    _("The national portal is not answering right now."))
        with transaction.atomic():  # the portal stores a batch as a whole
            acks = _Intake(batch).receive(batch)
        if answer_lost:
            raise PortalUnavailable("answer_lost", _("The national portal's answer did not "
                                                     "arrive (timeout)."))
        return acks

    def accepted(self, keys: list[str]) -> set[str]:
        return set(SandboxReceipt.objects.filter(key__in=keys, accepted=True)
                   .values_list("key", flat=True))


class _Intake:
    """One batch at the sandbox portal: what it already holds for the batch's items and
    dossiers, read once; each record checked in order against it and stored."""

    def __init__(self, batch: list[dict]):
        keys = [str(record.get("MaDongBo", "")) for record in batch]
        codes = [str(record.get("MaHoSo", "")) for record in batch]
        held = SandboxReceipt.objects.filter(accepted=True)
        self.receipts = dict(held.filter(key__in=keys).values_list("key", "receipt"))
        # the dossier's latest accepted status (later rows win)
        self.status_of = dict(held.filter(dossier_code__in=codes).order_by("id")
                              .values_list("dossier_code", "national_status"))
        self.catalogue = set(Procedure.objects.values_list("code", flat=True))
        self.stored: list[SandboxReceipt] = []

    def receive(self, batch: list[dict]) -> list[Ack]:
        acks = [self._receive(record) for record in batch]
        SandboxReceipt.objects.bulk_create(self.stored)
        return acks

    def _receive(self, record: dict) -> Ack:
        key = str(record.get("MaDongBo", ""))
        if key in self.receipts:  # the same item again: the same answer, nothing counted twice
            return Ack(key, True, receipt=self.receipts[key])
        try:
            self._check(record)
        except InvalidInput as refusal:
            self._store(key, record, accepted=False, code=refusal.code, reason=refusal.message)
            return Ack(key, False, code=refusal.code, reason=refusal.message)
        receipt = f"sandbox-{uuid.uuid4().hex[:16]}"
        self._store(key, record, accepted=True, receipt=receipt)
        self.receipts[key] = receipt
        self.status_of[record["MaHoSo"]] = record["TrangThaiHoSo"]
        return Ack(key, True, receipt=receipt)

    def _check(self, record: dict) -> None:
        missing = [name for name in REQUIRED_FIELDS if not record.get(name)]
        if missing:
            raise InvalidInput(_("Missing fields: %(fields)s.") % {"fields": ", ".join(missing)},
                               code="missing_fields")
        status = record["TrangThaiHoSo"]
        if status not in range(1, 11):
            raise InvalidInput(_("Unknown dossier status %(status)s.") % {"status": status},
                               code="unknown_status")
        if record["MaTTHC"] not in self.catalogue:
            raise InvalidInput(_("Procedure %(code)s is not in the national catalogue.")
                               % {"code": record["MaTTHC"]}, code="unknown_procedure")
        if status in NEED_RECEPTION and not record.get("NgayTiepNhan"):
            raise InvalidInput(_("Status %(status)s needs the date the dossier was received "
                                 "(NgayTiepNhan).") % {"status": status},
                               code="not_received_yet")
        self._check_transition(self.status_of.get(record["MaHoSo"]), status)

    def _check_transition(self, held: int | None, status: int) -> None:
        refused = ((held is None and status not in FIRST_STATUSES)
                   or (held in FINAL_STATUSES)
                   or (held is not None and status == 1)
                   or (status == 10 and held != 9))
        if refused:
            raise InvalidInput(_("The portal holds status %(held)s for this dossier and does not "
                                 "take status %(status)s after it.")
                               % {"held": held or "—", "status": status},
                               code="status_jump_refused")

    def _store(self, key: str, record: dict, **outcome) -> None:
        status = record.get("TrangThaiHoSo")
        self.stored.append(SandboxReceipt(
            key=key, dossier_code=str(record.get("MaHoSo", ""))[:40],
            national_status=status if isinstance(status, int) else None, payload=record,
            received_at=timezone.now(), **outcome))


def national_portal() -> NationalPortal:
    """The configured portal (HAICAP_NATIONAL_PORTAL_ADAPTER); only the sandbox exists yet."""
    name = conf.adapter()
    if name == "sandbox":
        return SandboxNationalPortal()
    raise ValueError(f"Unknown HAICAP_NATIONAL_PORTAL_ADAPTER {name!r} (known: sandbox)")
