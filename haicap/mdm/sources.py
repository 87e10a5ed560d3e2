"""Reading what old systems export: CSV and Excel files and tables of PostgreSQL or MariaDB
databases, into rows of named columns, and checking a mapping and each row against the canonical
model before anything is stored.

A file's encoding is detected (UTF-8, UTF-16, Windows-1258 and the legacy TCVN3 and VNI font
encodings, `legacy.decode_file`); a file that fits none is refused whole. A row that cannot be read
(wrong number of columns, no key, a key seen before in the same file, an unreadable character, a
required value missing) is reported with its reasons and left out; the good rows are imported.
"""

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from haicap.core.errors import DomainError, InvalidInput
from haicap.mdm.models import EntityKind

# The canonical model: the fields a mapping may fill, per entity.
CANONICAL_FIELDS = {
    EntityKind.PERSON: ("full_name", "family_name", "middle_name", "given_name", "birth_date",
                        "gender", "national_id", "phone", "address", "father_name",
                        "mother_name", "household_ref", "updated_at"),
    EntityKind.HOUSEHOLD: ("household_ref", "head_name", "address", "members", "updated_at"),
    EntityKind.BUSINESS: ("business_name", "tax_code", "owner_name", "owner_national_id",
                          "address", "phone", "registered_on", "updated_at"),
}
# Each alternative is a set of fields that must all be mapped; one alternative is enough.
REQUIRED_FIELDS = {
    EntityKind.PERSON: ((("full_name",), ("family_name", "given_name")), (("birth_date",),)),
    EntityKind.HOUSEHOLD: ((("household_ref",),), (("address",),)),
    EntityKind.BUSINESS: ((("business_name",),), (("tax_code",), ("owner_national_id",))),
}
# Of those, what every row must fill (a person may lack a birth date in an old register; a
# nameless row is nothing to match).
ROW_REQUIRED = {EntityKind.PERSON: 1, EntityKind.HOUSEHOLD: 1, EntityKind.BUSINESS: 1}
MAX_ROWS_PER_IMPORT = 5_000_000
PREVIEW_ROWS = 20


class SourceReadError(DomainError):
    status = 422
    code = "source_unreadable"


@dataclass
class SourceTable:
    """What a source gave: its column names and rows (lists of text), as received."""

    columns: list[str]
    rows: list[list[str]]
    encoding: str = ""
    # (row number, the line as read, reason code, message) of rows broken in the file itself.
    broken: list[tuple[int, str, str, str]] = field(default_factory=list)
    # Each row's number in the source (the header is row 1); by default 2, 3, …
    numbers: list[int] = field(default_factory=list)

    def numbered(self):
        return zip(self.numbers or range(2, len(self.rows) + 2), self.rows, strict=True)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    field: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass
class CheckedRows:
    """Rows split into the good ones (raw dict, canonical dict) and the bad ones with reasons."""

    good: list[tuple[int, dict, dict]] = field(default_factory=list)
    bad: list[tuple[int, str, list[Reason]]] = field(default_factory=list)


# -- reading --------------------------------------------------------------------------------------

def read_file(data: bytes, filename: str, *, limit: int | None = None) -> SourceTable:
    """The file's rows (the first `limit` rows only, for a preview)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_excel(data, limit)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_csv(data, limit)
    raise SourceReadError(_("Only CSV and Excel (.xlsx) files can be imported."),
                          code="unsupported_format")


def _read_csv(data: bytes, limit: int | None) -> SourceTable:
    from haicap.mdm.legacy import decode_file

    text, encoding = decode_file(data)
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceReadError(_("The file is empty."), code="empty_file") from None
    columns = [name.strip() for name in header]
    _check_header(columns)
    rows, broken, numbers = [], [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            broken.append((number, delimiter.join(row), "wrong_column_count",
                           _("The row has %(found)d columns; the header has %(expected)d.")
                           % {"found": len(row), "expected": len(columns)}))
            continue
        rows.append(row)
        numbers.append(number)
        _check_size(len(rows))
        if len(rows) == limit:
            break
    return SourceTable(columns, rows, encoding, broken, numbers)


def _delimiter(header: str) -> str:
    """The separator the header line uses most (old exports use , ; tab or |)."""
    return max(",;\t|", key=header.count)


def _read_excel(data: bytes, limit: int | None) -> SourceTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceReadError(_("The file is not a readable Excel workbook."),
                              code="unreadable_excel") from exc
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if not header:
        raise SourceReadError(_("The file is empty."), code="empty_file")
    columns = [_cell(value).strip() for value in header]
    while columns and not columns[-1]:
        columns.pop()
    _check_header(columns)
    rows = []
    for values in lines:
        row = [_cell(value) for value in values[:len(columns)]]
        row += [""] * (len(columns) - len(row))
        if any(cell.strip() for cell in row):
            rows.append(row)
            _check_size(len(rows))
            if len(rows) == limit:
                break
    book.close()
    return SourceTable(columns, rows, "xlsx")


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_database(url: str, table: str, *, limit: int | None = None) -> SourceTable:
    """All rows (or the first `limit`) of one table of a PostgreSQL (postgres://…) or MariaDB/MySQL (mysql://…,
    mariadb://…) database, read-only; every value as text."""
    if not table.replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(_("Give a table name of letters, digits and underscores."),
                           code="invalid_table_name")
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql"):
        columns, rows = _read_postgresql(url, table, limit or MAX_ROWS_PER_IMPORT + 1)
    elif scheme in ("mysql", "mariadb"):
        columns, rows = _read_mariadb(url, table, limit or MAX_ROWS_PER_IMPORT + 1)
    else:
        raise InvalidInput(_("Give a postgres://… or mysql://… connection string."),
                           code="unsupported_database")
    _check_header(columns)
    _check_size(len(rows))
    return SourceTable(columns, [[_cell(value) for value in row] for row in rows], "utf-8")


def _read_postgresql(url: str, table: str, limit: int) -> tuple[list[str], list]:
    import psycopg
    from psycopg import sql

    name = sql.Identifier(*table.split("."))
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.read_only = True
            cursor = conn.execute(sql.SQL("SELECT * FROM {} LIMIT %s").format(name), [limit])
            return [column.name for column in cursor.description], cursor.fetchall()
    except psycopg.Error as exc:
        raise SourceReadError(_("The database could not be read: %(reason)s")
                              % {"reason": str(exc).splitlines()[0]},
                              code="database_unreadable") from exc


def _read_mariadb(url: str, table: str, limit: int) -> tuple[list[str], list]:
    import pymysql

    parts = urlsplit(url)
    try:
        conn = pymysql.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                               user=parts.username or "root", password=parts.password or "",
                               database=parts.path.lstrip("/"), charset="utf8mb4",
                               connect_timeout=10)
    except pymysql.Error as exc:
        raise SourceReadError(_("The database could not be read: %(reason)s")
                              % {"reason": exc.args[-1]}, code="database_unreadable") from exc
    try:
        with conn.cursor() as cursor:
            quoted = ".".join(f"`{part}`" for part in table.split("."))
            cursor.execute(f"SELECT * FROM {quoted} LIMIT %s", [limit])
            return [column[0] for column in cursor.description], list(cursor.fetchall())
    except pymysql.Error as exc:
        raise SourceReadError(_("The database could not be read: %(reason)s")
                              % {"reason": exc.args[-1]}, code="database_unreadable") from exc
    finally:
        conn.close()


def _check_header(columns: list[str]) -> None:
    if not columns or not any(columns):
        raise SourceReadError(_("The first row must name the columns."), code="no_header")
    seen = [name for name in columns if name and columns.count(name) > 1]
    if seen:
        raise SourceReadError(_("Columns named twice: %(names)s.")
                              % {"names": ", ".join(sorted(set(seen)))},
                              code="duplicate_columns")


def _check_size(rows: int) -> None:
    if rows > MAX_ROWS_PER_IMPORT:
        raise SourceReadError(_("At most %(limit)s rows per import; split the export.")
                              % {"limit": f"{MAX_ROWS_PER_IMPORT:,}"}, code="too_many_rows")


def masked(url: str) -> str:
    """A connection string without its password, for the batch's origin."""
    parts = urlsplit(url)
    if parts.password:
        url = url.replace(f":{parts.password}@", ":***@", 1)
    return url


# -- mapping and rows -----------------------------------------------------------------------------

def check_mapping(kind: str, key_column: str, columns: dict[str, str],
                  available: list[str]) -> None:
    """Refuse, before anything runs, a mapping that names unknown fields or columns or leaves a
    required field unmapped."""
    known = CANONICAL_FIELDS[EntityKind(kind)]
    unknown_fields = sorted(set(columns) - set(known))
    if unknown_fields:
        raise InvalidInput(_("Unknown fields in the mapping: %(names)s.")
                           % {"names": ", ".join(unknown_fields)}, code="mapping_unknown_field")
    used = [key_column, *(column for column in columns.values() if column)]
    missing_columns = sorted({column for column in used if column not in available})
    if missing_columns:
        raise InvalidInput(_("The source has no column %(names)s.")
                           % {"names": ", ".join(missing_columns)},
                           code="mapping_unknown_column")
    mapped = {name for name, column in columns.items() if column}
    for alternatives in REQUIRED_FIELDS[EntityKind(kind)]:
        if not any(set(option) <= mapped for option in alternatives):
            wanted = _(" or ").join(" + ".join(option) for option in alternatives)
            raise InvalidInput(_("The mapping must fill %(fields)s.") % {"fields": wanted},
                               code="mapping_missing_required",
                               details={"missing": [list(option) for option in alternatives]})


def check_rows(table: SourceTable, kind: str, key_column: str,
               columns: dict[str, str]) -> CheckedRows:
    """Each row becomes (raw, canonical) or a bad row with every reason it has."""
    checked = CheckedRows()
    for number, line, code, message in table.broken:
        checked.bad.append((number, line, [Reason(code, message)]))
    key_index = table.columns.index(key_column)
    required = _required_one_of(kind, columns)
    seen: set[str] = set()
    for number, row in table.numbered():
        raw = dict(zip(table.columns, row, strict=True))
        canonical = {name: raw[column].strip() for name, column in columns.items() if column}
        reasons = _row_reasons(row[key_index].strip(), raw, canonical, required, seen)
        if reasons:
            checked.bad.append((number, "|".join(row), reasons))
        else:
            checked.good.append((number, raw, canonical))
    return checked


def _required_one_of(kind: str, columns: dict[str, str]) -> list[tuple[str, ...]]:
    """For each group every row must fill, the option the mapping chose."""
    mapped = {name for name, column in columns.items() if column}
    groups = REQUIRED_FIELDS[EntityKind(kind)][:ROW_REQUIRED[EntityKind(kind)]]
    chosen = (next((option for option in alternatives if set(option) <= mapped), None)
              for alternatives in groups)
    return [option for option in chosen if option]  # an unmapped group: check_mapping's refusal


def _row_reasons(key: str, raw: dict, canonical: dict, required, seen: set) -> list[Reason]:
    reasons = []
    if not key:
        reasons.append(Reason("missing_key", _("The row has no key.")))
    elif key in seen:
        reasons.append(Reason("duplicate_key", _("The key %(key)s is used by an earlier row.")
                              % {"key": key}))
    seen.add(key)
    unreadable = [name for name, value in raw.items() if "\ufffd" in value]
    for name in unreadable:
        reasons.append(Reason("unreadable_text", _("The value has characters that could not be "
                                                   "read."), name))
    for option in required:
        for name in option:
            if not canonical.get(name):
                reasons.append(Reason("missing_value", _("A required value is empty."), name))
    return reasons
