"""Which notifications an outbox message makes, and their words.

Citizens hear about each status change of their dossier and each answer to their complaints (by
SMS and email when they gave a number or an address; in the app when they have an account and
gave neither). Officers hear in
the app from task timers: "due soon" to the task's assignee (the whole queue of the task's unit
and role while nobody claimed it), then to the unit's leaders; "overdue" to both. Moves that
change nothing for the applicant (claim, forward inside the unit, send back) make nothing.
"""

from datetime import datetime

from haicap.core.models import User
from haicap.core.roles import Role
from haicap.dossiers.models import DossierEvent, OutboxMessage, Status, Task, TimerKind
from haicap.dossiers.services import RECEIVED_ON_SUBMISSION
from haicap.feedback.links import rating_link
from haicap.notifications.gateways import sender_for
from haicap.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationKind,
)
from haicap.notifications.texts import Facts, render, sms_segments

DOSSIER_TYPE = "vn.haicap.dossier."
TICKET_NEAR_TURN = "vn.haicap.ticket.near_turn"
# Messages that carry the link to rate the service (the applicant has the result).
RATED_KINDS = (NotificationKind.RESULT_READY, NotificationKind.RETURNED)
TIMER_KINDS = {"vn.haicap.task.due_soon": NotificationKind.DUE_SOON,
               "vn.haicap.task.overdue": NotificationKind.OVERDUE}

ACTION_KINDS = {
    "receive": NotificationKind.RECEIVED,
    "request_supplement": NotificationKind.SUPPLEMENT_REQUESTED,
    "receive_supplement": NotificationKind.SUPPLEMENT_RECEIVED,
    "extend": NotificationKind.EXTENDED,
    "return_result": NotificationKind.RETURNED,
    "withdraw": NotificationKind.WITHDRAWN,
    "answer_complaint": NotificationKind.COMPLAINT_ANSWERED,
}


def notifications_for(message: OutboxMessage, now: datetime) -> list[Notification]:
    """The unsaved notifications of one outbox message (none for types nobody is told of)."""
    if message.type.startswith(DOSSIER_TYPE):
        return _for_applicant(message, now)
    if message.type in TIMER_KINDS:
        return _for_officers(message, now)
    if message.type == TICKET_NEAR_TURN:
        return [_ticket_sms(message, now)]
    return []


def _ticket_sms(message: OutboxMessage, now: datetime) -> Notification:
    """A desk-ticket holder who left a phone number: the tickets app wrote the words."""
    text = message.data["text"]
    return Notification(
        message_id=message.pk, kind=NotificationKind.TICKET_NEAR_TURN,
        channel=NotificationChannel.SMS, address=message.data["phone"], text=text,
        sms_segments=sms_segments(text), status=DeliveryStatus.QUEUED, next_attempt_at=now,
        sandbox=sender_for(NotificationChannel.SMS).is_sandbox, created_at=now)


def citizen_kind(event: DossierEvent) -> str | None:
    """What the applicant is told of a move, if anything."""
    if event.action == "submit":
        # A desk receives its own submissions at once: "received" says it all.
        return None if event.note in RECEIVED_ON_SUBMISSION else NotificationKind.SUBMITTED
    if event.action == "refuse":
        if event.to_status == Status.REFUSED:
            return NotificationKind.REFUSED
        return NotificationKind.STOPPED
    if event.action in ACTION_KINDS:
        return ACTION_KINDS[event.action]
    if event.to_status == Status.FINISHED and event.from_status != Status.FINISHED:
        return NotificationKind.RESULT_READY
    return None


def _for_applicant(message: OutboxMessage, now: datetime) -> list[Notification]:
    action = message.type.removeprefix(DOSSIER_TYPE)
    event = (DossierEvent.objects.select_related("dossier")
             .filter(dossier__code=message.subject, action=action, at=message.time)
             .order_by("-id").first())
    kind = citizen_kind(event) if event is not None else None
    if kind is None:
        return []
    dossier = event.dossier
    facts = Facts(code=dossier.code, due_at=_moment(event.data.get("due_at")) or dossier.due_at,
                  reason=event.note, link=rating_link(dossier) if kind in RATED_KINDS else "")
    made = [_queued(message, kind, channel, address, dossier.applicant, facts, now)
            for channel, address in ((NotificationChannel.SMS, dossier.applicant_phone),
                                     (NotificationChannel.EMAIL, dossier.applicant_email))
            if address]
    if not made and dossier.applicant is not None:
        made.append(_in_app(message, kind, dossier.applicant, facts, now))
    return made


def _for_officers(message: OutboxMessage, now: datetime) -> list[Notification]:
    data = message.data
    task = Task.objects.select_related("assignee").filter(pk=data.get("task")).first()
    if task is None:
        return []
    kind, timer = TIMER_KINDS[message.type], data.get("timer")
    facts = Facts(code=message.subject, due_at=_moment(data.get("due_at")),
                  step=task.step_name or task.step_key,
                  assignee=task.assignee.full_name if task.assignee else "")
    workers = leaders = []
    if timer in (TimerKind.WARN_ASSIGNEE, TimerKind.OVERDUE):
        workers = _workers(data)
    if timer in (TimerKind.WARN_LEADER, TimerKind.OVERDUE):
        leaders = [user for user in User.objects.filter(office=data.get("office"),
                                                        role=Role.LEADER, is_active=True)
                   if user not in workers]
    return ([_in_app(message, kind, user, facts, now) for user in workers]
            + [_in_app(message, kind, user, facts, now,
                       for_leader=kind == NotificationKind.DUE_SOON) for user in leaders])


def _workers(data: dict) -> list[User]:
    """The assignee, or while nobody claimed the task, everyone of its unit and role."""
    if data.get("assignee"):
        return list(User.objects.filter(pk=data["assignee"], is_active=True))
    return list(User.objects.filter(office=data.get("office"), role=data.get("role"),
                                    is_active=True))


def _queued(message, kind, channel, address, user, facts, now) -> Notification:
    text = render(kind, channel, facts)
    return Notification(
        message_id=message.pk, dossier_code=message.subject, kind=kind, channel=channel,
        recipient=user, address=address, text=text,
        sms_segments=sms_segments(text) if channel == NotificationChannel.SMS else None,
        status=DeliveryStatus.QUEUED, next_attempt_at=now,
        sandbox=sender_for(channel).is_sandbox, created_at=now)


def _in_app(message, kind, user, facts, now, *, for_leader=False) -> Notification:
    """In the app the stored row is the delivery."""
    return Notification(
        message_id=message.pk, dossier_code=message.subject, kind=kind,
        channel=NotificationChannel.IN_APP, recipient=user,
        text=render(kind, NotificationChannel.IN_APP, facts, for_leader=for_leader),
        status=DeliveryStatus.SENT, created_at=now, sent_at=now)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
