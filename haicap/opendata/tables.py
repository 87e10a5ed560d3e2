"""What a dataset builder returns: typed columns and plain rows (the same for every format)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

# DuckDB type names: the Parquet files carry them, the CSV and JSON schemas repeat them.
TEXT = "VARCHAR"
INTEGER = "INTEGER"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
DATE = "DATE"
TYPES = (TEXT, INTEGER, DOUBLE, BOOLEAN, DATE)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: Promise | str

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "description": str(self.description)}


@dataclass(frozen=True)
class Table:
    """Rows are tuples in column order; None is an empty (or suppressed) cell."""

    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    temporal_start: date | None = None
    temporal_end: date | None = None

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def records(self) -> list[dict]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows]
