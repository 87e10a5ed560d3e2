"""The open-data catalogue: datasets (DCAT metadata) and their releases (one set of files each).

A dataset's metadata comes from its definition in `registry.py`; a release is one generation of
its files (CSV, JSON, Parquet) under MEDIA_ROOT/opendata/<slug>/<release folder>/. The dataset
points at its current release; publishing writes a whole new release first and only then moves
the pointer, so downloads always find a complete set of files.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    SERVICE_PERFORMANCE = "service_performance", _("Public-service performance")
    SERVICE_CATALOGUE = "service_catalogue", _("Public-service catalogue")
    ADMINISTRATIVE_UNITS = "administrative_units", _("Administrative units and offices")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    IRREGULAR = "irregular", _("When it changes")


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    PARQUET = "parquet", "Parquet"


class Dataset(models.Model):
    """One published dataset of the province, described with DCAT's terms."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Folded title, description and keywords: "thu tuc" finds "thủ tục" on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices, db_index=True)
    licence = models.CharField(_("licence"), max_length=32, default="CC-BY-4.0")
    publisher = models.CharField(_("publisher"), max_length=200)
    update_frequency = models.CharField(_("update frequency"), max_length=16,
                                        choices=Frequency.choices)
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("spatial coverage"))
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    issued = models.DateTimeField(_("first published"), null=True, blank=True)
    modified = models.DateTimeField(_("data last changed"), null=True, blank=True)
    current_release = models.ForeignKey("Release", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("current release"))

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title


class Release(models.Model):
    """One generation of a dataset's files; never changed once written."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="releases",
                                verbose_name=_("dataset"))
    generated_at = models.DateTimeField(_("generated at"))
    row_count = models.PositiveIntegerField(_("rows"))
    # [{"name", "type", "description"}]: the schema of this release's files.
    columns = models.JSONField(_("columns"))
    # sha256 of the rows themselves: an unchanged table makes no new release.
    content_sha256 = models.CharField(_("content checksum"), max_length=64)
    folder = models.CharField(_("folder"), max_length=255)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["dataset_id", "-generated_at"]

    def __str__(self) -> str:
        return f"{self.dataset.slug} {self.generated_at:%Y-%m-%d %H:%M}"


class Distribution(models.Model):
    """One file of a release, in one format."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="distributions",
                                verbose_name=_("release"))
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    path = models.CharField(_("file"), max_length=255, help_text=_("Relative to MEDIA_ROOT."))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["release_id", "format"]
        constraints = [
            models.UniqueConstraint(fields=["release", "format"],
                                    name="opendata_one_file_per_format"),
        ]

    def __str__(self) -> str:
        return self.path
