"""The feedback API (django-ninja router, mounted under /api/v1): a signed-in citizen rates
their dossier and sends complaints; officers list and answer their unit's complaints; the
SMS gateway (sandbox) posts the ratings citizens send by SMS."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from haicap.core.errors import ErrorOut, NotFound, PermissionDenied
from haicap.feedback import selectors, services, sms
from haicap.feedback.models import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Rating,
    RatingReason,
    Via,
)
from haicap.portal.selectors import my_dossier

router = Router(tags=["feedback"])


class RatingIn(Schema):
    score: int = Field(description="1 (very dissatisfied) to 5 (very satisfied)")
    reason: RatingReason | None = Field(None, description="The main reason, from the list")
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    dossier_code: str
    score: int
    reason: str
    comment: str
    via: Via
    rated_at: datetime
    changed_at: datetime | None
    changeable_until: datetime = Field(description="The rating can be given again until then")

    @staticmethod
    def resolve_dossier_code(rating: Rating) -> str:
        return rating.dossier.code

    @staticmethod
    def resolve_changeable_until(rating: Rating) -> datetime:
        return rating.rated_at + timedelta(days=services.CHANGE_DAYS)


class ComplaintIn(Schema):
    category: ComplaintCategory
    text: str = Field(max_length=2000)


class ComplaintOut(Schema):
    id: int
    dossier_code: str
    category: ComplaintCategory
    text: str
    via: Via
    status: ComplaintStatus
    filed_at: datetime
    office_code: str = Field(description="The responsible unit: the dossier's competent one")
    office_name: str
    answer: str
    answered_at: datetime | None

    @staticmethod
    def resolve_dossier_code(complaint: Complaint) -> str:
        return complaint.dossier.code

    @staticmethod
    def resolve_office_code(complaint: Complaint) -> str:
        return complaint.office.code

    @staticmethod
    def resolve_office_name(complaint: Complaint) -> str:
        return complaint.office.name


class ComplaintFilters(Schema):
    status: ComplaintStatus | None = None
    category: ComplaintCategory | None = None


class AnswerIn(Schema):
    answer: str = Field(max_length=4000)


class SmsIn(Schema):
    sender: str = Field(alias="from", description="The sender's phone number")
    text: str = Field(max_length=1000)


class SmsOut(Schema):
    code: str = Field(description='"rated"')
    message: str = Field(description="The reply the gateway sends back to the phone")
    dossier_code: str
    score: int
    sandbox: bool = Field(description="Always true: only the sandbox gateway exists")


@router.post("/dossiers/{code}/rating", auth=django_auth,
             response={200: RatingOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                       422: ErrorOut},
             summary="Rate my dossier's service (once it has its result)")
def rate(request, code: str, payload: RatingIn):
    """One rating per dossier; posting again within 7 days of the first replaces it (409
    `rating_closed` after that). 422 `no_result_yet` before the result, `invalid_score`
    outside 1–5."""
    dossier = my_dossier(request.user, code)
    rating = services.rate_dossier(dossier, payload.score, payload.reason or "", Via.PORTAL,
                                   comment=payload.comment)
    return rating


@router.post("/dossiers/{code}/complaints", auth=django_auth,
             response={201: ComplaintOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                       422: ErrorOut},
             summary="Send a complaint or suggestion about my dossier")
def complain(request, code: str, payload: ComplaintIn):
    """Answered by the dossier's competent unit; at most 3 unanswered at once (409
    `too_many_open_complaints`)."""
    dossier = my_dossier(request.user, code)
    complaint = services.file_complaint(dossier, payload.category, payload.text, Via.PORTAL,
                                        filed_by=request.user)
    return HttpStatus(201, complaint)


@router.get("/complaints", auth=django_auth,
            response={200: list[ComplaintOut], 401: ErrorOut, 403: ErrorOut},
            summary="Complaints of my unit (officers), newest first")
@paginate(LimitOffsetPagination)
def list_complaints(request, filters: Query[ComplaintFilters]):
    _officer(request.user)
    return selectors.complaints_for(request.user, status=filters.status or "",
                                    category=filters.category or "")


@router.post("/complaints/{complaint_id}/answer", auth=django_auth,
             response={200: ComplaintOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut, 422: ErrorOut},
             summary="Answer a complaint of my unit")
def answer(request, complaint_id: int, payload: AnswerIn):
    complaint = services.answer_complaint(officer=request.user,
                                          complaint=_complaint(request, complaint_id),
                                          answer=payload.answer)
    return complaint


@router.post("/feedback/sms", auth=None,
             response={200: SmsOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Incoming rating SMS (SANDBOX gateway callback)")
def incoming_sms(request, payload: SmsIn,
                 secret: str = Header("", alias="X-Haicap-Sms-Secret",
                                      description="The secret shared with the gateway")):
    """SANDBOX: the simulated SMS gateway posts each message sent to the short number. A
    rating is `DG <dossier code> <1-5> [reason]` from the applicant's phone. Refused messages
    are 422 with a stable code (`sms_format`, `invalid_score`, `dossier_not_found`,
    `phone_mismatch`, `no_result_yet`, `invalid_phone`) and a Vietnamese message to send back.
    """
    sms.check_secret(secret)
    rating, reply = sms.rate_by_sms(sms.IncomingSms(phone=payload.sender, text=payload.text))
    return {"code": "rated", "message": reply, "dossier_code": rating.dossier.code,
            "score": rating.score, "sandbox": True}


def _officer(user) -> None:
    if not (user.is_officer or user.is_administrator):
        raise PermissionDenied(_("This is for officers."))


def _complaint(request, complaint_id: int) -> Complaint:
    _officer(request.user)
    complaint = selectors.complaint_for(request.user, complaint_id)
    if complaint is None:
        raise NotFound(_("No complaint of your unit has this number."),
                       code="complaint_not_found")
    return complaint
