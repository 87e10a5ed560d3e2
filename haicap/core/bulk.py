"""Bulk writes: many rows at once, and a table's secondary indexes set aside while a whole table
is written again (a rebuild), because inserting into a B-tree in random order costs far more
than building it once after."""

from contextlib import contextmanager

from django.db import connection

SECONDARY_INDEXES_SQL = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
    "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint)")


def drop_secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Drop the PostgreSQL indexes of `table` that back no constraint; returns (name,
    definition) of each, for `create_indexes`. `cursor` is a DB-API cursor (Django's or
    psycopg's)."""
    cursor.execute(SECONDARY_INDEXES_SQL, [table])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def create_indexes(cursor, indexes: list[tuple[str, str]]) -> None:
    """Build again the indexes `drop_secondary_indexes` dropped."""
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cursor.execute(definition)


@contextmanager
def secondary_indexes_set_aside(model):
    """Within the caller's transaction, `model`'s secondary indexes are dropped on entry and
    built again on exit (PostgreSQL: DDL is transactional, so a failure restores them with the
    rollback). Other databases keep their indexes."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        indexes = drop_secondary_indexes(cursor, model._meta.db_table)
    yield
    with connection.cursor() as cursor:
        create_indexes(cursor, indexes)


def bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows at once: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
