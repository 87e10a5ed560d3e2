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

import duckdb
import pyarrow as pa

GOLDEN_FIELDS = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
                 "address", "commune_code", "father_name", "mother_name", "household_ref")
CRITERIA = ("trust", "recent", "complete", "frequent")
DEFAULT_RULES = {
    # Identity numbers: the most trusted system (the population register) first.
    "national_id": ("trust", "frequent", "recent"),
    "old_id_number": ("trust", "frequent", "recent"),
    "full_name": ("frequent", "trust", "recent"),
    "birth_date": ("frequent", "trust", "recent"),
    "gender": ("frequent", "trust"),
    # Contact details and address: the latest wins; people move and change numbers.
    "phone": ("recent", "trust"),
    "address": ("recent", "complete", "trust"),
    "commune_code": ("recent", "complete", "trust"),
    "father_name": ("complete", "trust", "recent"),
    "mother_name": ("complete", "trust", "recent"),
    "household_ref": ("recent", "trust"),
}
_ORDER = {"trust": "trust DESC", "recent": "updated_at DESC NULLS LAST",
          "complete": "completeness DESC"}


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
    con = duckdb.connect()
    try:
        con.register("records", records)
        con.register("clusters", clusters)
        con.register("trust", pa.table({"source": list(trust), "trust": list(trust.values())}))
        con.register("previous", previous if previous is not None else pa.table(
            {"record_key": pa.array([], pa.string()), "golden_id": pa.array([], pa.string())}))
        con.sql(_ranked_sql(rules))
        con.sql(_picked_sql(rules))
        next_serial = _assign_ids(con, province, next_serial)
        golden = con.sql(_golden_sql()).to_arrow_table()
        members = con.sql("SELECT r.record_key, i.golden_id FROM ranked r JOIN ids i "
                          "USING (cluster_key) ORDER BY r.record_key").to_arrow_table()
        retired = con.sql(_retired_sql()).to_arrow_table()
    finally:
        con.close()
    if overrides:
        golden = _apply_overrides(golden, overrides)
    return GoldenResult(golden, members, retired, next_serial)


def _ranked_sql(rules: dict) -> str:
    filled = " + ".join(f"({name} IS NOT NULL)::INT" for name in GOLDEN_FIELDS)
    counts = [f"count(*) OVER (PARTITION BY c.cluster_key, r.{name}) AS n_{name}"
              for name in GOLDEN_FIELDS if "frequent" in rules[name]]
    extra = ", " + ", ".join(counts) if counts else ""
    return f"""
        CREATE TEMP TABLE ranked AS
        SELECT c.cluster_key, r.record_key, r.updated_at, coalesce(t.trust, 0) AS trust,
               {filled} AS completeness,
               {", ".join(f"r.{name}" for name in GOLDEN_FIELDS)}{extra}
        FROM records r JOIN clusters c USING (record_key) LEFT JOIN trust t USING (source)
    """


def _order(name: str, criteria: tuple[str, ...]) -> str:
    parts = [f"n_{name} DESC" if criterion == "frequent" else _ORDER[criterion]
             for criterion in criteria]
    return ", ".join([*parts, "record_key"])


def _picked_sql(rules: dict) -> str:
    picks = []
    for name in GOLDEN_FIELDS:
        order = _order(name, rules[name])
        picks.append(f"first({name} ORDER BY {order}) FILTER (WHERE {name} IS NOT NULL) "
                     f"AS {name}")
        picks.append(f"first(record_key ORDER BY {order}) FILTER (WHERE {name} IS NOT NULL) "
                     f"AS from_{name}")
    return (f"CREATE TEMP TABLE picked AS SELECT cluster_key, count(*) AS members, "
            f"{', '.join(picks)} FROM ranked GROUP BY cluster_key")


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


def _golden_sql() -> str:
    lineage = ", ".join(f"'{name}', from_{name}" for name in GOLDEN_FIELDS)
    return f"""
        SELECT i.golden_id, p.cluster_key, p.members,
               {", ".join(f"p.{name}" for name in GOLDEN_FIELDS)},
               CAST(json_object({lineage}) AS VARCHAR) AS lineage
        FROM picked p JOIN ids i USING (cluster_key) ORDER BY i.golden_id
    """


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
