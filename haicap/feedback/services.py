"""Writes of the feedback app, one transaction each: a rating, a complaint, an officer taking a
complaint in hand and answering it. Ratings, complaints and answers are also dossier events
(`rate`, `complain`, `answer_complaint`) written through `record_event`, so the event log (and
the KPI facts folded from it) and the outbox carry them — the applicant is told of an answer;
every write is in the audit log."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import DomainError, InvalidInput, PermissionDenied
from haicap.core.models import User
from haicap.core.roles import WRITER_ROLES
from haicap.dossiers.models import Dossier, Status
from haicap.dossiers.services import record_event
from haicap.feedback.models import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Rating,
    RatingReason,
    Via,
)

# A result exists: ready to collect, or handed over.
RESULT_STATUSES = (Status.FINISHED, Status.RETURNED)
# A rating can be changed this long after it was first given (a mis-tap on a phone), then it
# is final: the indicators of a closed month should not move for long.
CHANGE_DAYS = 7
COMMENT_MAX = 500
COMPLAINT_MAX = 2000
ANSWER_MAX = 4000
# Unanswered complaints a dossier may have at once: enough for real needs, not a flood.
OPEN_COMPLAINTS_MAX = 3


def rate_dossier(dossier: Dossier, score, reason: str = "", via: str = Via.PORTAL, *,
                 comment: str = "") -> Rating:
    """The applicant's rating of a dossier with a result (a second one within `CHANGE_DAYS`
    replaces the first; each is a `rate` event, the latest counts)."""
    score = _valid_score(score)
    reason = _choice(reason, RatingReason, "invalid_reason", blank=True)
    via = _choice(via, Via, "invalid_via")
    comment = _text(comment, COMMENT_MAX, required=False)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status not in RESULT_STATUSES:
            raise InvalidInput(_("You can rate the service once the dossier has its result."),
                               code="no_result_yet")
        rating = _save_rating(dossier, score, reason, via, comment, timezone.now())
        record_event(dossier, "rate", dossier.status, note=comment,
                     data={"score": score, "reason": reason, "via": via})
        audit.record("feedback.rate", rating, summary=f"{dossier.code} {score}/5 {via}")
    return rating


def _save_rating(dossier, score, reason, via, comment, now) -> Rating:
    rating = Rating.objects.filter(dossier=dossier).first()
    if rating is None:
        return Rating.objects.create(dossier=dossier, score=score, reason=reason,
                                     comment=comment, via=via, rated_at=now)
    if now > rating.rated_at + timedelta(days=CHANGE_DAYS):
        raise DomainError(_("This dossier was rated more than %(days)d days ago; the rating "
                            "can no longer be changed.") % {"days": CHANGE_DAYS},
                          code="rating_closed", status=409)
    rating.score, rating.reason, rating.comment, rating.via = score, reason, comment, via
    rating.changed_at = now
    rating.save(update_fields=["score", "reason", "comment", "via", "changed_at"])
    return rating


def may_change(rating: Rating | None, now=None) -> bool:
    """Whether the rating can still be given again (none yet, or within the change window)."""
    now = now or timezone.now()
    return rating is None or now <= rating.rated_at + timedelta(days=CHANGE_DAYS)


def file_complaint(dossier: Dossier, category: str, text: str, via: str = Via.PORTAL, *,
                   filed_by: User | None = None) -> Complaint:
    """A complaint about a dossier, whatever its state (a late one is still open), sent to the
    dossier's competent office to answer."""
    category = _choice(category, ComplaintCategory, "invalid_category")
    via = _choice(via, Via, "invalid_via")
    text = _text(text, COMPLAINT_MAX, required=True)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        waiting = (Complaint.objects.filter(dossier=dossier)
                   .exclude(status=ComplaintStatus.ANSWERED).count())
        if waiting >= OPEN_COMPLAINTS_MAX:
            raise DomainError(_("This dossier already has %(count)d complaints waiting for an "
                                "answer; please wait for them.") % {"count": waiting},
                              code="too_many_open_complaints", status=409)
        complaint = Complaint.objects.create(
            dossier=dossier, office_id=dossier.competent_office_id,
            province_id=dossier.province_id, category=category, text=text, via=via,
            filed_by=filed_by, filed_at=timezone.now())
        record_event(dossier, "complain", dossier.status,
                     data={"complaint_id": complaint.pk, "category": category, "via": via})
        audit.record("feedback.complain", complaint, summary=f"{dossier.code} {category}")
    return complaint


def start_handling(*, officer: User, complaint: Complaint) -> Complaint:
    """An officer of the responsible unit takes a received complaint in hand."""
    _check_answerer(officer, complaint)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status != ComplaintStatus.RECEIVED:
            raise _state_changed()
        complaint.status, complaint.handled_by = ComplaintStatus.IN_HANDLING, officer
        complaint.save(update_fields=["status", "handled_by"])
        audit.record("feedback.start_handling", complaint, summary=str(complaint.pk))
    return complaint


def answer_complaint(*, officer: User, complaint: Complaint, answer: str) -> Complaint:
    """An officer of the responsible unit answers; the answer is final (a new complaint can
    follow it)."""
    _check_answerer(officer, complaint)
    answer = _text(answer, ANSWER_MAX, required=True)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status == ComplaintStatus.ANSWERED:
            raise _state_changed()
        before = complaint.status
        complaint.status, complaint.answer = ComplaintStatus.ANSWERED, answer
        complaint.answered_by, complaint.answered_at = officer, timezone.now()
        complaint.handled_by = complaint.handled_by or officer
        complaint.save(update_fields=["status", "answer", "answered_by", "answered_at",
                                      "handled_by"])
        # An event too: the dossier's history shows it and the applicant is told (outbox).
        dossier = Dossier.objects.select_related("procedure").get(pk=complaint.dossier_id)
        record_event(dossier, "answer_complaint", dossier.status, office=officer.office,
                     note=answer, data={"complaint_id": complaint.pk})
        audit.record("feedback.answer", complaint, summary=str(complaint.pk),
                     changes={"status": [before, complaint.status]})
    return complaint


def may_answer(officer: User, complaint: Complaint) -> bool:
    return (officer.is_authenticated and officer.is_active and officer.is_officer
            and officer.role in WRITER_ROLES and officer.office_id == complaint.office_id)


def _check_answerer(officer: User, complaint: Complaint) -> None:
    if not may_answer(officer, complaint):
        raise PermissionDenied(_("Only officers of the dossier's competent unit answer its "
                                 "complaints."))


def _state_changed() -> DomainError:
    return DomainError(_("The complaint was just updated by someone else; reload it."),
                       code="complaint_changed", status=409)


# -- checks ---------------------------------------------------------------------------------------

def _valid_score(score) -> int:
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise InvalidInput(_("The score is a whole number from 1 to 5."), code="invalid_score")
    return value


def _choice(value, choices, code: str, *, blank: bool = False) -> str:
    value = (value or "").strip()
    if (blank and not value) or value in choices.values:
        return value
    raise InvalidInput(_("This choice is not one of the list."), code=code)


def _text(text, limit: int, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(_("Please write a few words."), code="text_required")
    if len(text) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           code="too_long")
    return text
