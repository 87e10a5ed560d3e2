"""The matching input: the compared columns (`settings.input_sql`, in DuckDB) and the capped
blocking keys (`settings.BLOCKING_KEYS`, in Arrow and numpy).

A blocking key is a whole number standing for the values of its columns together: each column's
values are numbered (Arrow's dictionary encoding), and the numbers of a key's columns are combined
in mixed radix, so two records share a key exactly when they share every column's value. A key
value more than `cap` records share is dropped (null). Whole numbers group and join several times
faster than the joined text the keys used to be, in the capping here and in Splink's blocking
joins after; the counting takes a second for 2.3 M records where eight GROUP BYs and joins back
took eight.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from haicap.mdm import duck
from haicap.mdm.matching.settings import BLOCKING_KEYS, BlockingKey, input_sql

TABLE = "matching_input"


def create_input(con, records: pa.Table, *, also: tuple[str, ...] = ()) -> str:
    """The matching input of `records` as a table in `con`, where Splink reads it; `also`:
    columns of `records` it carries as they are. Returns the table's name."""
    prepared = _prepared(con, records, also)
    con.register("prepared", prepared)
    con.sql(f"CREATE TABLE {TABLE} AS SELECT * FROM prepared")
    con.unregister("prepared")
    return TABLE


def matching_input(records: pa.Table) -> pa.Table:
    """The matching input as Arrow (the Spark run, the blocking analysis)."""
    with duck.connection() as con:
        return _prepared(con, records, ())


def _prepared(con, records: pa.Table, also: tuple[str, ...]) -> pa.Table:
    con.register("records", records)
    prepared = con.sql(input_sql("records", also=also)).to_arrow_table()
    con.unregister("records")
    for key in BLOCKING_KEYS:
        prepared = prepared.append_column(key.name, capped_key(prepared, key))
    return prepared


def capped_key(table: pa.Table, key: BlockingKey) -> pa.Array:
    """`key`'s value for each row (null where a column is null or more than `key.cap` rows share
    the value)."""
    combined = np.zeros(table.num_rows, np.int64)
    present = np.ones(table.num_rows, bool)
    radix = 1
    for name in key.columns:
        codes, count = _numbered(table.column(name))
        radix *= count
        if radix >= 2**63:  # far beyond any province: 2.3 M names × 3,321 communes is 10^10
            raise ValueError(f"{key.name}: too many distinct values for one number")
        present &= codes >= 0
        combined = combined * count + np.maximum(codes, 0)
    shared = pa.array(combined[present]).dictionary_encode().indices.to_numpy()
    kept = present.copy()
    kept[present] = np.bincount(shared)[shared] <= key.cap
    return pa.array(combined, pa.int64(), mask=~kept)


def _numbered(column: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Each row's value numbered from 0 (−1 for null), and how many numbers there are."""
    encoded = column.combine_chunks().dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64), max(len(encoded.dictionary), 1)
