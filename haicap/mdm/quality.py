"""The data-quality report of each source after a run: how complete each field is, how much of it
is valid after standardization, what the standardization had to fix, and how many duplicates the
matching found inside the source and across sources.

- filled: the share of records with a value in the field as received.
- valid: of those, the share the standardization could read (a real CCCD or CMND, a phone
  number, a date, a commune of the new units, a gender).
- duplicates in the source: records beyond the first of a person in the same source.
- found in other sources: records whose person also appears in another source.
"""

import pyarrow as pa

from haicap.mdm import duck
from haicap.mdm.models import QualityReport, Source

# canonical field → the standardized test of a readable value (SQL over `s`)
VALIDITY = {
    "national_id": "s.national_id IS NOT NULL OR s.old_id_number IS NOT NULL",
    "phone": "s.phone IS NOT NULL",
    "birth_date": "s.birth_date IS NOT NULL",
    "address": "s.commune_code IS NOT NULL",
    "gender": "s.gender IS NOT NULL",
}
FIELDS = ("full_name", "birth_date", "gender", "national_id", "phone", "address", "father_name",
          "mother_name", "household_ref")


def reports(raw: pa.Table, records: pa.Table, fixes: pa.Table, clusters: pa.Table) -> dict:
    """{source code: (records, figures)} for every source in `raw`."""
    with duck.connection() as con:
        for name, table in (("raw", raw), ("std", records), ("fixes", fixes),
                            ("clusters", clusters)):
            con.register(name, table)
        names = set(raw.column_names)
        fields = [name for name in FIELDS if name in names]
        filled = {name: _filled(name, names) for name in fields}
        selects = [f"count(*) FILTER (WHERE {filled[name]}) AS filled_{name}" for name in fields]
        selects += [f"count(*) FILTER (WHERE ({filled[name]}) AND ({VALIDITY[name]})) "
                    f"AS valid_{name}" for name in fields if name in VALIDITY]
        rows = con.sql(f"""
            SELECT r.source, count(*) AS records, {", ".join(selects)}
            FROM raw r JOIN std s USING (record_key) GROUP BY r.source ORDER BY r.source
        """).to_arrow_table().to_pylist()
        rules = _rules(con)
        duplicates = _duplicates(con)
    found = {}
    for row in rows:
        total = row["records"]
        found[row["source"]] = (total, {
            "fields": [{"field": name, "filled": _share(row[f"filled_{name}"], total),
                        "valid": _share(row.get(f"valid_{name}"), row[f"filled_{name}"])
                        if name in VALIDITY else None} for name in fields],
            "fixes": rules.get(row["source"], {}),
            **duplicates.get(row["source"], {"duplicates_in_source": 0,
                                             "found_in_other_sources": 0}),
        })
    return found


def _filled(name: str, names: set[str]) -> str:
    # A name is filled whole or in parts (sources that split it leave full_name empty).
    parts = [part for part in ("full_name", "family_name", "given_name") if part in names] \
        if name == "full_name" else [name]
    values = ", ".join(f"nullif(trim(r.{part}), '')" for part in parts)
    return f"coalesce({values}) IS NOT NULL"


def _share(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rules(con) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for source, rule, count in con.sql(
            "SELECT s.source, f.rule, count(*) FROM fixes f JOIN std s USING (record_key) "
            "GROUP BY ALL ORDER BY 1, 3 DESC").fetchall():
        found.setdefault(source, {})[rule] = count
    return found


def _duplicates(con) -> dict[str, dict[str, int]]:
    rows = con.sql("""
        WITH members AS (
          SELECT s.source, c.cluster_key FROM std s JOIN clusters c USING (record_key)),
        spread AS (
          SELECT cluster_key, count(DISTINCT source) AS sources FROM members GROUP BY 1)
        SELECT m.source,
               count(*) - count(DISTINCT m.cluster_key) AS duplicates_in_source,
               count(*) FILTER (WHERE sp.sources > 1) AS found_in_other_sources
        FROM members m JOIN spread sp USING (cluster_key) GROUP BY m.source
    """).fetchall()
    return {source: {"duplicates_in_source": inside, "found_in_other_sources": across}
            for source, inside, across in rows}


def save_reports(match_run, raw: pa.Table, records: pa.Table, fixes: pa.Table,
                 clusters: pa.Table) -> None:
    sources = dict(Source.objects.filter(province_id=match_run.province_id)
                   .values_list("code", "pk"))
    QualityReport.objects.bulk_create(
        QualityReport(run=match_run, source_id=sources[code], records=total, figures=figures)
        for code, (total, figures) in reports(raw, records, fixes, clusters).items()
        if code in sources)
