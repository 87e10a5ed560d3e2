"""Master data of a merged province: its old systems' records, kept as received, and the golden
records made from them.

A **source** is one old province system (a one-stop system, a civil-status register…); each
import of it is a **batch** of **source records**, stored as received (lineage) together with the
canonical values its saved **mapping** gives. A **match run** standardizes every current source
record, matches them with the saved Splink model, clusters them (remembering the stewards'
decisions) and makes one **golden record** per cluster by the **survivorship rules**. Pairs the
model is unsure about wait in the steward's **review** queue.

The columnar working copies of a run (standardized records, pairs, clusters) are Parquet files
under MEDIA_ROOT/mdm/; the database keeps what people read and decide on.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.core.scoping import ScopedQuerySet, UnitScope


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")
    BUSINESS = "business", pgettext_lazy("master-data entity", "Business")


class SystemKind(models.TextChoices):
    ORACLE = "oracle", "Oracle"
    SQL_SERVER = "sqlserver", "SQL Server"
    MYSQL = "mysql", "MySQL / MariaDB"
    POSTGRESQL = "postgresql", "PostgreSQL"
    EXCEL = "excel", "Excel"
    OTHER = "other", _("Other")


class Source(models.Model):
    """One old system of one of the provinces the new province was merged from."""

    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    system = models.CharField(_("system"), max_length=16, choices=SystemKind.choices)
    legacy_province = models.ForeignKey(
        "units.LegacyProvince", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("old province"))
    # Survivorship: a value from a more trusted source wins (0–100).
    trust = models.PositiveSmallIntegerField(_("trust"), default=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    unit_scope = UnitScope(province_field="province_id")

    class Meta:
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")
        ordering = ["province_id", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class Mapping(models.Model):
    """How a source's columns become the canonical model: saved, versioned, reused."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mappings")
    version = models.PositiveIntegerField(pgettext_lazy("mapping", "version"))
    kind = models.CharField(_("entity"), max_length=16, choices=EntityKind.choices,
                            default=EntityKind.PERSON)
    key_column = models.CharField(_("key column"), max_length=120)
    # {canonical field: source column}
    columns = models.JSONField(_("columns"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        ordering = ["source_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["source", "version"],
                                               name="mdm_mapping_version")]

    def __str__(self):
        return f"{self.source.code} v{self.version}"


class Batch(models.Model):
    """One import of a source: a file or a database table, all its good rows or nothing."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        EXCEL = "xlsx", "Excel"
        POSTGRESQL = "postgresql", "PostgreSQL"
        MARIADB = "mariadb", "MariaDB / MySQL"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="batches")
    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="batches")
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    origin = models.CharField(_("origin"), max_length=300)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    digest = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_bad = models.PositiveIntegerField(_("bad rows"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.source.code} #{self.pk} ({self.origin})"


class SourceRecord(models.Model):
    """A source row as received (`raw`, the source's own columns) and its canonical values
    (`canonical`, by the batch's mapping). A later batch's row with the same key supersedes it
    (`is_current`); the old one stays for lineage."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="records")
    row_number = models.PositiveIntegerField(_("row"))
    record_key = models.CharField(_("record key"), max_length=160)
    raw = models.JSONField(_("as received"))
    canonical = models.JSONField(_("canonical values"))
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("source record")
        verbose_name_plural = _("source records")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="mdm_record_row"),
            models.UniqueConstraint(fields=["record_key"], condition=models.Q(is_current=True),
                                    name="mdm_record_current_key"),
        ]
        indexes = [models.Index(fields=["source", "is_current"], name="mdm_record_source")]

    def __str__(self):
        return self.record_key


class BadRow(models.Model):
    """A row an import refused, with its reasons; the batch's other rows were imported."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="bad_rows")
    row_number = models.PositiveIntegerField(_("row"))
    content = models.TextField(_("content"), blank=True)
    reasons = models.JSONField(_("reasons"))  # [{"code": …, "message": …, "field": …}]

    class Meta:
        ordering = ["batch_id", "row_number"]

    def __str__(self):
        return f"{self.batch_id}:{self.row_number}"


class MatchRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", pgettext_lazy("match run", "Finished")
        FAILED = "failed", pgettext_lazy("match run", "Failed")

    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    model = models.JSONField(_("trained model"), default=dict)
    merge_threshold = models.FloatField(_("merge threshold"))
    review_threshold = models.FloatField(_("review threshold"))
    # Counts (records, pairs, auto_merged, to_review, golden, new, changed, retired) and
    # seconds per stage.
    figures = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    unit_scope = UnitScope(province_field="province_id")

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.province_id} #{self.pk} {self.status}"


class GoldenRecord(models.Model):
    """The one trusted record of a person; `golden_id` stays the same across runs as long as
    most of its source records stay together."""

    golden_id = models.CharField(_("golden id"), max_length=16, unique=True)
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EntityKind.choices, default=EntityKind.PERSON)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, blank=True)
    national_id = models.CharField(_("personal identification number"), max_length=12,
                                   blank=True, db_index=True)
    old_id_number = models.CharField(_("old identity card number"), max_length=9, blank=True)
    phone = models.CharField(_("phone"), max_length=10, blank=True)
    address = models.CharField(pgettext_lazy("person", "address"), max_length=300, blank=True)
    commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT, null=True,
                                blank=True, db_constraint=False, related_name="+")
    father_name = models.CharField(_("father's name"), max_length=200, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=200, blank=True)
    household_ref = models.CharField(_("household"), max_length=80, blank=True)
    # {field: record_key of the source record the value came from, or "override"}
    lineage = models.JSONField(default=dict)
    members = models.PositiveIntegerField(_("source records"), default=0)
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("last changed by run"))
    retired_into = models.CharField(max_length=16, blank=True)

    objects = ScopedQuerySet.as_manager()
    unit_scope = UnitScope(province_field="province_id", commune_field="commune_id")

    class Meta:
        verbose_name = _("golden record")
        verbose_name_plural = _("golden records")
        indexes = [models.Index(fields=["province", "full_name"], name="mdm_golden_name")]

    def __str__(self):
        return f"{self.golden_id} {self.full_name}"


class GoldenMember(models.Model):
    """Which current source record belongs to which golden record (lineage)."""

    golden = models.ForeignKey(GoldenRecord, to_field="golden_id", db_column="golden_id",
                               on_delete=models.CASCADE, related_name="memberships")
    record_key = models.CharField(max_length=160, unique=True)

    def __str__(self):
        return self.record_key


class SurvivorshipRule(models.Model):
    """How a golden field picks its value among the cluster's records: criteria in order
    (a steward's override always first)."""

    class Criterion(models.TextChoices):
        TRUST = "trust", _("Most trusted source")
        RECENT = "recent", _("Most recently updated")
        COMPLETE = "complete", _("Most complete record")
        FREQUENT = "frequent", _("Most frequent value")

    province = models.ForeignKey("units.Province", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("field"), max_length=40)
    criteria = models.JSONField(_("criteria"))  # ["trust", "recent", …]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "field"],
                                               name="mdm_rule_field")]

    def __str__(self):
        return f"{self.field}: {self.criteria}"


class FieldOverride(models.Model):
    """A steward's value for one field of a golden record: it wins over every source."""

    golden = models.ForeignKey(GoldenRecord, on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("value"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["golden", "field"],
                                               name="mdm_override_field")]

    def __str__(self):
        return f"{self.field}={self.value}"


class Verdict(models.TextChoices):
    SAME = "same", _("The same person")
    NOT_SAME = "not_same", _("Not the same person")


class PairDecision(models.Model):
    """A steward's decision on two source records, remembered by every later run: the same →
    always in one golden record; not the same → never. A split is recorded as "not the same"
    between the record split off and each record it leaves. `record_a` < `record_b`."""

    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+")
    record_a = models.CharField(max_length=160)
    record_b = models.CharField(max_length=160)
    verdict = models.CharField(_("decision"), max_length=16, choices=Verdict.choices)
    probability = models.FloatField(_("match probability"), null=True, blank=True)
    action = models.CharField(max_length=16)  # merge, not_same, split, bulk
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)

    objects = ScopedQuerySet.as_manager()
    unit_scope = UnitScope(province_field="province_id")

    class Meta:
        verbose_name = _("steward decision")
        verbose_name_plural = _("steward decisions")
        ordering = ["-decided_at"]
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"],
                                               condition=models.Q(is_current=True),
                                               name="mdm_decision_current_pair")]

    def __str__(self):
        return f"{self.record_a} {self.verdict} {self.record_b}"


class ReviewPair(models.Model):
    """A pair the model is unsure about (probability between the review and merge thresholds),
    waiting for a steward. A run replaces the undecided ones."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="review_pairs")
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+")
    record_a = models.CharField(max_length=160)
    record_b = models.CharField(max_length=160)
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    # [{"comparison", "level", "match_weight"}], from matching.explain
    explanation = models.JSONField(default=list)
    decision = models.ForeignKey(PairDecision, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    objects = ScopedQuerySet.as_manager()
    unit_scope = UnitScope(province_field="province_id")

    class Meta:
        ordering = ["-probability"]
        indexes = [models.Index(fields=["province", "decision"], name="mdm_review_open")]

    def __str__(self):
        return f"{self.record_a} ~ {self.record_b}"


class QualityReport(models.Model):
    """A run's data-quality figures for one source: completeness, validity and duplicates per
    field (`figures`), shown as tables and charts."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="quality_reports")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="quality_reports")
    records = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "source"],
                                               name="mdm_quality_run_source")]

    def __str__(self):
        return f"{self.run_id}:{self.source_id}"
