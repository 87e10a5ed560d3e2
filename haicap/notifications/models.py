"""Notifications: what the platform tells a citizen or an officer, made from outbox messages.

One row per recipient and channel. Citizens get SMS and email about their dossier's status
changes; officers get in-app messages from task timers. Rows are written by the outbox
dispatcher in the same transaction that marks the outbox message published (services.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In the app")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # gave up after the allowed attempts
    REJECTED = "rejected", _("Rejected")  # the gateway refused it: never retried


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted online")
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    REFUSED = "refused", _("Not received")
    STOPPED = "stopped", _("Processing stopped")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    EXTENDED = "extended", _("New appointment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DUE_SOON = "due_soon", _("Task due soon")
    OVERDUE = "overdue", _("Task overdue")
    TICKET_NEAR_TURN = "ticket_near_turn", _("Your turn is near")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")


class NotificationQuerySet(models.QuerySet):
    def of(self, user) -> "NotificationQuerySet":
        """The user's own notifications (no other scope: nobody reads another's)."""
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(channel=NotificationChannel.IN_APP, read_at__isnull=True)


class Outgoing(models.Model):
    """Something sent with retries: a notification or a webhook call."""

    # The outbox message it was made from (kept as an id: the outbox may be pruned).
    message_id = models.UUIDField(_("outbox message"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class Notification(Outgoing):
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="notifications",
                                  verbose_name=_("recipient"))
    # The phone number or email address for SMS and email; empty in the app.
    address = models.CharField(_("address"), max_length=254, blank=True)
    text = models.TextField(_("text"))
    sms_segments = models.PositiveSmallIntegerField(_("SMS segments"), null=True, blank=True)
    provider_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    sandbox = models.BooleanField(_("sandbox"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]
        # One notification per outbox message, channel and recipient, whatever runs twice.
        constraints = [
            models.UniqueConstraint(fields=["message_id", "channel", "address"],
                                    condition=~Q(address=""),
                                    name="one_notification_per_message_address"),
            models.UniqueConstraint(fields=["message_id", "channel", "recipient"],
                                    condition=Q(address=""),
                                    name="one_notification_per_message_user"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.dossier_code}"


class WebhookSubscription(models.Model):
    """A partner system's endpoint for the events of the dossiers it submitted (CloudEvents,
    structured JSON, signed with HMAC-SHA256 under `secret`)."""

    partner = models.ForeignKey("core.ApiPartner", on_delete=models.CASCADE,
                                related_name="webhooks", verbose_name=_("partner"))
    url = models.URLField(_("endpoint URL"), max_length=500)
    # Kept as is: signing needs it (a hash would not do). Shown to administrators only.
    secret = models.CharField(_("signing secret"), max_length=64)
    # Event types wanted (e.g. "vn.haicap.dossier.receive"); empty: all dossier events.
    types = models.JSONField(_("event types"), default=list, blank=True)
    # A context: django.contrib.auth, before us in INSTALLED_APPS, translates plain "active" as
    # "Kích hoạt" (activate) and would win.
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner_id} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return not self.types or event_type in self.types


class WebhookDelivery(Outgoing):
    """One event to one subscription: the CloudEvent as sent, and how sending went."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE,
                                     related_name="deliveries",
                                     verbose_name=_("subscription"))
    event = models.JSONField(_("event"))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True,
                                                       blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["message_id", "subscription"],
                                               name="one_delivery_per_message_subscription")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.message_id}"
