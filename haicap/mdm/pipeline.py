"""A match run: every current person record of the province standardized, matched with the saved
Splink model, clustered with the stewards' decisions, made into golden records, and the results
stored — golden records and memberships (only what changed), the review queue, the data-quality
report per source — plus the run's Parquet files for analytics.

The columnar work (standardize, match, cluster, survivorship) runs in DuckDB over Arrow tables;
the database writes are bulk: COPY on PostgreSQL, executemany on SQLite.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import asdict

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from haicap.core.bulk import bulk_insert
from haicap.mdm import conf, duck, golden, quality, store
from haicap.mdm.models import (
    FieldOverride,
    GoldenMember,
    GoldenRecord,
    MatchRun,
    PairDecision,
    ReviewPair,
    Source,
    SurvivorshipRule,
    Verdict,
)

# A model trained on a few hundred thousand records scores as well as one trained on millions
# (measured at 100k and 1M generated people) in a fraction of the time.
TRAINING_RECORDS = 250_000
STRING_FIELDS = ("full_name", "gender", "national_id", "old_id_number", "phone", "address",
                 "father_name", "mother_name", "household_ref")


class Stopwatch:
    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now


def run(province, *, user=None, retrain: bool = False) -> MatchRun:
    """Run the whole pipeline for `province`; the run records its figures or its failure."""
    match_run = MatchRun.objects.create(
        province=province, merge_threshold=conf.merge_threshold(),
        review_threshold=conf.review_threshold(),
        started_by=user if user and user.is_authenticated else None)
    try:
        _run(match_run, retrain=retrain)
    except Exception as exc:
        MatchRun.objects.filter(pk=match_run.pk).update(
            status=MatchRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        raise
    return match_run


def _run(match_run: MatchRun, *, retrain: bool) -> None:
    from haicap.mdm import matching, standardize

    clock = Stopwatch()
    raw = store.current_people(match_run.province_id)
    clock.lap("read")
    standardized = standardize.standardize(raw)
    records = standardized.records
    clock.lap("standardize")
    model = _model(match_run, records, retrain)
    clock.lap("train")
    pairs = matching.predict(records, model, threshold=match_run.review_threshold).table
    must, cannot = _decisions(match_run.province_id)
    clusters = matching.cluster(records.column("record_key"), pairs,
                                threshold=match_run.merge_threshold,
                                must_link=must, cannot_link=cannot)
    clock.lap("match")
    province_id = match_run.province_id
    result = golden.build(
        records, clusters, province=province_id, trust=_trust(province_id),
        rules=_rules(province_id), overrides=_overrides(province_id),
        previous=previous_members(province_id), next_serial=_next_serial(province_id))
    clock.lap("golden")
    changes = _save(match_run, result, pairs, clusters, records, standardized.fixes, raw, model)
    clock.lap("save")
    for name, table in (("records", records), ("fixes", standardized.fixes), ("pairs", pairs),
                        ("clusters", clusters), ("golden", result.golden)):
        store.write_output(match_run, name, table)
    clock.lap("files")
    match_run.figures = {**changes, "records": records.num_rows, "pairs": pairs.num_rows,
                         "seconds": clock.seconds}
    match_run.status = MatchRun.Status.FINISHED
    match_run.finished_at = timezone.now()
    match_run.save(update_fields=["figures", "status", "finished_at", "model"])


def _model(match_run: MatchRun, records: pa.Table, retrain: bool):
    from haicap.mdm import matching

    last = (MatchRun.objects.filter(province_id=match_run.province_id,
                                    status=MatchRun.Status.FINISHED)
            .exclude(model={}).order_by("-started_at").first())
    if last is not None and not retrain:
        model = matching.Model.from_json(json.dumps(last.model))
    else:
        model = matching.train(training_sample(records))
    match_run.model = json.loads(model.to_json())
    return model


def training_sample(records: pa.Table, limit: int = TRAINING_RECORDS) -> pa.Table:
    """At most about `limit` records to train on, chosen by birth date: a person's records
    mostly share one, so the sample keeps their matches together (a random sample of records
    would keep almost none), and the dates it keeps are spread over every age."""
    if records.num_rows <= limit:
        return records
    buckets = -(-records.num_rows // limit)
    with duck.connection() as con:
        con.register("records", records)
        return con.sql(f"SELECT * FROM records WHERE hash(coalesce(CAST(birth_date AS VARCHAR), "
                       f"name_folded)) % {buckets} = 0").to_arrow_table()


def _decisions(province_id: str) -> tuple[list, list]:
    must, cannot = [], []
    for a, b, verdict in (PairDecision.objects.filter(province_id=province_id, is_current=True)
                          .values_list("record_a", "record_b", "verdict")):
        (must if verdict == Verdict.SAME else cannot).append((a, b))
    return must, cannot


def _trust(province_id: str) -> dict[str, int]:
    return dict(Source.objects.filter(province_id=province_id).values_list("code", "trust"))


def _rules(province_id: str) -> dict[str, tuple[str, ...]]:
    return {field: tuple(criteria) for field, criteria in
            SurvivorshipRule.objects.filter(province_id=province_id)
            .values_list("field", "criteria")}


def _overrides(province_id: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for golden_id, field, value in (FieldOverride.objects
                                    .filter(golden__province_id=province_id)
                                    .values_list("golden__golden_id", "field", "value")):
        found.setdefault(golden_id, {})[field] = value
    return found


def previous_members(province_id: str) -> pa.Table:
    """record_key → golden_id of the province's golden records now (other provinces' are
    theirs: a run never reads or replaces them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.record_key, m.golden_id FROM {GoldenMember._meta.db_table} m "
                       f"JOIN {GoldenRecord._meta.db_table} g ON g.golden_id = m.golden_id "
                       "WHERE g.province_id = %s", [province_id])
        rows = cursor.fetchall()
    return pa.table({"record_key": pa.array([row[0] for row in rows], pa.string()),
                     "golden_id": pa.array([row[1] for row in rows], pa.string())})


def _next_serial(province_id: str) -> int:
    last = (GoldenRecord.objects.filter(province_id=province_id).order_by("-golden_id")
            .values_list("golden_id", flat=True).first())
    return int(last[len(province_id):]) + 1 if last else 1


# -- saving ---------------------------------------------------------------------------------------

def _save(match_run, result, pairs, clusters, records, fixes, raw, model) -> dict:
    """Store what changed since the last run, the review queue and the quality reports."""
    with transaction.atomic():
        changed = _changed_golden(match_run.province_id, result.golden)
        new_ids = _write_golden(match_run, changed)
        retired = _retire(result.retired)
        moved = _write_members(match_run.province_id, result.members)
        queued = _queue_review(match_run, pairs, clusters, model)
        quality.save_reports(match_run, raw, records, fixes, clusters)
    auto = pairs.filter(pc.greater_equal(pairs.column("match_probability"),
                                                 match_run.merge_threshold)).num_rows
    return {"golden": result.golden.num_rows, "new": new_ids,
            "changed": changed.num_rows - new_ids, "retired": retired,
            "memberships_changed": moved, "auto_merged_pairs": auto, "to_review": queued}


def _changed_golden(province_id: str, table: pa.Table) -> pa.Table:
    """The golden rows that are new or differ from what the database holds."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT golden_id, {', '.join(_DB_FIELDS)}, lineage, members "
                       f"FROM {GoldenRecord._meta.db_table} WHERE province_id = %s "
                       "AND retired_into = ''", [province_id])
        stored = cursor.fetchall()
    if not stored:
        return table
    fresh = {row[0]: row for row in _rows(table)}
    before = {row[0]: _normalized(row) for row in stored}
    changed = [golden_id for golden_id, row in fresh.items()
               if before.get(golden_id) != _normalized(row)]
    return table.filter(pc.is_in(table.column("golden_id"), pa.array(changed, pa.string())))


_DB_FIELDS = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
              "address", "commune_id", "father_name", "mother_name", "household_ref")


def _rows(table: pa.Table) -> Iterable[tuple]:
    names = ("golden_id", *golden.GOLDEN_FIELDS, "lineage", "members")
    return zip(*(table.column(name).to_pylist() for name in names), strict=True)


def _normalized(row: tuple) -> tuple:
    """A row as comparable values: blanks as empty text, dates as ISO text, lineage parsed."""
    values = ["" if value is None else str(value) for value in row[:-2]]
    lineage = row[-2] if isinstance(row[-2], dict) else json.loads(row[-2] or "{}")
    return (*values, json.dumps(lineage, sort_keys=True), int(row[-1]))


def _write_golden(match_run: MatchRun, changed: pa.Table) -> int:
    existing = set(GoldenRecord.objects.filter(
        golden_id__in=changed.column("golden_id").to_pylist()).values_list("golden_id", flat=True)
    ) if changed.num_rows < 50_000 else _all_golden_ids(match_run.province_id)
    new_rows, updates = [], []
    for row in _rows(changed):
        values = _db_values(match_run, row)
        (updates if row[0] in existing else new_rows).append(values)
    columns = ("golden_id", "province_id", "kind", *_DB_FIELDS, "lineage", "members", "run_id",
               "retired_into")
    bulk_insert(GoldenRecord._meta.db_table, columns, new_rows)
    _update_golden(columns, updates)
    return len(new_rows)


def _all_golden_ids(province_id: str) -> set[str]:
    return set(GoldenRecord.objects.filter(province_id=province_id)
               .values_list("golden_id", flat=True))


def _db_values(match_run: MatchRun, row: tuple) -> tuple:
    golden_id, *fields, lineage, members = row
    values = dict(zip(golden.GOLDEN_FIELDS, fields, strict=True))
    text = {name: (values[name] or "")[:_MAX.get(name, 200)] for name in STRING_FIELDS}
    return (golden_id, match_run.province_id, "person", text["full_name"], values["birth_date"],
            text["gender"], text["national_id"], text["old_id_number"], text["phone"],
            text["address"], values["commune_code"], text["father_name"], text["mother_name"],
            text["household_ref"], lineage, members, match_run.pk, "")


_MAX = {"national_id": 12, "old_id_number": 9, "phone": 10, "gender": 8, "address": 300,
        "household_ref": 80}


def _update_golden(columns: tuple, updates: list[tuple]) -> None:
    if not updates:
        return
    table = GoldenRecord._meta.db_table
    assignments = ", ".join(f"{name} = %s" for name in columns[1:])
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE golden_id = %s",
                           [(*values[1:], values[0]) for values in updates])


def _retire(retired: pa.Table) -> int:
    rows = list(zip(retired.column("retired_into").to_pylist(),
                    retired.column("golden_id").to_pylist(), strict=True))
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {GoldenRecord._meta.db_table} SET retired_into = %s, "
                               "members = 0 WHERE golden_id = %s", rows)
    return len(rows)


def _write_members(province_id: str, members: pa.Table) -> int:
    """Replace the memberships that changed; returns how many records moved or arrived."""
    before = previous_members(province_id)
    with duck.connection() as con:
        con.register("now", members)
        con.register("before", before)
        moved = con.sql("SELECT n.record_key, n.golden_id FROM now n LEFT JOIN before b "
                        "USING (record_key) WHERE b.golden_id IS DISTINCT FROM n.golden_id"
                        ).fetchall()
        gone = [row[0] for row in con.sql("SELECT record_key FROM before WHERE record_key NOT IN "
                                          "(SELECT record_key FROM now)").fetchall()]
    stale = [key for key, _golden_id in moved] + gone
    for start in range(0, len(stale), 5000):
        GoldenMember.objects.filter(record_key__in=stale[start:start + 5000]).delete()
    bulk_insert(GoldenMember._meta.db_table, ("record_key", "golden_id"), moved)
    return len(moved)


def _queue_review(match_run: MatchRun, pairs: pa.Table, clusters: pa.Table, model) -> int:
    """Uncertain pairs left in two clusters, not yet decided, replace the open queue."""
    from haicap.mdm import matching

    ReviewPair.objects.filter(province_id=match_run.province_id, decision__isnull=True).delete()
    decided = set(PairDecision.objects.filter(province_id=match_run.province_id,
                                              is_current=True)
                  .values_list("record_a", "record_b"))
    with duck.connection() as con:
        con.register("pairs", pairs)
        con.register("clusters", clusters)
        uncertain = con.sql(f"""
            SELECT p.* FROM pairs p
            JOIN clusters l ON l.record_key = p.record_key_l
            JOIN clusters r ON r.record_key = p.record_key_r
            WHERE p.match_probability < {float(match_run.merge_threshold)}
              AND l.cluster_key <> r.cluster_key
            ORDER BY p.match_probability DESC
        """).to_arrow_table().to_pylist()
    queue = []
    for row in uncertain:
        a, b = sorted((row["record_key_l"], row["record_key_r"]))
        if (a, b) in decided:
            continue
        queue.append(ReviewPair(
            run=match_run, province_id=match_run.province_id, record_a=a, record_b=b,
            probability=row["match_probability"], match_weight=row["match_weight"],
            explanation=[asdict(item) for item in matching.explain(row, model)]))
    ReviewPair.objects.bulk_create(queue, batch_size=2000)
    return len(queue)
