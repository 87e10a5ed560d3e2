"""Notifications: what the platform tells a citizen or an officer, made from outbox messages.

One row per recipient and channel. Citizens get SMS and email about their dossier's status
changes; officers get in-app messages from task timers. Rows are written by the outbox
dispatcher in the same transaction that marks the outbox message published (services.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    DUE_SOON = "due_soon", _("Task due soon")
    OVERDUE = "overdue", _("Task overdue")


class NotificationQuerySet(models.QuerySet):
    def of(self, user) -> "NotificationQuerySet":
        """The user's own notifications (no other scope: nobody reads another's)."""
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(channel=NotificationChannel.IN_APP, read_at__isnull=True)


class Notification(models.Model):
    # The outbox message it was made from (kept as an id: the outbox may be pruned).
    message_id = models.UUIDField(_("outbox message"), db_index=True)
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
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    sandbox = models.BooleanField(_("sandbox"), default=False)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
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
