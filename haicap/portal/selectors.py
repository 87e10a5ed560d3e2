"""Reads of a signed-in citizen's own dossiers: only those they filed (`applicant`), nothing
else, whatever the code typed in the address bar."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from haicap.core.errors import NotFound
from haicap.core.models import Office
from haicap.core.roles import Role
from haicap.dossiers.models import Dossier, DossierDocument, DossierEvent


def my_dossiers(citizen):
    """The citizen's dossiers, newest first (an officer or a signed-out visitor has none)."""
    if not citizen.is_authenticated or citizen.role != Role.CITIZEN:
        return Dossier.objects.none()
    return (Dossier.objects.filter(applicant=citizen)
            .select_related("procedure", "receiving_office", "competent_office")
            .order_by("-submitted_at", "-id"))


def my_dossier(citizen, code: str) -> Dossier:
    """One of the citizen's dossiers with its documents and history; anyone else's is 404."""
    dossier = (my_dossiers(citizen)
               .select_related("procedure_version", "supplement_request")
               .prefetch_related(
                   Prefetch("documents", queryset=DossierDocument.objects.select_related(
                       "stored_file").order_by("id")),
                   Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
               .filter(code=code).first())
    if dossier is None:
        raise NotFound(_("You have no dossier with this code."), code="dossier_not_found")
    return dossier


def offices_named_in(events) -> dict[int, Office]:
    """The offices the history mentions (where it happened, where it went), in one query."""
    ids = {event.office_id for event in events} | {event.data.get("to_office")
                                                   for event in events}
    return Office.objects.in_bulk([pk for pk in ids if isinstance(pk, int)])
