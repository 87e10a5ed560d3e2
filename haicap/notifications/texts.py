"""The words of each notification, in plain Vietnamese short enough for SMS.

Msgids are English; the dispatcher renders them in Vietnamese (`translation.override("vi")`)
whatever language the worker runs in. Vietnamese needs its diacritics, so an SMS is sent in
UCS-2: 70 characters fit one segment, 67 each of a longer message (GSM-7 text without them: 160
and 153). Our citizen texts stay within about 120 characters, two segments; a reason is cut to
`SMS_REASON_CHARS` in an SMS (the email carries it whole).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.notifications.models import NotificationChannel, NotificationKind

SMS_REASON_CHARS = 60

TEXTS = {
    NotificationKind.SUBMITTED: gettext_lazy(
        "Dossier %(code)s was submitted online. The one-stop desk will check it and send you "
        "the appointment date."),
    NotificationKind.RECEIVED: gettext_lazy(
        "Dossier %(code)s was received. Result appointment: %(date)s."),
    NotificationKind.SUPPLEMENT_REQUESTED: gettext_lazy(
        "Dossier %(code)s needs a supplement: %(reason)s. Please bring it to the one-stop "
        "desk."),
    NotificationKind.SUPPLEMENT_RECEIVED: gettext_lazy(
        "Dossier %(code)s: the supplement was received. New result appointment: %(date)s."),
    NotificationKind.REFUSED: gettext_lazy(
        "Dossier %(code)s was not received. Reason: %(reason)s."),
    NotificationKind.STOPPED: gettext_lazy(
        "Processing of dossier %(code)s was stopped. Reason: %(reason)s."),
    NotificationKind.RESULT_READY: gettext_lazy(
        "Dossier %(code)s has its result. Please collect it as you chose when applying."),
    NotificationKind.RETURNED: gettext_lazy(
        "The result of dossier %(code)s was handed over. Thank you."),
    NotificationKind.EXTENDED: gettext_lazy(
        "Dossier %(code)s is late; we apologise. New appointment: %(date)s. Reason: "
        "%(reason)s."),
    NotificationKind.WITHDRAWN: gettext_lazy(
        "Dossier %(code)s was withdrawn at your request. Reason: %(reason)s."),
    NotificationKind.COMPLAINT_ANSWERED: gettext_lazy(
        "Dossier %(code)s: your complaint was answered: %(reason)s"),
    NotificationKind.DUE_SOON: gettext_lazy(
        "Dossier %(code)s: step “%(step)s” is due at %(date)s."),
    NotificationKind.OVERDUE: gettext_lazy(
        "Dossier %(code)s: step “%(step)s” is overdue since %(date)s."),
}
# A dossier asked for a supplement before reception has no appointment yet.
SUPPLEMENT_RECEIVED_BEFORE_RECEPTION = gettext_lazy(
    "Dossier %(code)s: the supplement was received; the one-stop desk will now check it.")
LEADER_DUE_SOON = gettext_lazy(
    "Dossier %(code)s of your unit: step “%(step)s” (%(assignee)s) is due at %(date)s.")


@dataclass(frozen=True)
class Facts:
    """What a notification's words need."""

    code: str
    due_at: datetime | None = None
    reason: str = ""
    step: str = ""
    assignee: str = ""
    link: str = ""  # the rating page, on result messages


def render(kind: str, channel: str, facts: Facts, *, for_leader: bool = False) -> str:
    reason = facts.reason.strip()
    if channel == NotificationChannel.SMS and len(reason) > SMS_REASON_CHARS:
        reason = reason[:SMS_REASON_CHARS - 1].rstrip() + "…"
    template = TEXTS[NotificationKind(kind)]
    if for_leader:
        template = LEADER_DUE_SOON
    elif kind == NotificationKind.SUPPLEMENT_RECEIVED and facts.due_at is None:
        template = SUPPLEMENT_RECEIVED_BEFORE_RECEPTION
    text = str(template) % {"code": facts.code, "date": _moment(facts.due_at),
                            "reason": reason, "step": facts.step,
                            "assignee": facts.assignee or _("not claimed")}
    if facts.link:
        text += " " + _("Rate the service: %(link)s") % {"link": facts.link}
    return text


def _moment(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# GSM 03.38: the basic set (one septet each) and its extension (two septets each).
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many SMS segments a text takes (what a carrier bills)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        septets = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)
