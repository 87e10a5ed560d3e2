"""The applicant's answer to a supplement request (form 02): documents and a note, sent online.

The dossier stays waiting for the supplement: the desk officer looks at what arrived and
confirms it with `engine.receive_supplement`, which restarts the clock. Until then the applicant
may send again (a forgotten page, a clearer photo): each sending adds its documents and one
event. Once the officer has confirmed, or when nothing was asked, nothing can be sent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.dossiers import services
from haicap.dossiers.models import Dossier, DossierDocument, Status, SupplementRequest

EVENT = "supplement_submitted"
# Supplement documents are named supplement_1, supplement_2, … across all sendings.
FIELD_PREFIX = "supplement_"
MAX_DOCUMENTS = 10
MAX_NOTE = 2000


@dataclass(frozen=True)
class SentSupplement:
    """One sending, as the officer is shown it."""

    at: datetime
    documents: tuple[str, ...]
    note: str


def awaiting_supplement(dossier: Dossier) -> SupplementRequest | None:
    """The open supplement request the applicant can still answer, if any."""
    if dossier.status != Status.WAITING_SUPPLEMENT:
        return None
    return SupplementRequest.objects.filter(dossier=dossier, received_at__isnull=True).first()


def submit_supplement(*, citizen: User, dossier: Dossier, documents: dict,
                      note: str) -> Dossier:
    """Add the applicant's documents (descriptors, each naming a stored upload by `upload_id`)
    and note to a dossier waiting for a supplement; one event, one outbox message, one audit
    entry, one transaction. The dossier's lock version moves, so an officer looking at the page
    from before is asked to reload and see what arrived."""
    if citizen.role != Role.CITIZEN or dossier.applicant_id != citizen.pk:
        raise PermissionDenied(_("Only the applicant sends documents for this dossier."))
    note = (note or "").strip()
    check_supplement(len(documents), note)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if awaiting_supplement(locked) is None:
            raise services.Conflict(
                _("No documents are asked for this dossier now."),
                code="supplement_not_requested")
        named = _named(locked, documents)
        services.add_documents(locked, named)
        Dossier.objects.filter(pk=locked.pk).update(lock_version=F("lock_version") + 1)
        locked.refresh_from_db()
        services.record_event(locked, EVENT, Status.WAITING_SUPPLEMENT, note=note,
                              data={"documents": [item.get("filename", "")
                                                  for item in named.values()]})
        audit.record("dossier.supplement_submitted", locked,
                     summary=f"{locked.code}: {len(named)}")
    return locked


def sent_supplements(dossier: Dossier) -> list[SentSupplement]:
    """What the applicant sent in answer to the supplement request, oldest first (from the
    dossier's events, prefetched or not)."""
    return [SentSupplement(at=event.at, documents=tuple(event.data.get("documents", ())),
                           note=event.note)
            for event in dossier.events.all() if event.action == EVENT]


def check_supplement(document_count: int, note: str) -> None:
    """Something to send, not too much of it (checked before any file is stored)."""
    if not document_count and not note.strip():
        raise InvalidInput(_("Attach at least one document or write a note."),
                           code="supplement_empty")
    if document_count > MAX_DOCUMENTS:
        raise InvalidInput(_("Send at most %(limit)d documents at a time.")
                           % {"limit": MAX_DOCUMENTS}, code="too_many_documents")
    if len(note.strip()) > MAX_NOTE:
        raise InvalidInput(_("Use at most %(limit)d characters (you typed %(count)d).")
                           % {"limit": MAX_NOTE, "count": len(note)}, code="too_long")


def _named(dossier: Dossier, documents: dict) -> dict:
    """The documents under the dossier's next free supplement names (counted under the row
    lock, so two sendings never share a name)."""
    taken = DossierDocument.objects.filter(dossier=dossier,
                                           field_name__startswith=FIELD_PREFIX).count()
    return {f"{FIELD_PREFIX}{taken + number}": descriptor
            for number, descriptor in enumerate(documents.values(), start=1)}
