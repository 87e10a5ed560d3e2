"""KPI facts folded from the dossier event log (docs/adr/0011-kpi-facts.md).

`DossierFact`: one row per dossier, what its events say (facts.fold). `DailyFact`: counts per
day × competent office × procedure × channel, each count on the day its measure belongs to
(received on the reception day, finished on the result day, ...), recomputed from
`DossierFact` by one GROUP BY for the keys a batch touched. `MonthlyFact`: the same counts
summed per month, recomputed from `DailyFact` for the months those keys fall in (year-long
views read whole months from it). `Watermark`: how far the log is folded. Nothing here is
written except by haicap.ioc.services.

The dimension columns are plain ids without database constraints: facts are derived data,
rebuilt from the log, and the benchmark loads millions of them by COPY.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from haicap.dossiers.models import OPEN_STATUSES


class DossierFact(models.Model):
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.DO_NOTHING,
                                   primary_key=True, db_constraint=False, related_name="fact")
    province = models.ForeignKey("units.Province", on_delete=models.DO_NOTHING,
                                 db_constraint=False, db_index=False, related_name="+")
    # The unit whose KPI it is: the competent office (the receiving desk may be elsewhere).
    office = models.ForeignKey("core.Office", on_delete=models.DO_NOTHING, db_constraint=False,
                               db_index=False, related_name="+")
    receiving_office = models.ForeignKey("core.Office", on_delete=models.DO_NOTHING,
                                         db_constraint=False, db_index=False, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.DO_NOTHING,
                                  db_constraint=False, db_index=False, related_name="+")
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=24)
    national_status = models.PositiveSmallIntegerField()

    submitted_at = models.DateTimeField()
    submitted_day = models.DateField()
    received_at = models.DateTimeField(null=True)
    received_day = models.DateField(null=True)
    # Slip 01's appointment, moved only by supplement pauses; `due_at` also by apologies.
    original_due_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    finished_day = models.DateField(null=True)
    returned_at = models.DateTimeField(null=True)
    returned_day = models.DateField(null=True)
    # Refused at reception, stopped, or withdrawn: settled without a result.
    closed_day = models.DateField(null=True)

    supplements = models.PositiveSmallIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    late = models.BooleanField(null=True)  # None until finished
    on_time = models.BooleanField(null=True)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    signed = models.BooleanField(default=False)
    paid = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    documents = models.PositiveSmallIntegerField(default=0)
    digitized = models.BooleanField(default=False)  # has documents, all stored with a SHA-256

    last_event_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("dossier fact")
        verbose_name_plural = _("dossier facts")
        indexes = [
            # Each day column by office: the recompute of a batch's DailyFact keys and the
            # drill-down lists.
            models.Index(fields=["office", "submitted_day"], name="ioc_fact_office_submitted"),
            models.Index(fields=["office", "received_day"], name="ioc_fact_office_received"),
            models.Index(fields=["office", "finished_day"], name="ioc_fact_office_finished"),
            models.Index(fields=["office", "returned_day"], name="ioc_fact_office_returned"),
            models.Index(fields=["office", "closed_day"], name="ioc_fact_office_closed"),
            # A province's drill-down lists and its publicity count (dossiers filed in the
            # period, or finished in it, late or not).
            models.Index(fields=["province", "submitted_day"], name="ioc_fact_province_submitted"),
            models.Index(fields=["province", "finished_day"], name="ioc_fact_province_finished"),
            # The backlog: open dossiers only (a few per cent of all), by age and appointment.
            models.Index(fields=["province", "office", "submitted_day", "due_at", "status"],
                         name="ioc_fact_open",
                         condition=models.Q(status__in=OPEN_STATUSES)),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


# The counts of a DailyFact row, each with the DossierFact day it is counted on and what it
# counts (an SQL expression over dossier facts). facts.py and services.py share this table.
DAILY_MEASURES = {
    "submitted": ("submitted_day", "1"),
    "with_documents": ("submitted_day", "CASE WHEN documents > 0 THEN 1 ELSE 0 END"),
    "digitized": ("submitted_day", "CASE WHEN digitized THEN 1 ELSE 0 END"),
    "supplements": ("submitted_day", "supplements"),
    "extensions": ("submitted_day", "extensions"),
    "ratings": ("submitted_day", "ratings"),
    "rating_sum": ("submitted_day", "rating_sum"),
    "complaints": ("submitted_day", "complaints"),
    "complained": ("submitted_day", "CASE WHEN complaints > 0 THEN 1 ELSE 0 END"),
    "paid": ("submitted_day", "CASE WHEN paid THEN 1 ELSE 0 END"),
    "paid_online": ("submitted_day", "CASE WHEN paid_online THEN 1 ELSE 0 END"),
    "received": ("received_day", "1"),
    "finished": ("finished_day", "1"),
    "on_time": ("finished_day", "CASE WHEN on_time THEN 1 ELSE 0 END"),
    "late": ("finished_day", "CASE WHEN late THEN 1 ELSE 0 END"),
    "signed": ("finished_day", "CASE WHEN signed THEN 1 ELSE 0 END"),
    "returned": ("returned_day", "1"),
    "refused": ("closed_day", "CASE WHEN status = 'refused' THEN 1 ELSE 0 END"),
    "stopped": ("closed_day", "CASE WHEN status = 'stopped' THEN 1 ELSE 0 END"),
    "withdrawn": ("closed_day", "CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END"),
}


class FactCounts(models.Model):
    """The dimensions and counts DailyFact and MonthlyFact share (one row per office ×
    procedure × channel and day or month)."""

    province = models.ForeignKey("units.Province", on_delete=models.DO_NOTHING,
                                 db_constraint=False, db_index=False, related_name="+")
    office = models.ForeignKey("core.Office", on_delete=models.DO_NOTHING, db_constraint=False,
                               db_index=False, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.DO_NOTHING,
                                  db_constraint=False, db_index=False, related_name="+")
    channel = models.CharField(max_length=16)

    submitted = models.PositiveIntegerField(default=0)
    with_documents = models.PositiveIntegerField(default=0)
    digitized = models.PositiveIntegerField(default=0)
    supplements = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    complained = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyFact(FactCounts):
    day = models.DateField()

    class Meta:
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        constraints = [
            models.UniqueConstraint(fields=["office", "procedure", "channel", "day"],
                                    name="ioc_daily_fact_key"),
        ]
        indexes = [
            # The province overview reads only these columns: an index-only scan on
            # PostgreSQL. Key columns rather than INCLUDE, which SQLite lacks (and warns of).
            models.Index(fields=["province", "day", "channel", "procedure", "submitted",
                                 "finished", "on_time", "late"],
                         name="ioc_daily_province_overview"),
            models.Index(fields=["office", "day"], name="ioc_daily_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.procedure_id} {self.channel}"


class MonthlyFact(FactCounts):
    """DailyFact summed per calendar month × office × procedure × channel (`month`: its first
    day). Long periods read their whole months here and only the days at their edges from
    DailyFact."""

    month = models.DateField()

    class Meta:
        verbose_name = _("monthly fact")
        verbose_name_plural = _("monthly facts")
        constraints = [
            models.UniqueConstraint(fields=["office", "procedure", "channel", "month"],
                                    name="ioc_monthly_fact_key"),
        ]
        indexes = [
            # As DailyFact's: the province overview's columns, for an index-only scan.
            models.Index(fields=["province", "month", "channel", "procedure", "submitted",
                                 "finished", "on_time", "late"],
                         name="ioc_monthly_province_overview"),
            models.Index(fields=["office", "month"], name="ioc_monthly_office_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} {self.procedure_id} {self.channel}"


class Watermark(models.Model):
    """How far the event log is folded: every event with an id up to `event_id` is in the
    facts (ids above it may be too)."""

    name = models.CharField(max_length=32, primary_key=True)
    event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.event_id}"
