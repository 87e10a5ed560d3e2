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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone, translation

from haicap.dossiers.models import OutboxMessage
from haicap.notifications import conf, webhooks
from haicap.notifications.gateways import Rejected, Unavailable, sender_for
from haicap.notifications.models import DeliveryStatus, Notification, Outgoing, WebhookDelivery
from haicap.notifications.planning import notifications_for

# How long a claimed notification is left alone before it counts as abandoned.
SEND_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DispatchReport:
    messages: int
    notifications: int
    webhooks: int = 0


@dataclass
class SendReport:
    counts: dict = field(default_factory=dict)  # outcome → how many

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def dispatch_outbox(limit: int | None = None) -> DispatchReport:
    """Turn up to `limit` unpublished outbox messages, oldest first, into notifications and
    webhook deliveries."""
    now = timezone.now()
    with transaction.atomic(), translation.override("vi"):
        rows = OutboxMessage.objects.filter(published_at__isnull=True).order_by("time", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        messages = list(rows[:limit or conf.batch_size()])
        made = [notification for message in messages
                for notification in notifications_for(message, now)]
        calls = [delivery for message in messages
                 for delivery in webhooks.deliveries_for(message, now)]
        Notification.objects.bulk_create(made)
        WebhookDelivery.objects.bulk_create(calls)
        OutboxMessage.objects.filter(pk__in=[message.pk for message in messages]).update(
            published_at=now)
    return DispatchReport(len(messages), len(made), len(calls))


def send_due(limit: int | None = None) -> SendReport:
    """Send the SMS and email whose (next) attempt is due."""
    senders = {}

    def send(notification: Notification) -> dict:
        channel = notification.channel
        sender = senders.setdefault(channel, sender_for(channel))
        return {"provider_id": sender.send(notification)}

    return _send_due(Notification, send, limit)


def call_webhooks_due(limit: int | None = None) -> SendReport:
    """POST the webhook events whose (next) attempt is due."""
    return _send_due(WebhookDelivery, webhooks.post, limit)


def _send_due(model: type[Outgoing], send: Callable[[Outgoing], dict],
              limit: int | None) -> SendReport:
    report = SendReport()
    due = (model.objects.filter(status=DeliveryStatus.QUEUED,
                                next_attempt_at__lte=timezone.now())
           .order_by("next_attempt_at", "id")
           .values_list("pk", "attempts")[:limit or conf.batch_size()])
    with translation.override("vi"):  # email subjects and error texts
        for pk, attempts in list(due):
            report.add(_attempt(model, pk, attempts, send))
    return report


def _attempt(model: type[Outgoing], pk: int, attempts: int,
             send: Callable[[Outgoing], dict]) -> str:
    claimed = model.objects.filter(pk=pk, status=DeliveryStatus.QUEUED,
                                   attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=timezone.now() + SEND_LEASE)
    if not claimed:
        return "taken"  # another sender has it
    row = model.objects.get(pk=pk)
    try:
        fields = send(row)
    except Rejected as exc:
        return _settle(row, DeliveryStatus.REJECTED, exc.code, str(exc))
    except Unavailable as exc:
        if row.attempts >= conf.max_attempts():
            return _settle(row, DeliveryStatus.FAILED, exc.code, str(exc))
        return _settle(row, DeliveryStatus.QUEUED, exc.code, str(exc),
                       next_attempt_at=timezone.now() + retry_delay(row.attempts))
    return _settle(row, DeliveryStatus.SENT, "", "", sent_at=timezone.now(), **fields)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base wait after the first failure, doubling after each."""
    return timedelta(seconds=conf.retry_base_seconds() * 2 ** (attempts - 1))


def _settle(row: Outgoing, status: str, error_code: str, error: str, **fields) -> str:
    type(row).objects.filter(pk=row.pk).update(
        status=status, error_code=error_code, last_error=error[:500], **fields)
    return "retry" if status == DeliveryStatus.QUEUED else status


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's own in-app notifications read (all of them without `ids`)."""
    rows = Notification.objects.of(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


@dataclass(frozen=True)
class PassReport:
    dispatched: DispatchReport
    sent: SendReport  # SMS and email
    called: SendReport  # webhooks

    def as_dict(self) -> dict:
        return {"messages": self.dispatched.messages,
                "notifications": self.dispatched.notifications,
                "webhooks": self.dispatched.webhooks,
                "sent": self.sent.counts, "called": self.called.counts}


def deliver_once() -> PassReport:
    """One full pass: drain the outbox, then send what is due."""
    messages = notifications = calls = 0
    while True:
        report = dispatch_outbox()
        messages += report.messages
        notifications += report.notifications
        calls += report.webhooks
        if report.messages < conf.batch_size():
            break
    dispatched = DispatchReport(messages, notifications, calls)
    return PassReport(dispatched, send_due(), call_webhooks_due())

