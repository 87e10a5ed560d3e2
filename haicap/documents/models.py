"""Stored files: the bytes of uploaded documents, content-addressed under MEDIA_ROOT, each
row naming who uploaded it, its scan verdict and the dossier document it became."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Not scanned yet")
    CLEAN = "clean", _("No virus found")
    INFECTED = "infected", _("Virus found")
    FAILED = "failed", _("Scan failed, will be retried")


class StoredFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Who uploaded it: a person (citizen or officer), and the API client name of the caller
    # (a partner system's code, or `user:<pk>`), and for an officer their unit.
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    client = models.CharField(_("API client"), max_length=64, blank=True)
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("uploader's unit"))

    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Path in the default storage, by content (never the uploader's file name); empty when
    # the bytes were not kept (a virus was found).
    storage_name = models.CharField(_("storage name"), max_length=255, blank=True)

    scan_status = models.CharField(_("scan"), max_length=16, choices=ScanStatus.choices,
                                   default=ScanStatus.PENDING)
    scanner = models.CharField(_("scanner"), max_length=32, blank=True)
    scan_detail = models.CharField(_("scan detail"), max_length=255, blank=True)
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    document = models.OneToOneField("dossiers.DossierDocument", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="stored_file",
                                    verbose_name=_("dossier document"))
    attached_at = models.DateTimeField(_("attached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-created_at"]
        indexes = [
            # A repeated upload of the same bytes by the same caller finds the first one.
            models.Index(fields=["client", "sha256"]),
            models.Index(fields=["storage_name"]),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def has_bytes(self) -> bool:
        return bool(self.storage_name)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
