"""What the feedback pages show: the block on a citizen's dossier page (`feedback_block`, the
context of `feedback/_dossier_feedback.html`) and the choices the forms offer."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from haicap.dossiers.models import Dossier
from haicap.feedback import selectors, services
from haicap.feedback.models import ComplaintCategory, Rating, RatingReason, Score
from haicap.feedback.sms import short_number


@dataclass(frozen=True)
class ScoreChoice:
    value: int
    label: str
    stars: str  # "★★★☆☆": the score seen at a glance (the label says it in words)


def score_choices() -> list[ScoreChoice]:
    return [ScoreChoice(value, str(label), "★" * value + "☆" * (5 - value))
            for value, label in Score.choices]


def feedback_block(dossier: Dossier, *, rating_errors: dict | None = None,
                   complaint_errors: dict | None = None, values: dict | None = None,
                   done: str = "") -> dict:
    """The rating form (once the dossier has its result; the rating given, changeable for a
    few days) and the complaint form with the dossier's complaints and their answers."""
    rating = selectors.rating_of(dossier)
    has_result = dossier.status in services.RESULT_STATUSES
    return {
        "dossier": dossier,
        "rating": rating,
        "has_result": has_result,
        "may_rate": has_result and services.may_change(rating),
        "change_until": _change_until(rating),
        "complaints": selectors.complaints_of(dossier),
        "scores": score_choices(),
        "reasons": RatingReason.choices,
        "categories": ComplaintCategory.choices,
        "rating_errors": rating_errors or {},  # {error code: message}
        "complaint_errors": complaint_errors or {},
        "values": values or _values_of(rating),
        "done": done,
        "sms_number": short_number(),
    }


def _change_until(rating: Rating | None):
    if rating is None:
        return None
    return timezone.localtime(rating.rated_at + timedelta(days=services.CHANGE_DAYS))


def _values_of(rating: Rating | None) -> dict:
    """The form's starting values: the rating given, so that changing it starts from it."""
    if rating is None:
        return {}
    return {"score": str(rating.score), "reason": rating.reason, "comment": rating.comment}
