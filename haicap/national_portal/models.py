"""The feed of dossier statuses to the national public-service portal (docs/adr/0014).

One `FeedItem` per dossier event that changes the dossier's national status (1–10), made by
reading the event log with this app's own cursor (`FeedCursor`), sent in order per dossier and
acknowledged (or rejected) item by item by the portal. `SandboxReceipt` is the sandbox portal's
own record of what it received, so that the reconciliation can be checked against it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.core.scoping import ScopedQuerySet, UnitScope
from haicap.dossiers.models import NationalStatus


class FeedStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")  # never sent, or waiting for its next attempt
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REJECTED = "rejected", _("Rejected")  # the portal refused this item: never retried by itself
    FAILED = "failed", _("Given up")  # the portal did not answer after the allowed attempts


class FeedItemQuerySet(ScopedQuerySet):
    def settled(self) -> "FeedItemQuerySet":
        return self.exclude(status=FeedStatus.QUEUED)


class FeedItem(models.Model):
    """One national status change of one dossier, as sent to the national portal."""

    # Events are never deleted but by the demo's --reset, which takes the feed with them.
    event = models.OneToOneField("dossiers.DossierEvent", on_delete=models.CASCADE,
                                 related_name="feed_item", verbose_name=_("dossier event"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE,
                                related_name="feed_items", verbose_name=_("dossier"))
    national_status = models.PositiveSmallIntegerField(_("national status"),
                                                       choices=NationalStatus.choices)
    # When the status changed (the event's time): the day the reports count it on.
    event_at = models.DateTimeField(_("status changed at"))
    produced_at = models.DateTimeField(_("produced at"))
    # What is sent (built when the item is made, rebuilt by a resend).
    payload = models.JSONField(_("payload"), default=dict)

    status = models.CharField(_("state"), max_length=16, choices=FeedStatus.choices,
                              default=FeedStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    receipt = models.CharField(_("portal receipt"), max_length=64, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sandbox = models.BooleanField(_("sandbox"), default=False)

    objects = FeedItemQuerySet.as_manager()
    unit_scope = UnitScope(province_field="dossier__province",
                           office_fields=("dossier__competent_office",
                                          "dossier__receiving_office"))

    class Meta:
        verbose_name = _("feed item")
        verbose_name_plural = _("feed items")
        ordering = ["event_id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            # The order rule: a dossier's earlier items, looked up per candidate.
            models.Index(fields=["dossier", "event"]),
            models.Index(fields=["event_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.national_status}"

    @property
    def key(self) -> str:
        return self.payload.get("MaDongBo", "")


class FeedCursor(models.Model):
    """How far the feed has read the event log.

    `position` is the highest event id read. Ids are handed out when a row is inserted, not
    when its transaction commits, so on PostgreSQL an event may become visible after a higher
    one was read: each id below `position` not seen yet is kept in `holes` (id → when first
    missed) and looked for again at every pass until it appears or is older than the safety
    lag (a rolled-back transaction leaves a hole that never fills)."""

    name = models.CharField(max_length=32, unique=True)
    position = models.BigIntegerField(default=0)
    holes = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class SandboxReceipt(models.Model):
    """What the SANDBOX national portal received: one row per item it was sent (again)."""

    key = models.CharField(_("sync key"), max_length=64, db_index=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40, db_index=True)
    national_status = models.PositiveSmallIntegerField(_("national status"), null=True)
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(pgettext_lazy("sandbox portal", "received at"))
    accepted = models.BooleanField(_("accepted"))
    receipt = models.CharField(_("receipt"), max_length=64, blank=True)
    code = models.CharField(_("rejection code"), max_length=64, blank=True)
    reason = models.CharField(_("rejection reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sandbox portal receipt")
        verbose_name_plural = _("sandbox portal receipts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.key} {'accepted' if self.accepted else self.code}"
