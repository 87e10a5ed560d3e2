"""Writes on dossiers. Each verb: one transaction, one event-log row, one outbox message."""

import hashlib
import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.eforms import API, validate_submission
from haicap.catalog.selectors import procedure_by_code
from haicap.core import audit
from haicap.core.context import current_actor
from haicap.core.errors import DomainError, InvalidInput, PermissionDenied
from haicap.core.models import Office, User
from haicap.core.roles import Role
from haicap.core.validation import normalize_phone, validate_national_id
from haicap.dossiers import engine
from haicap.dossiers.models import (
    NATIONAL_STATUS,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    OutboxMessage,
    SequenceCounter,
    Status,
)
from haicap.dossiers.routing import competent_office, reception_desk
from haicap.units.address import RESOLVED, normalize_address
from haicap.units.models import Commune
from haicap.units.selectors import commune_by_code

# Channels where an officer takes the dossier in hand: it is received on the spot.
RECEIVED_ON_SUBMISSION = {Channel.IN_PERSON, Channel.POST, Channel.KIOSK}
# A dossier's code until its number is taken, a few statements before its transaction ends.
PROVISIONAL_CODE_MARK = "~"
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


class Conflict(DomainError):
    status = 409
    code = "dossier_changed"


@dataclass(frozen=True)
class Applicant:
    id_number: str  # CCCD (12 digits) of a person, or the tax code of an organization
    full_name: str
    address: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Submission:
    dossier: Dossier
    created: bool  # False: an earlier request with the same idempotency key made it


def submit_dossier(*, procedure_code: str, channel: str, applicant: Applicant, form: dict,
                   documents: dict | None = None, receiving_office: Office | None = None,
                   submitted_by: User | None = None, idempotency_key: str = "",
                   idempotency_client: str = "") -> Submission:
    """Create a dossier from any channel. Nothing is stored unless everything is valid.

    A desk (in person, post, kiosk) receives it at once and the appointment is set; an online
    or API submission waits for a desk to receive it. With an idempotency key, a retry of the
    same request returns the dossier the first one made: nearly every key is new, so the
    earlier dossier is looked for only when the key's unique index refuses the new one (or the
    request fails, in case what it needs changed since the first time).
    """
    documents = documents or {}
    digest = _digest(procedure_code, channel, applicant, form, documents)
    try:
        dossier = _submit(procedure_code, channel, applicant, form, documents, receiving_office,
                          submitted_by, idempotency_client, idempotency_key, digest)
    except (IntegrityError, DomainError):
        earlier = _earlier(idempotency_client, idempotency_key, digest) if idempotency_key \
            else None
        if earlier is None:
            raise
        return Submission(earlier, created=False)
    return Submission(dossier, created=True)


def _submit(procedure_code, channel, applicant, form, documents, receiving_office,
            submitted_by, idempotency_client, idempotency_key, digest) -> Dossier:
    procedure = procedure_by_code(procedure_code)
    version = procedure.current_version
    spec = version.spec
    cleaned = _valid_form(spec, form, documents)
    commune = _applicant_commune(applicant.address)
    competent = competent_office(spec, commune)
    if channel in RECEIVED_ON_SUBMISSION and receiving_office is None:
        raise InvalidInput(_("A desk submission needs the receiving desk."),
                           code="receiving_office_required")
    receiving = receiving_office or reception_desk(competent)
    with transaction.atomic():
        dossier = _create(procedure, version, channel, applicant, cleaned, commune, competent,
                          receiving, submitted_by, idempotency_client, idempotency_key, digest)
        event = _log_event(dossier, "submit", "", note=channel)
        _number(dossier, receiving)  # as little as possible after this: see next_code
        add_documents(dossier, documents)
        _announce(dossier, "submit", event.at)
        if channel in RECEIVED_ON_SUBMISSION:
            _receive(dossier, receiving_office)
        audit.record("dossier.submit", dossier, summary=dossier.code)
    return dossier


def receive_dossier(*, officer: User, dossier: Dossier, lock_version: int) -> Dossier:
    """A desk officer accepts an online dossier: the appointment is set from now."""
    if officer.role != Role.DESK_OFFICER or officer.office is None:
        raise PermissionDenied(_("Only a one-stop desk officer receives dossiers."))
    if not Dossier.objects.changeable_by(officer).filter(pk=dossier.pk).exists():
        raise PermissionDenied()
    with transaction.atomic():
        dossier = _lock(dossier, lock_version, expected_status=Status.NEW)
        _receive(dossier, officer.office)
        audit.record("dossier.receive", dossier, summary=dossier.code)
    return dossier


# -- steps ---------------------------------------------------------------------------------------

def _valid_form(spec, form: dict, documents: dict) -> dict:
    cleaned, errors = validate_submission(spec.form.form_schema, form, source=API,
                                          files=documents, fields=spec.form.fields)
    if errors:
        raise InvalidInput(_("The form has errors; see details for each field."),
                           code="invalid_form", details=errors)
    return cleaned


def _applicant_commune(address: str) -> Commune:
    found = normalize_address(address)
    if found.status != RESOLVED:
        details = {"address": [{"code": f"address_{found.status}",
                                "candidates": [c.as_dict() for c in found.candidates[:5]]}]}
        raise InvalidInput(_("The applicant's address does not name one commune."),
                           code="invalid_applicant_address", details=details)
    if found.province.code != settings.HAICAP_PROVINCE_CODE:
        raise InvalidInput(_("The applicant's address is not in this province."),
                           code="address_outside_province")
    return commune_by_code(found.commune.code)


def _create(procedure, version, channel, applicant: Applicant, cleaned, commune, competent,
            receiving, submitted_by, idempotency_client, idempotency_key, digest) -> Dossier:
    _check_applicant(applicant)
    now = timezone.now()
    return Dossier.objects.create(
        code=f"{PROVISIONAL_CODE_MARK}{uuid.uuid4().hex}",  # numbered by _number
        procedure=procedure,
        procedure_version=version,
        channel=channel,
        status=Status.NEW,
        applicant_id=_applicant_account(applicant, submitted_by),
        applicant_id_number=applicant.id_number,
        applicant_name=applicant.full_name.strip(),
        applicant_phone=normalize_phone(applicant.phone) if applicant.phone else "",
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        applicant_commune=commune,
        form_data=cleaned,
        receiving_office=receiving,
        competent_office=competent,
        province_id=commune.province_id,
        submitted_at=now,
        idempotency_client=idempotency_client,
        idempotency_key=idempotency_key,
        request_digest=digest,
    )


def _applicant_account(applicant: Applicant, submitted_by: User | None) -> int | None:
    """The applicant's own account: the citizen filing, or the account their number belongs
    to when a desk or a partner files for them (so it is in their "My dossiers" too)."""
    if submitted_by is not None and submitted_by.role == Role.CITIZEN:
        return submitted_by.pk
    # Plain SQL: every partner submission asks, and the ORM would take longer to build the
    # statement than the database to answer it.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')} FROM {quote(User._meta.db_table)} "
                       f"WHERE {quote('national_id')} = %s AND {quote('role')} = %s",
                       [applicant.id_number, Role.CITIZEN.value])
        found = cursor.fetchone()
    return found[0] if found else None


def link_earlier_dossiers(citizen: User) -> int:
    """A citizen's new account takes the dossiers filed for their number before it existed."""
    return (Dossier.objects.filter(applicant__isnull=True, applicant_id_number=citizen.national_id)
            .update(applicant=citizen))


def _check_applicant(applicant: Applicant) -> None:
    if not applicant.full_name.strip():
        raise InvalidInput(_("The applicant's name is required."), code="applicant_name_required")
    if not TAX_CODE.match(applicant.id_number):
        validate_national_id(applicant.id_number)


def _number(dossier: Dossier, office: Office) -> None:
    """Give a dossier inserted with a provisional code its number, as late in its transaction
    as the rows that name the code allow."""
    dossier.code = next_code(office, dossier.submitted_at.year)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # plain SQL: the counter row is locked meanwhile
        cursor.execute(f"UPDATE {quote(Dossier._meta.db_table)} SET {quote('code')} = %s "
                       f"WHERE {quote('id')} = %s", [dossier.code, dossier.pk])


def next_code(office: Office, year: int) -> str:
    """`<office code>-<year>-<number>`: readable on a slip, unique, gap-free per office.

    One statement (an upsert returning the new number, on PostgreSQL and SQLite alike): the
    counter row stays locked until the transaction ends, so every other submission to the
    same office waits. Callers take it as late as they can: a submission inserts its dossier
    under a provisional code and its event first, and numbers it just before the rows that
    name the code (outbox, audit) and the commit.
    """
    quote = connection.ops.quote_name
    table, last = quote(SequenceCounter._meta.db_table), quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, year, {last}) VALUES (%s, %s, 1) "
            f"ON CONFLICT (office_id, year) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}", [office.pk, year])
        number = cursor.fetchone()[0]
    return f"{office.code}-{year}-{number:06d}"


def add_documents(dossier: Dossier, documents: dict) -> None:
    """Descriptor rows; a descriptor naming an earlier upload (`upload_id`) gets its file."""
    rows = DossierDocument.objects.bulk_create([
        DossierDocument(dossier=dossier, field_name=name, filename=item.get("filename", ""),
                        content_type=item.get("content_type", ""), size=item.get("size"),
                        pages=item.get("pages"), sha256=item.get("sha256", ""))
        for name, item in documents.items()
    ])
    uploads = {row.field_name: documents[row.field_name]["upload_id"] for row in rows
               if documents[row.field_name].get("upload_id")}
    if uploads:
        from haicap.documents.services import attach_uploads

        attach_uploads(dossier, uploads)


def _receive(dossier: Dossier, office: Office) -> None:
    """Reception starts the clock: after 15:00 it counts from the next working day."""
    now = timezone.now()
    due = dossier.procedure_version.spec.deadline.appointment(now)
    previous = dossier.status
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Status.RECEIVED, received_at=now, counting_start=due.counting_start,
        due_at=due.due_at, original_due_at=due.due_at, receiving_office=office,
        lock_version=F("lock_version") + 1)
    dossier.refresh_from_db()
    # The receive step is done: the next step's task opens in its unit's queue.
    task = engine.open_first_task(dossier)
    record_event(dossier, "receive", previous, office=office,
                 data={"due_at": due.due_at.isoformat(), "counting_start":
                       due.counting_start.isoformat(), **engine.control_sheet(
                           step="receive", from_office=office, task=task)})


def _lock(dossier: Dossier, lock_version: int, *, expected_status: str) -> Dossier:
    """The dossier as it is now, if nobody changed it since `lock_version`; else a conflict."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if current.lock_version != lock_version:
        raise Conflict(_("Someone else changed this dossier just now; reload it and try again."))
    if current.status != expected_status:
        raise Conflict(_("The dossier is no longer in the state this action needs."),
                       code="dossier_state_changed")
    return current


def record_event(dossier: Dossier, action: str, from_status: str, *,
                 office: Office | None = None, note: str = "", data: dict | None = None) -> None:
    """One row of the event log (which is also the process control sheet, form 06, when `data`
    holds the hand-over) and one outbox message, in the caller's transaction."""
    event = _log_event(dossier, action, from_status, office=office, note=note, data=data)
    _announce(dossier, action, event.at)


def _log_event(dossier: Dossier, action: str, from_status: str, *,
               office: Office | None = None, note: str = "",
               data: dict | None = None) -> DossierEvent:
    actor = current_actor()
    return DossierEvent.objects.create(
        dossier=dossier, at=timezone.now(), action=action, actor=actor.actor,
        actor_id=actor.actor_id, office=office, from_status=from_status,
        to_status=dossier.status, note=note, data=data or {})


def _announce(dossier: Dossier, action: str, now: datetime) -> None:
    """The outbox message of an event (CloudEvents fields; the dispatcher sends it on)."""
    OutboxMessage.objects.create(
        source=f"/haicap/{dossier.province_id}", type=f"vn.haicap.dossier.{action}",
        subject=dossier.code, time=now,
        data={"code": dossier.code, "status": dossier.status,
              "national_status": int(NATIONAL_STATUS[Status(dossier.status)]),
              "procedure": dossier.procedure.code})


def _digest(procedure_code, channel, applicant: Applicant, form, documents) -> str:
    body = {"procedure": procedure_code, "channel": channel, "applicant": asdict(applicant),
            "form": form, "documents": documents}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _earlier(client: str, key: str, digest: str) -> Dossier | None:
    found = Dossier.objects.filter(idempotency_client=client, idempotency_key=key).first()
    if found is not None and found.request_digest != digest:
        raise InvalidInput(_("This idempotency key was used for a different request."),
                           code="idempotency_key_reused")
    return found

