"""Master-data verbs: sources, mappings and imports. (Matching runs: `pipeline.run`; steward
decisions: `review`.)

An import is one transaction: the batch, every good row as received with its canonical values,
and every bad row with its reasons — or nothing. A mapping that leaves a required field
unmapped is refused before a row is read.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.roles import Role
from haicap.mdm import store
from haicap.mdm.models import BadRow, Batch, EntityKind, Mapping, Source, SourceRecord
from haicap.mdm.sources import (
    PREVIEW_ROWS,
    SourceTable,
    check_mapping,
    check_rows,
    masked,
    read_database,
    read_file,
)

STEWARD_ROLES = frozenset({Role.DATA_STEWARD})
INSERT_CHUNK = 5000


def require_steward(user) -> None:
    """Master data is the data stewards' work (and administrators')."""
    if not (user and user.is_authenticated and
            (user.is_administrator or user.role in STEWARD_ROLES)):
        raise PermissionDenied(_("Only data stewards work on master data."))


def create_source(*, province, code: str, name: str, system: str, trust: int = 50,
                  legacy_province=None, user=None) -> Source:
    if user is not None:
        require_steward(user)
    if Source.objects.filter(code=code).exists():
        raise InvalidInput(_("A source with the code %(code)s exists.") % {"code": code},
                           code="source_exists")
    if not 0 <= trust <= 100:
        raise InvalidInput(_("Trust is a number from 0 to 100."), code="invalid_trust")
    return Source.objects.create(province=province, code=code, name=name, system=system,
                                 trust=trust, legacy_province=legacy_province)


def save_mapping(source: Source, *, key_column: str, columns: dict[str, str],
                 available: list[str], kind: str = EntityKind.PERSON, user=None) -> Mapping:
    """The source's mapping: the latest version when unchanged, else a new version."""
    columns = {name: column for name, column in columns.items() if column}
    check_mapping(kind, key_column, columns, available)
    latest = source.mappings.order_by("-version").first()
    if latest and (latest.kind, latest.key_column, latest.columns) == (kind, key_column, columns):
        return latest
    return Mapping.objects.create(source=source, version=(latest.version + 1) if latest else 1,
                                  kind=kind, key_column=key_column, columns=columns,
                                  created_by=user if user and user.is_authenticated else None)


def import_file(source: Source, mapping: Mapping, *, data: bytes, filename: str,
                user=None) -> Batch:
    table = read_file(data, filename)
    fmt = Batch.Format.EXCEL if filename.lower().endswith(".xlsx") else Batch.Format.CSV
    return import_table(source, mapping, table, fmt=fmt, origin=filename[:300],
                        digest=hashlib.sha256(data).hexdigest(), user=user)


def import_database(source: Source, mapping: Mapping, *, url: str, table_name: str,
                    user=None) -> Batch:
    table = read_database(url, table_name)
    fmt = Batch.Format.POSTGRESQL if url.startswith("postgres") else Batch.Format.MARIADB
    return import_table(source, mapping, table, fmt=fmt,
                        origin=f"{masked(url)} {table_name}"[:300], user=user)


def import_table(source: Source, mapping: Mapping, table: SourceTable, *, fmt: str, origin: str,
                 digest: str = "", user=None) -> Batch:
    """Store a source's rows: all good rows and the report of bad ones, in one transaction."""
    if user is not None:
        require_steward(user)
    if mapping.source_id != source.pk:
        raise InvalidInput(_("The mapping belongs to another source."), code="mapping_mismatch")
    check_mapping(mapping.kind, mapping.key_column, mapping.columns, table.columns)
    checked = check_rows(table, mapping.kind, mapping.key_column, mapping.columns)
    key_index = table.columns.index(mapping.key_column)
    keyed = [(f"{source.code}:{raw[table.columns[key_index]].strip()}", number, raw, canonical)
             for number, raw, canonical in checked.good]
    with transaction.atomic():
        batch = Batch.objects.create(
            source=source, mapping=mapping, format=fmt, origin=origin, encoding=table.encoding,
            digest=digest, rows_read=len(table.rows) + len(table.broken),
            rows_imported=len(keyed), rows_bad=len(checked.bad),
            imported_by=user if user and user.is_authenticated else None)
        _supersede(source, [key for key, *_rest in keyed])
        _insert_records(batch, keyed)
        BadRow.objects.bulk_create(
            (BadRow(batch=batch, row_number=number, content=line[:2000],
                    reasons=[reason.as_dict() for reason in reasons])
             for number, line, reasons in checked.bad), batch_size=INSERT_CHUNK)
        if mapping.kind == EntityKind.PERSON:
            rows = [(key, canonical) for key, _number, _raw, canonical in keyed]
            transaction.on_commit(
                lambda: store.write_batch(batch, store.person_table(source.code, rows)))
    return batch


def _supersede(source: Source, keys: list[str]) -> None:
    for start in range(0, len(keys), INSERT_CHUNK):
        SourceRecord.objects.filter(source=source, is_current=True,
                                    record_key__in=keys[start:start + INSERT_CHUNK]
                                    ).update(is_current=False)


def _insert_records(batch: Batch, keyed: list) -> None:
    for start in range(0, len(keyed), INSERT_CHUNK):
        SourceRecord.objects.bulk_create(
            SourceRecord(source_id=batch.source_id, batch=batch, row_number=number,
                         record_key=key, raw=raw, canonical=canonical)
            for key, number, raw, canonical in keyed[start:start + INSERT_CHUNK])


# -- preview --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewRow:
    number: int
    cells: list[str]
    problems: list[dict]  # {"field", "code", "message"}


@dataclass(frozen=True)
class Preview:
    columns: list[str]
    encoding: str
    rows: list[PreviewRow]
    total_rows: int
    bad_rows: int
    suggested: dict[str, str]  # canonical field → source column, guessed from the names


def preview(table: SourceTable, mapping_columns: dict[str, str] | None = None,
            key_column: str = "", kind: str = EntityKind.PERSON) -> Preview:
    """The first rows with the problems the import and the standardization would find."""
    from haicap.mdm.inspection import row_problems, suggest_mapping

    columns = mapping_columns or suggest_mapping(table.columns)
    key = key_column or next(iter(table.columns))
    head = SourceTable(table.columns, table.rows[:PREVIEW_ROWS], table.encoding,
                       table.broken[:PREVIEW_ROWS], table.numbers[:PREVIEW_ROWS])
    checked = check_rows(head, kind, key, columns)
    bad = {number: reasons for number, _line, reasons in checked.bad}
    rows = []
    for number, row in head.numbered():
        raw = dict(zip(table.columns, row, strict=True))
        problems = [reason.as_dict() for reason in bad.get(number, [])]
        problems += row_problems({name: raw.get(column, "") for name, column in columns.items()})
        rows.append(PreviewRow(number, row, problems))
    return Preview(table.columns, table.encoding, rows, len(table.rows) + len(table.broken),
                   len(table.broken), columns)
