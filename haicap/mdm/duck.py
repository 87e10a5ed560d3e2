"""The embedded DuckDB every master-data step computes in: capped memory (conf.duckdb_memory)
with a spill directory of its own, closed after."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from haicap.mdm import conf


@contextmanager
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    with tempfile.TemporaryDirectory(prefix="haicap-duckdb-") as spill:
        con = duckdb.connect(config={"memory_limit": conf.duckdb_memory(),
                                     "temp_directory": spill})
        try:
            yield con
        finally:
            con.close()
