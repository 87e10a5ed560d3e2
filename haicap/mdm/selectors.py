"""What the data steward's pages and the API read, always scoped to the user
(`.visible_to(user)` on sources, golden records, runs, decisions and the review queue; batches,
bad rows and source records through their visible source).

List pages read a constant number of queries whatever their length: a queue page's two records
per pair come in one query for the whole page, a golden list is one query plus its count.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.core.errors import NotFound
from haicap.core.models import AuditEntry
from haicap.mdm.models import (
    Batch,
    FieldOverride,
    GoldenMember,
    GoldenRecord,
    Mapping,
    MatchRun,
    PairDecision,
    QualityReport,
    ReviewPair,
    Source,
    SourceRecord,
)
from haicap.mdm.review import ACTIONS
from haicap.mdm.sources import CANONICAL_FIELDS

# What the pages call each canonical and golden field.
FIELD_LABELS = {
    "full_name": gettext_lazy("Full name"),
    "family_name": gettext_lazy("Family name"),
    "middle_name": gettext_lazy("Middle name"),
    "given_name": gettext_lazy("Given name"),
    "birth_date": gettext_lazy("Date of birth"),
    "gender": gettext_lazy("Gender"),
    "national_id": gettext_lazy("Personal identification number"),
    "old_id_number": gettext_lazy("Old identity card number"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "commune_code": gettext_lazy("Commune"),
    "father_name": gettext_lazy("Father's name"),
    "mother_name": gettext_lazy("Mother's name"),
    "household_ref": gettext_lazy("Household number"),
    "updated_at": gettext_lazy("Updated at"),
    "head_name": gettext_lazy("Head of household"),
    "members": gettext_lazy("Members"),
    "business_name": gettext_lazy("Business name"),
    "tax_code": gettext_lazy("Tax code"),
    "owner_name": gettext_lazy("Owner's name"),
    "owner_national_id": gettext_lazy("Owner's identification number"),
    "registered_on": gettext_lazy("Registered on"),
}
# Comparisons that are not one field.
COMPARISON_LABELS = {"name": gettext_lazy("Full name"), "parents": gettext_lazy("Parents' names")}
GOLDEN_SHOWN = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
                "address", "commune_code", "father_name", "mother_name", "household_ref")
PERSON_FIELDS = CANONICAL_FIELDS["person"]


def label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def steward_province(user) -> str | None:
    """The province a steward works on (their office's); None for an administrator, who sees
    every province."""
    if user.is_administrator:
        return None
    return user.office.province_id if user.office_id else None


# -- sources, mappings, batches -------------------------------------------------------------------

def sources(user) -> QuerySet:
    """The user's sources with their number of batches, last import and latest mapping."""
    latest_batch = Batch.objects.filter(source=OuterRef("pk")).order_by("-imported_at")
    latest_mapping = Mapping.objects.filter(source=OuterRef("pk")).order_by("-version")
    return (Source.objects.visible_to(user).select_related("legacy_province")
            .annotate(batch_count=Count("batches", distinct=True),
                      last_import=Max("batches__imported_at"),
                      current_records=Subquery(latest_batch.values("rows_imported")[:1]),
                      mapping_version=Subquery(latest_mapping.values("version")[:1]))
            .order_by("province_id", "code"))


def source(user, code: str) -> Source:
    found = Source.objects.visible_to(user).select_related("legacy_province").filter(
        code=code).first()
    if found is None:
        raise NotFound(_("There is no such source."), code="unknown_source")
    return found


def batches(source: Source) -> QuerySet:
    return (Batch.objects.filter(source=source).select_related("mapping", "imported_by")
            .order_by("-imported_at", "-pk"))


def mappings(source: Source) -> QuerySet:
    return Mapping.objects.filter(source=source).select_related("created_by").order_by("-version")


def mapping(source: Source, version: int) -> Mapping:
    found = Mapping.objects.filter(source=source, version=version).first()
    if found is None:
        raise NotFound(_("The source has no mapping version %(version)s.")
                       % {"version": version}, code="unknown_mapping")
    return found


def visible_batches(user) -> QuerySet:
    return (Batch.objects.filter(source__in=Source.objects.visible_to(user).values("pk"))
            .select_related("source", "mapping", "imported_by"))


def batch(user, pk: int) -> Batch:
    found = visible_batches(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such import batch."), code="unknown_batch")
    return found


def bad_rows(batch: Batch) -> QuerySet:
    return batch.bad_rows.order_by("row_number")


# -- golden records -------------------------------------------------------------------------------

def golden_records(user, q: str = "") -> QuerySet:
    """Live golden records (not retired) the user may see; `q` is a golden id, a CCCD number or
    part of a name."""
    found = GoldenRecord.objects.visible_to(user).filter(retired_into="")
    q = " ".join(q.split())
    if q.isdigit() and len(q) == 12:
        found = found.filter(national_id=q)
    elif q[:2].isdigit() and q.isdigit() and len(q) == 11:
        found = found.filter(golden_id=q)
    elif q:
        found = found.filter(full_name__icontains=q)
    return found.order_by("full_name", "golden_id")


def golden_by_id(user, golden_id: str) -> GoldenRecord:
    found = (GoldenRecord.objects.visible_to(user).select_related("commune", "run")
             .filter(golden_id=golden_id).first())
    if found is None:
        raise NotFound(_("There is no such golden record."), code="unknown_golden_record")
    return found


def golden_by_national_id(user, national_id: str) -> GoldenRecord:
    found = (GoldenRecord.objects.visible_to(user).select_related("commune", "run")
             .filter(national_id=national_id, retired_into="").order_by("golden_id").first())
    if found is None:
        raise NotFound(_("No golden record has this identification number."),
                       code="unknown_national_id")
    return found


@dataclass(frozen=True)
class SourceRow:
    """A source record as received and as mapped, with where it came from."""

    record_key: str
    source_code: str
    source_name: str
    batch_id: int | None
    row_number: int | None
    raw: dict
    canonical: dict
    is_current: bool = True

    @property
    def canonical_rows(self) -> list[tuple[str, str]]:
        return [(label(name), self.canonical.get(name, "")) for name in PERSON_FIELDS
                if self.canonical.get(name)]


@dataclass(frozen=True)
class GoldenField:
    name: str
    label: str
    value: str
    source: str | None  # the record key the value came from, "override", or None
    override: FieldOverride | None = None

    @property
    def is_override(self) -> bool:
        return self.source == "override"


@dataclass
class GoldenDetail:
    record: GoldenRecord
    fields: list[GoldenField]
    members: list[SourceRow]
    overrides: list[FieldOverride] = field(default_factory=list)
    decisions: list[PairDecision] = field(default_factory=list)


def golden_detail(user, golden_id: str) -> GoldenDetail:
    """A golden record's fields with their lineage, its source records as received, its
    overrides and the decisions on its records."""
    record = golden_by_id(user, golden_id)
    keys = list(GoldenMember.objects.filter(golden_id=record.golden_id).order_by("record_key")
                .values_list("record_key", flat=True))
    members = source_rows(keys)
    overrides = {item.field: item for item in
                 FieldOverride.objects.filter(golden=record).select_related("decided_by")}
    fields = [GoldenField(name, label(name), _shown_value(record, name),
                          record.lineage.get(name), overrides.get(name))
              for name in GOLDEN_SHOWN]
    decisions = list(PairDecision.objects.visible_to(user)
                     .filter(Q(record_a__in=keys) | Q(record_b__in=keys), is_current=True)
                     .select_related("decided_by").order_by("-decided_at")[:50]) if keys else []
    return GoldenDetail(record, fields, [members[key] for key in keys if key in members],
                        list(overrides.values()), decisions)


def _shown_value(record: GoldenRecord, name: str) -> str:
    if name == "commune_code":
        return f"{record.commune.name} ({record.commune_id})" if record.commune_id and \
            record.commune else (record.commune_id or "")
    value = getattr(record, name)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name == "gender":
        return {"male": _("Male"), "female": _("Female")}.get(value, value or "")
    return value or ""


def source_rows(keys: list[str]) -> dict[str, SourceRow]:
    """The current source record of each key, as received, in one query."""
    rows = (SourceRecord.objects.filter(record_key__in=keys, is_current=True)
            .select_related("source")
            .only("record_key", "batch_id", "row_number", "raw", "canonical", "is_current",
                  "source__code", "source__name"))
    return {row.record_key: SourceRow(row.record_key, row.source.code, row.source.name,
                                      row.batch_id, row.row_number, row.raw, row.canonical,
                                      row.is_current) for row in rows}


# -- the review queue -----------------------------------------------------------------------------

def review_queue(user) -> QuerySet:
    """Pairs waiting for a steward, most likely the same first."""
    return (ReviewPair.objects.visible_to(user).filter(decision__isnull=True)
            .order_by("-probability", "pk"))


@dataclass(frozen=True)
class QueueRow:
    pair: ReviewPair
    a: SourceRow | None
    b: SourceRow | None


def queue_rows(pairs) -> list[QueueRow]:
    pairs = list(pairs)
    keys = [key for pair in pairs for key in (pair.record_a, pair.record_b)]
    found = source_rows(keys) if keys else {}
    return [QueueRow(pair, found.get(pair.record_a), found.get(pair.record_b)) for pair in pairs]


@dataclass(frozen=True)
class Comparison:
    """One line of the side-by-side view: the values as the run standardized them (as received
    when the run's files are gone) and, where different, as received."""

    name: str
    label: str
    a: str
    b: str
    a_received: str = ""
    b_received: str = ""

    @property
    def agrees(self) -> bool | None:
        if not self.a or not self.b:
            return None
        return " ".join(self.a.lower().split()) == " ".join(self.b.lower().split())


@dataclass(frozen=True)
class Weight:
    comparison: str
    level: str
    match_weight: float | None

    @property
    def direction(self) -> str:
        if not self.match_weight:
            return "same"
        return "up" if self.match_weight > 0 else "down"

    @property
    def label(self) -> str:
        """The comparison named as the page names its field (Splink's name otherwise)."""
        return str(COMPARISON_LABELS.get(self.comparison) or label(self.comparison))

    @property
    def level_label(self) -> str:
        """The level's label from the model, in the page's language."""
        return _(self.level)

    @property
    def bar_width(self) -> int:
        """The bar beside the weight, in pixels (a weight of 15 fills it)."""
        return min(round(abs(self.match_weight or 0) * 8), 120)


@dataclass
class PairDetail:
    pair: ReviewPair
    a: SourceRow | None
    b: SourceRow | None
    comparisons: list[Comparison]
    weights: list[Weight]
    golden_a: str | None
    golden_b: str | None
    history: list[PairDecision]


def pair_detail(user, pk: int) -> PairDetail:
    pair = ReviewPair.objects.visible_to(user).select_related("decision__decided_by").filter(
        pk=pk).first()
    if pair is None:
        raise NotFound(_("There is no such pair in your queue."), code="unknown_pair")
    found = source_rows([pair.record_a, pair.record_b])
    a, b = found.get(pair.record_a), found.get(pair.record_b)
    standardized = _standardized(pair.run_id, pair.province_id, [pair.record_a, pair.record_b])
    comparisons = _comparisons(a, b, standardized.get(pair.record_a),
                               standardized.get(pair.record_b))
    golden = dict(GoldenMember.objects.filter(record_key__in=[pair.record_a, pair.record_b])
                  .values_list("record_key", "golden_id"))
    history = list(PairDecision.objects.visible_to(user)
                   .filter(record_a=pair.record_a, record_b=pair.record_b)
                   .select_related("decided_by").order_by("-decided_at", "-pk"))
    return PairDetail(pair, a, b, comparisons, weights(pair.explanation),
                      golden.get(pair.record_a), golden.get(pair.record_b), history)


# The side-by-side view's lines, as the standardization names them.
COMPARED = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
            "address", "father_name", "mother_name", "household_ref", "updated_at")


def _comparisons(a: SourceRow | None, b: SourceRow | None, a_std: dict | None,
                 b_std: dict | None) -> list[Comparison]:
    rows = []
    for name in COMPARED:
        a_received, b_received = _received(a, name), _received(b, name)
        a_value = a_received if a_std is None else _text(a_std.get(name))
        b_value = b_received if b_std is None else _text(b_std.get(name))
        if a_value or b_value or a_received or b_received:
            rows.append(Comparison(name, label(name), a_value, b_value,
                                   a_received if a_received != a_value else "",
                                   b_received if b_received != b_value else ""))
    return rows


def _received(row: SourceRow | None, name: str) -> str:
    if row is None:
        return ""
    if name == "full_name" and not row.canonical.get("full_name"):
        parts = (row.canonical.get(part, "") for part in ("family_name", "middle_name",
                                                           "given_name"))
        return " ".join(part for part in parts if part)
    return row.canonical.get(name, "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value in ("male", "female"):
        return {"male": _("Male"), "female": _("Female")}[value]
    return str(value)


def _standardized(run_id: int, province_id: str, keys: list[str]) -> dict[str, dict]:
    """The records as the run standardized them, from its Parquet file (read for these keys
    only); {} when the file is gone."""
    import pyarrow.parquet as pq

    from haicap.mdm import store

    path = store.folder(province_id) / "runs" / str(run_id) / "records.parquet"
    if not path.exists():
        return {}
    table = pq.read_table(path, filters=[("record_key", "in", keys)])
    return {row["record_key"]: row for row in table.to_pylist()}


def weights(explanation: list) -> list[Weight]:
    """`ReviewPair.explanation` ({"comparison", "level", "match_weight"} each) as rows."""
    rows = []
    for item in explanation or []:
        weight = item.get("match_weight")
        rows.append(Weight(str(item.get("comparison", "")), str(item.get("level", "")),
                           round(float(weight), 2) if weight is not None else None))
    return rows


# -- audit, runs, quality -------------------------------------------------------------------------

def audit_entries(user, action: str = "") -> QuerySet:
    """Who decided what and when: the stewards' verbs, of the user's province."""
    entries = AuditEntry.objects.filter(action__in=[action] if action in ACTIONS else ACTIONS)
    province = steward_province(user)
    if province is not None:
        entries = entries.filter(changes__province=province)
    elif not user.is_administrator:
        return entries.none()
    return entries.order_by("-at", "-id")


def runs(user) -> QuerySet:
    return MatchRun.objects.visible_to(user).select_related("started_by").defer("model") \
        .order_by("-started_at", "-pk")


def run(user, pk: int) -> MatchRun:
    found = runs(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such match run."), code="unknown_run")
    return found


def latest_reported_run(user) -> MatchRun | None:
    """The newest finished run that has quality reports."""
    return (runs(user).filter(status=MatchRun.Status.FINISHED,
                              quality_reports__isnull=False)
            .distinct().first())


def quality_reports(match_run: MatchRun) -> list[QualityReport]:
    return list(QualityReport.objects.filter(run=match_run).select_related("source")
                .order_by("source__code"))
