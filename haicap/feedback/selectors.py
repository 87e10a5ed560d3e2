"""Reads of ratings and complaints, scoped where the query is built."""

from django.db.models import QuerySet

from haicap.core.roles import Role
from haicap.dossiers.models import Dossier
from haicap.feedback.models import Complaint, Rating


def complaints_for(user, *, status: str = "", category: str = "") -> QuerySet:
    """The complaints an officer works on: those of their own unit (an operations-centre
    viewer or an administrator: the province's), newest first, optionally filtered."""
    complaints = Complaint.objects.visible_to(user)
    if user.is_authenticated and user.is_officer and user.role != Role.OPS_VIEWER:
        complaints = complaints.filter(office=user.office_id)
    if status:
        complaints = complaints.filter(status=status)
    if category:
        complaints = complaints.filter(category=category)
    return complaints.select_related("dossier__procedure", "office", "answered_by")


def complaint_for(user, complaint_id: int) -> Complaint | None:
    return complaints_for(user).filter(pk=complaint_id).first()


def rating_of(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def complaints_of(dossier: Dossier) -> list[Complaint]:
    """A dossier's complaints as its applicant reads them, newest first."""
    return list(Complaint.objects.filter(dossier=dossier).select_related("office")
                .order_by("-filed_at", "-id"))
