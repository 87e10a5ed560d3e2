"""Writes of the notifications app: the outbox dispatcher, sending with retries, read marks.

The dispatcher is the outbox's one reader. It takes unpublished messages oldest first and, in one
transaction, stores the notifications each makes and marks it published: a message is turned into
notifications exactly once, however often or however many dispatchers run (PostgreSQL: each skips
the rows another holds, SKIP LOCKED; SQLite: write transactions run one at a time).

Sending happens after, outside that transaction (a gateway call must not hold row locks). Each
attempt first claims the notification with a conditional update (its attempt count), so two
senders never send the same row; a claim also pushes `next_attempt_at` a lease ahead, so a sender
that dies mid-call leaves the row to be retried later rather than lost.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone, translation

from haicap.dossiers.models import OutboxMessage
from haicap.notifications import conf
from haicap.notifications.gateways import Rejected, Unavailable, sender_for
from haicap.notifications.models import DeliveryStatus, Notification
from haicap.notifications.planning import notifications_for

# How long a claimed notification is left alone before it counts as abandoned.
SEND_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DispatchReport:
    messages: int
    notifications: int


@dataclass
class SendReport:
    counts: dict = field(default_factory=dict)  # outcome → how many

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def dispatch_outbox(limit: int | None = None) -> DispatchReport:
    """Turn up to `limit` unpublished outbox messages, oldest first, into notifications."""
    now = timezone.now()
    with transaction.atomic(), translation.override("vi"):
        rows = OutboxMessage.objects.filter(published_at__isnull=True).order_by("time", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        messages = list(rows[:limit or conf.batch_size()])
        made = [notification for message in messages
                for notification in notifications_for(message, now)]
        Notification.objects.bulk_create(made)
        OutboxMessage.objects.filter(pk__in=[message.pk for message in messages]).update(
            published_at=now)
    return DispatchReport(len(messages), len(made))


def send_due(limit: int | None = None) -> SendReport:
    """Send the SMS and email whose (next) attempt is due."""
    now = timezone.now()
    report = SendReport()
    due = (Notification.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "id")
           .values_list("pk", "attempts")[:limit or conf.batch_size()])
    senders = {}
    for pk, attempts in list(due):
        report.add(_attempt(pk, attempts, senders))
    return report


def _attempt(pk: int, attempts: int, senders: dict) -> str:
    now = timezone.now()
    claimed = Notification.objects.filter(pk=pk, status=DeliveryStatus.QUEUED,
                                          attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=now + SEND_LEASE)
    if not claimed:
        return "taken"  # another sender has it
    notification = Notification.objects.get(pk=pk)
    sender = senders.setdefault(notification.channel, sender_for(notification.channel))
    try:
        provider_id = sender.send(notification)
    except Rejected as exc:
        return _settle(notification, DeliveryStatus.REJECTED, exc.code, str(exc))
    except Unavailable as exc:
        if notification.attempts >= conf.max_attempts():
            return _settle(notification, DeliveryStatus.FAILED, exc.code, str(exc))
        return _settle(notification, DeliveryStatus.QUEUED, exc.code, str(exc),
                       next_attempt_at=timezone.now() + retry_delay(notification.attempts))
    return _settle(notification, DeliveryStatus.SENT, "", "", provider_id=provider_id,
                   sent_at=timezone.now())


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base wait after the first failure, doubling after each."""
    return timedelta(seconds=conf.retry_base_seconds() * 2 ** (attempts - 1))


def _settle(notification: Notification, status: str, error_code: str, error: str,
            **fields) -> str:
    Notification.objects.filter(pk=notification.pk).update(
        status=status, error_code=error_code, last_error=error[:500], **fields)
    return "retry" if status == DeliveryStatus.QUEUED else status


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's own in-app notifications read (all of them without `ids`)."""
    rows = Notification.objects.of(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def deliver_once() -> tuple[DispatchReport, SendReport]:
    """One full pass: drain the outbox, then send what is due."""
    messages = notifications = 0
    while True:
        report = dispatch_outbox()
        messages += report.messages
        notifications += report.notifications
        if report.messages < conf.batch_size():
            break
    return DispatchReport(messages, notifications), send_due()

