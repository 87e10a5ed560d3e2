"""Procedures and their versioned definitions.

`ProcedureVersion` keeps every published definition as validated JSON; it never changes once
published (the model refuses, and a database trigger refuses plain UPDATEs too), so a dossier can
keep a foreign key to the version it started with. `Procedure` holds the current version's data
denormalized for listing and search.
"""

import hashlib
import json
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.catalog.spec import DeadlineUnit, ExecutingUnit, Level, ProcedureField, ProcedureSpec
from haicap.core.text import fold


def checksum_of(definition: dict) -> str:
    """sha256 of the canonical JSON of a definition (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Procedure(models.Model):
    """A catalogued procedure, with its current published version's data for lists and search."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=500)
    # Folded (lower case, no tone marks): "dang ky khai sinh" finds "Đăng ký khai sinh".
    search_name = models.CharField(max_length=500, db_index=True, editable=False)
    # The procedure's field of activity (lĩnh vực), not a form field.
    field = models.CharField(pgettext_lazy("procedure field", "field"), max_length=32,
                             choices=ProcedureField.choices, db_index=True)
    level = models.CharField(_("level"), max_length=32, choices=Level.choices, db_index=True)
    executing_unit = models.CharField(_("executing unit"), max_length=64,
                                      choices=ExecutingUnit.choices)
    full_online = models.BooleanField(_("full online"), default=False, db_index=True)
    deadline_value = models.PositiveIntegerField(_("deadline"), default=0)
    deadline_unit = models.CharField(_("deadline unit"), max_length=16,
                                     choices=DeadlineUnit.choices)
    life_events = models.JSONField(_("life events"), default=list, blank=True)
    # " birth death ": filterable the same way on SQLite and PostgreSQL (JSON containment is not).
    life_event_keys = models.CharField(max_length=255, blank=True, editable=False)
    # False when the procedure's file left the catalogue: kept for the dossiers that refer to it.
    active = models.BooleanField(pgettext_lazy("procedure in the catalogue", "active"),
                                 default=True, db_index=True)
    current_version = models.ForeignKey(
        "ProcedureVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("current version"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        self.life_event_keys = " " + " ".join(self.life_events) + " " if self.life_events else ""
        super().save(*args, **kwargs)

    def take_data_from(self, spec: ProcedureSpec) -> None:
        """Copy the listed and searched fields of a definition onto this row (not saved)."""
        self.name = spec.name
        self.field = spec.field.value
        self.level = spec.level.value
        self.executing_unit = spec.executing_unit.value
        self.full_online = spec.full_online
        self.deadline_value = spec.deadline.value
        self.deadline_unit = spec.deadline.unit.value
        self.life_events = [event.value for event in spec.life_events]

    @property
    def spec(self) -> ProcedureSpec | None:
        return self.current_version.spec if self.current_version_id else None


# Parsed published versions of this process, by (id, checksum); versions are few (hundreds).
_PUBLISHED_SPECS: dict[tuple[int, str], ProcedureSpec] = {}


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishedVersionError(PermissionError):
    """A published procedure version was about to be changed or deleted."""


class ProcedureVersion(models.Model):
    """One definition of a procedure. Published versions are immutable."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("procedure"))
    # Contexts: django.contrib.auth, before us in INSTALLED_APPS, translates plain "version" and
    # "checksum" its own way ("version", "kiểm tra") and would win.
    number = models.PositiveIntegerField(pgettext_lazy("procedure version", "version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(pgettext_lazy("procedure version", "checksum"), max_length=64,
                                db_index=True)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"],
                                    name="catalog_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and ProcedureVersion.objects.filter(
            pk=self.pk, status=VersionStatus.PUBLISHED
        ).exists():
            raise PublishedVersionError("a published procedure version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == VersionStatus.PUBLISHED:
            raise PublishedVersionError("a published procedure version cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @cached_property
    def spec(self) -> ProcedureSpec:
        """The definition as a typed spec. A published version never changes, so it is parsed
        once per process (every dossier of a procedure reads the same one); a draft, once per
        instance."""
        if not self.is_published:
            return ProcedureSpec.model_validate(self.definition)
        key = (self.pk, self.checksum)
        spec = _PUBLISHED_SPECS.get(key)
        if spec is None:
            spec = _PUBLISHED_SPECS[key] = ProcedureSpec.model_validate(self.definition)
        return spec
