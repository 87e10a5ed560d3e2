"""Columnar working copies of the master data under MEDIA_ROOT/mdm/<province>/: each import
batch's canonical rows (Parquet), and each run's outputs (standardized records, pairs, clusters,
golden records). The database holds the same rows for people; the pipeline reads these files,
which DuckDB scans in seconds where an ORM read of millions of rows takes minutes.

A batch's file is written after its transaction commits; a file that is missing (a crash between
the two) is written again from the database on the next read, so an acknowledged import is
never lost to the pipeline.
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from haicap.mdm import duck
from haicap.mdm.models import Batch, EntityKind, SourceRecord
from haicap.mdm.sources import CANONICAL_FIELDS

PERSON_COLUMNS = ("record_key", "source", *CANONICAL_FIELDS[EntityKind.PERSON])
PERSON_SCHEMA = pa.schema([(name, pa.string()) for name in PERSON_COLUMNS])


def folder(province_id: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / "mdm" / province_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_path(batch: Batch) -> Path:
    return folder(batch.source.province_id) / "batches" / f"{batch.pk}.parquet"


def person_table(source_code: str, rows: list[tuple[str, dict]]) -> pa.Table:
    """(record key, canonical values) rows as the canonical person table."""
    columns = {name: [] for name in PERSON_COLUMNS}
    for key, canonical in rows:
        columns["record_key"].append(key)
        columns["source"].append(source_code)
        for name in PERSON_COLUMNS[2:]:
            columns[name].append(canonical.get(name) or None)
    return pa.table(columns, schema=PERSON_SCHEMA)


def write_batch(batch: Batch, table: pa.Table) -> Path:
    path = batch_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial, compression="zstd")
    partial.replace(path)
    return path


def _rewrite_from_database(batch: Batch) -> Path:
    rows = (SourceRecord.objects.filter(batch=batch).order_by("row_number")
            .values_list("record_key", "canonical"))
    return write_batch(batch, person_table(batch.source.code, list(rows.iterator(chunk_size=5000))))


def current_people(province_id: str) -> pa.Table:
    """Every current person record of the province's sources: the latest batch's row for each
    record key."""
    batches = list(Batch.objects.filter(source__province_id=province_id,
                                        mapping__kind=EntityKind.PERSON)
                   .select_related("source").order_by("pk"))
    paths = []
    for batch in batches:
        path = batch_path(batch)
        if not path.exists() and batch.rows_imported:
            _rewrite_from_database(batch)
        if path.exists():
            paths.append((batch.pk, path))
    if not paths:
        return PERSON_SCHEMA.empty_table()
    with duck.connection() as con:
        union = " UNION ALL ".join(
            f"SELECT {batch_id} AS batch_id, * FROM read_parquet('{path.as_posix()}')"
            for batch_id, path in paths)
        names = ", ".join(PERSON_COLUMNS)
        return con.sql(f"SELECT {names} FROM ({union}) QUALIFY row_number() OVER "
                       "(PARTITION BY record_key ORDER BY batch_id DESC) = 1 "
                       "ORDER BY record_key").to_arrow_table().cast(PERSON_SCHEMA)


def run_folder(run) -> Path:
    path = folder(run.province_id) / "runs" / str(run.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_output(run, name: str, table: pa.Table) -> Path:
    path = run_folder(run) / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd")
    return path


def read_output(run, name: str) -> pa.Table | None:
    path = run_folder(run) / f"{name}.parquet"
    return pq.read_table(path) if path.exists() else None
