"""Golden records: one per cluster of source records, each field chosen by the survivorship rules,
with its lineage (which source record gave it) and an id that survives re-runs.

Survivorship is data (`SurvivorshipRule`): per field an ordered list of criteria —
`trust` (the source's trust), `recent` (the record updated last), `complete` (the record with the
most fields filled), `frequent` (the value most records of the cluster agree on) — and a steward's
override beats them all. Only filled values compete; ties fall to the smallest record key, so
the same input always gives the same record.

Stable ids: a cluster keeps the golden id that most of its records had in the previous run; an
id goes to the one cluster holding most of its old records; clusters that win no id get new
ones (`<province code><9-digit serial>`). Ids no cluster keeps are retired, pointing to the
cluster that took most of their records.
"""

import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from haicap.mdm import duck

GOLDEN_FIELDS = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
                 "address", "commune_code", "father_name", "mother_name", "household_ref")
CRITERIA = ("trust", "recent", "complete", "frequent")
DEFAULT_RULES = {
    # Names and birth dates: the value most records agree on (a typo is outvoted), then the
    # most trusted system.
    "full_name": ("frequent", "trust", "recent"),
    "birth_date": ("frequent", "trust", "recent"),
    # Identity numbers and gender: the most trusted system (the population register) first.
    "national_id": ("trust", "recent"),
    "old_id_number": ("trust", "recent"),
    "gender": ("trust", "recent"),
    # Contact details and address: the latest wins; people move and change numbers.
    "phone": ("recent", "trust"),
    "address": ("recent", "complete", "trust"),
    "commune_code": ("recent", "complete", "trust"),
    "father_name": ("complete", "trust", "recent"),
    "mother_name": ("complete", "trust", "recent"),
    "household_ref": ("recent", "trust"),
}
# Each criterion as bits of one sort key (higher wins); the record's position in the input (the
# store gives records in key order) breaks ties, the first winning. Widths: trust 0–100, days
# since 1900, fields filled 0–11, agreeing records (capped), position (up to 2^24 records).
_BITS = {"trust": 7, "recent": 17, "complete": 4, "frequent": 8}
_VALUE = {"trust": "least(trust, 127)",
          "recent": "coalesce(date_diff('day', DATE '1900-01-01', updated_at), 0)",
          "complete": "completeness"}
_POSITION_BITS = 24


@dataclass
class GoldenResult:
    golden: pa.Table    # golden_id, fields…, lineage (JSON text), members
    members: pa.Table   # record_key, golden_id
    retired: pa.Table   # golden_id, retired_into
    next_serial: int


def build(records: pa.Table, clusters: pa.Table, *, province: str, trust: dict[str, int],
          rules: dict[str, tuple[str, ...]] | None = None,
          overrides: dict[str, dict[str, str]] | None = None,
          previous: pa.Table | None = None, next_serial: int = 1) -> GoldenResult:
    """`records`: standardized records; `clusters`: record_key → cluster_key; `previous`:
    record_key → golden_id of the last run."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    with duck.connection() as con:
        con.register("records", records.append_column(
            "position", pa.array(np.arange(records.num_rows, dtype=np.int64))))
        con.register("clusters", _numbered(clusters))
        con.register("trust", pa.table({"source": list(trust), "trust": list(trust.values())}))
        con.register("previous", previous if previous is not None else pa.table(
            {"record_key": pa.array([], pa.string()), "golden_id": pa.array([], pa.string())}))
        frequent = [name for name in GOLDEN_FIELDS if "frequent" in rules[name]]
        con.sql(_ranked_sql(frequent))
        for name in frequent:
            con.sql(_agreement_sql(name))
        con.sql(_picked_sql(rules, frequent))
        next_serial = _assign_ids(con, province, next_serial)
        golden = _winners(con, records)
        members = con.sql("SELECT r.record_key, i.golden_id FROM ranked r JOIN ids i "
                          "USING (cluster_key) ORDER BY r.record_key").to_arrow_table()
        retired = con.sql(_retired_sql()).to_arrow_table()
    if overrides:
        golden = _apply_overrides(golden, overrides)
    return GoldenResult(golden, members, retired, next_serial)


def _numbered(clusters: pa.Table) -> pa.Table:
    """The clusters with an integer id each (grouping on integers, not on text keys)."""
    ids = pc.dictionary_encode(clusters.column("cluster_key")).combine_chunks().indices
    return clusters.append_column("cluster_id", pc.cast(ids, pa.int64()))


def _ranked_sql(frequent: list[str]) -> str:
    """One narrow row per record: its cluster, position, the criteria's inputs, which fields it
    fills, and a hash of each value that agreement counts."""
    filled = " + ".join(f"(r.{name} IS NOT NULL)::INT" for name in GOLDEN_FIELDS)
    flags = ", ".join(f"r.{name} IS NOT NULL AS has_{name}" for name in GOLDEN_FIELDS)
    hashes = "".join(f", hash(r.{name}) AS h_{name}" for name in frequent)
    return f"""
        CREATE TEMP TABLE ranked AS
        SELECT c.cluster_id, c.cluster_key, r.record_key, r.position, r.updated_at,
               coalesce(t.trust, 0) AS trust, {filled} AS completeness, {flags}{hashes}
        FROM records r JOIN clusters c USING (record_key) LEFT JOIN trust t USING (source)
    """


def _agreement_sql(name: str) -> str:
    """How many records of its cluster share each record's value of `name`."""
    return f"""
        CREATE TEMP TABLE agree_{name} AS
        SELECT r.position, least(g.n, 255) AS n_{name}
        FROM ranked r JOIN (SELECT cluster_id, h_{name} AS h, count(*) AS n FROM ranked
                            WHERE has_{name} GROUP BY ALL) g
          ON g.cluster_id = r.cluster_id AND g.h = r.h_{name}
        WHERE r.has_{name}
    """


def _sort_key(name: str, criteria: tuple[str, ...]) -> str:
    """One BIGINT per record and field: the criteria in order, then the earlier position."""
    key, shift = f"({(1 << _POSITION_BITS) - 1} - position)", _POSITION_BITS
    for criterion in reversed(criteria):
        value = f"coalesce(n_{name}, 0)" if criterion == "frequent" else _VALUE[criterion]
        key = f"((({value})::BIGINT << {shift}) | ({key}))"
        shift += _BITS[criterion]
    if shift > 62:
        raise ValueError(f"too many criteria for {name}: {criteria}")
    return key


def _picked_sql(rules: dict, frequent: list[str]) -> str:
    """Per cluster and field, the best sort key among the records with a value; its low bits
    are the winner's position (`_winners`)."""
    best = [f"max({_sort_key(name, rules[name])}) FILTER (WHERE has_{name}) "
            f"AS best_{name}" for name in GOLDEN_FIELDS]
    joins = " ".join(f"LEFT JOIN agree_{name} USING (position)" for name in frequent)
    return (f"CREATE TEMP TABLE picked AS SELECT cluster_id, any_value(cluster_key) AS "
            f"cluster_key, count(*) AS members, {', '.join(best)} FROM ranked {joins} "
            "GROUP BY cluster_id")


def _winners(con, records: pa.Table) -> pa.Table:
    """The golden rows: each field's value taken from its winning record, with the lineage."""
    picked = con.sql("SELECT i.golden_id, p.* FROM picked p JOIN ids i USING (cluster_key)"
                     ).to_arrow_table()
    mask = (1 << _POSITION_BITS) - 1
    columns = {"golden_id": picked.column("golden_id"),
               "cluster_key": picked.column("cluster_key"), "members": picked.column("members")}
    sources = {}
    for name in GOLDEN_FIELDS:
        position = pc.subtract(mask, pc.bit_wise_and(picked.column(f"best_{name}"), mask))
        columns[name] = records.column(name).take(position)
        sources[f"from_{name}"] = records.column("record_key").take(position)
    con.register("winners", pa.table({**columns, **sources}))
    lineage = ", ".join(f"'{name}', from_{name}" for name in GOLDEN_FIELDS)
    return con.sql(f"SELECT golden_id, cluster_key, members, "
                   f"{', '.join(GOLDEN_FIELDS)}, CAST(json_object({lineage}) AS VARCHAR) "
                   "AS lineage FROM winners").to_arrow_table()


def _assign_ids(con, province: str, next_serial: int) -> int:
    con.sql("""
        CREATE TEMP TABLE overlap AS
        SELECT r.cluster_key, p.golden_id, count(*) AS n
        FROM ranked r JOIN previous p USING (record_key) GROUP BY ALL
    """)
    con.sql("""
        CREATE TEMP TABLE kept AS
        SELECT cluster_key, golden_id FROM (
          SELECT * FROM overlap
          QUALIFY row_number() OVER (PARTITION BY golden_id ORDER BY n DESC, cluster_key) = 1)
        QUALIFY row_number() OVER (PARTITION BY cluster_key ORDER BY n DESC, golden_id) = 1
    """)
    con.sql(f"""
        CREATE TEMP TABLE ids AS
        SELECT cluster_key, golden_id FROM kept
        UNION ALL
        SELECT cluster_key, '{province}' || lpad(CAST({next_serial} - 1 + row_number() OVER
               (ORDER BY cluster_key) AS VARCHAR), 9, '0')
        FROM picked WHERE cluster_key NOT IN (SELECT cluster_key FROM kept)
    """)
    added = con.sql("SELECT count(*) FROM ids WHERE cluster_key NOT IN "
                    "(SELECT cluster_key FROM kept)").fetchall()[0][0]
    return next_serial + added


def _retired_sql() -> str:
    return """
        SELECT o.golden_id, first(i.golden_id ORDER BY o.n DESC, i.golden_id) AS retired_into
        FROM overlap o JOIN ids i USING (cluster_key)
        WHERE o.golden_id NOT IN (SELECT golden_id FROM kept)
        GROUP BY o.golden_id ORDER BY o.golden_id
    """


def _apply_overrides(golden: pa.Table, overrides: dict[str, dict[str, str]]) -> pa.Table:
    """A steward's value wins; its lineage says "override"."""
    ids = golden.column("golden_id").to_pylist()
    rows = {golden_id: index for index, golden_id in enumerate(ids) if golden_id in overrides}
    if not rows:
        return golden
    columns = {name: golden.column(name).to_pylist() for name in (*GOLDEN_FIELDS, "lineage")}
    for golden_id, index in rows.items():
        lineage = json.loads(columns["lineage"][index])
        for name, value in overrides[golden_id].items():
            columns[name][index] = _typed(name, value)
            lineage[name] = "override"
        columns["lineage"][index] = json.dumps(lineage)
    for name, values in columns.items():
        position = golden.schema.get_field_index(name)
        golden = golden.set_column(position, name, pa.array(values, golden.schema.field(name).type))
    return golden


def _typed(name: str, value: str):
    if name == "birth_date" and value:
        from datetime import date

        return date.fromisoformat(value)
    return value or None
