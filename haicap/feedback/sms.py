"""Ratings by SMS: the applicant answers the result message with "DG <dossier code> <1-5>
[reason]" to the province's short number; the SMS gateway posts each incoming message to
`POST /api/v1/feedback/sms`.

Only the SANDBOX gateway's callback exists so far (a JSON body `{"from", "text"}` and a shared
secret header); a real carrier's callback would be one more parser giving the same
`IncomingSms`. The dossier is matched by its code AND the applicant's phone number: a
rating from any other phone is refused.
"""

import dataclasses
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from haicap.core.context import current_actor, reset_actor, set_actor
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.validation import normalize_phone
from haicap.dossiers.models import Dossier
from haicap.feedback import services
from haicap.feedback.models import Rating, Via

KEYWORDS = {"DG", "ĐG"}
SYNTAX = "DG <mã hồ sơ> <điểm 1-5> [lý do]"
SCORE = re.compile(r"^[1-5]$")


@dataclass(frozen=True)
class IncomingSms:
    phone: str
    text: str


@dataclass(frozen=True)
class RatingSms:
    code: str
    score: str
    comment: str


def short_number() -> str:
    return settings.HAICAP_FEEDBACK_SMS_NUMBER


def check_secret(given: str) -> None:
    """The gateway proves it is the gateway with the shared secret."""
    expected = settings.HAICAP_FEEDBACK_SMS_SECRET
    if not hmac.compare_digest((given or "").encode(), expected.encode()):
        raise PermissionDenied(_("The SMS gateway's secret is missing or wrong."),
                               code="invalid_gateway_secret")


def parse(text: str) -> RatingSms:
    """The three parts of a rating message; anything else is refused with the syntax."""
    words = (text or "").split(maxsplit=3)
    if len(words) < 3 or words[0].upper() not in KEYWORDS:
        raise InvalidInput(_("The message is not a rating. Send: %(syntax)s")
                           % {"syntax": SYNTAX}, code="sms_format")
    if not SCORE.match(words[2]):
        raise InvalidInput(_("The score is a number from 1 to 5. Send: %(syntax)s")
                           % {"syntax": SYNTAX}, code="invalid_score")
    return RatingSms(code=words[1], score=words[2],
                     comment=words[3] if len(words) > 3 else "")


def rate_by_sms(message: IncomingSms) -> tuple[Rating, str]:
    """Record the rating a message gives; the rating and the reply to send back."""
    phone = normalize_phone(message.phone)
    wanted = parse(message.text)
    dossier = (Dossier.objects.select_related("procedure")
               .filter(code__in={wanted.code, wanted.code.upper()}).first())
    if dossier is None:
        raise InvalidInput(_("No dossier has the code %(code)s.") % {"code": wanted.code},
                           code="dossier_not_found")
    if dossier.applicant_phone != phone:
        raise InvalidInput(_("Only the applicant's phone number can rate this dossier."),
                           code="phone_mismatch")
    token = set_actor(dataclasses.replace(current_actor(), actor="sms-gateway"))
    try:
        rating = services.rate_dossier(dossier, wanted.score, via=Via.SMS,
                                       comment=wanted.comment[:services.COMMENT_MAX])
    finally:
        reset_actor(token)
    reply = _("Thank you. Your rating of dossier %(code)s: %(score)d/5.") % {
        "code": dossier.code, "score": rating.score}
    return rating, reply
