"""Reads of dossiers, scoped where the query is built (STYLE.md 3)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from haicap.core.errors import NotFound
from haicap.core.tokens import Caller
from haicap.dossiers.models import Channel, Dossier, DossierDocument, DossierEvent


def dossiers_for(caller: Caller):
    """A signed-in person sees what their unit and role see; a partner only what it sent."""
    if caller.partner is not None:
        dossiers = Dossier.objects.filter(channel=Channel.API,
                                          idempotency_client=caller.client)
    else:
        dossiers = Dossier.objects.visible_to(caller.user)
    return dossiers.select_related("procedure", "receiving_office", "competent_office")


def dossier_list(caller: Caller, *, status: str | None = None, procedure: str | None = None):
    dossiers = dossiers_for(caller)
    if status:
        dossiers = dossiers.filter(status=status)
    if procedure:
        dossiers = dossiers.filter(procedure__code=procedure)
    return dossiers


def dossier_for(caller: Caller, code: str) -> Dossier:
    """One dossier the caller may see, with documents and history; another unit's is 404."""
    dossier = (dossiers_for(caller)
               .prefetch_related(
                   Prefetch("documents", queryset=DossierDocument.objects.select_related(
                       "stored_file").order_by("id")),
                   Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
               .filter(code=code).first())
    if dossier is None:
        raise NotFound(_("No dossier has this code."), code="dossier_not_found")
    return dossier


def tracked_dossier(code: str, id_number: str) -> Dossier:
    """Public tracking: the dossier only if the applicant's number matches; a wrong number and
    an unknown code look the same, so codes cannot be probed."""
    dossier = (Dossier.objects.select_related("procedure", "receiving_office",
                                              "competent_office")
               .filter(code=code.strip(), applicant_id_number=id_number.strip()).first())
    if dossier is None or not id_number.strip():
        raise NotFound(_("No dossier has this code and identification number."),
                       code="dossier_not_found")
    return dossier


def bounded_count(queryset, cap: int) -> int:
    """How many rows, counted no further than `cap`: `cap + 1` means "more than `cap`" (a list
    then shows "1000+"). A commune's tens of thousands of dossiers are not counted row by row
    for every page (see `ScopedQuerySet.count_up_to`)."""
    return queryset.count_up_to(cap)
