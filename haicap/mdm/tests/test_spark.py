"""The saved model gives the same people on Spark as on DuckDB (one local Spark core, small data:
the session start dominates)."""

import logging

import pyarrow as pa
import pytest

from haicap.mdm import matching
from haicap.mdm.matching.spark import spark_condition
from haicap.mdm.tests.test_matching import people_records


def _partition(clusters: pa.Table) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for row in clusters.to_pylist():
        groups.setdefault(row["cluster_key"], set()).add(row["record_key"])
    return {frozenset(group) for group in groups.values()}


def test_similarity_functions_are_renamed_to_splinks_spark_udfs():
    assert spark_condition("jaro_winkler_similarity(a_l, a_r) >= 0.9") == \
        "jaro_winkler(a_l, a_r) >= 0.9"
    assert spark_condition("damerau_levenshtein(x_l, x_r) <= 1") == \
        "damerau_levenshtein(x_l, x_r) <= 1"


@pytest.fixture(scope="module")
def spark():
    from haicap.mdm.matching.spark import local_session

    # py4j logs its shutdown from finalizers, after pytest has closed the captured streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = local_session()
    yield session
    session.stop()


def test_the_hamming_count_is_written_out_for_spark(spark):
    condition = spark_condition("hamming(a_l, a_r) <= 2")
    assert "HAMMING" not in condition.upper()
    counted = spark.sql(
        f"SELECT a_l, a_r, {condition} AS near FROM VALUES ('048085001234', '048085002134'), "
        "('048085001234', '048085001234'), ('048085001234', '149085001230') AS t(a_l, a_r)")
    assert [row["near"] for row in counted.collect()] == [True, True, False]


def test_spark_run_of_the_saved_model_gives_the_duckdb_clusters(spark):
    records, _ = people_records(120, seed=11)
    model = matching.train(records, seed=0)
    saved = matching.Model.from_json(model.to_json())
    pairs = matching.predict(records, saved, threshold=0.5).table
    on_duckdb = matching.cluster(records.column("record_key"), pairs, threshold=0.99)
    on_spark = matching.run_on_spark(records, saved, threshold=0.99, spark=spark)
    assert on_spark.num_rows == records.num_rows
    assert _partition(on_spark) == _partition(on_duckdb)
    assert len(_partition(on_duckdb)) < records.num_rows  # some records were joined
