"""The same saved model on Spark, for a run too big for one machine (docs/scaling.md).

The model's levels are DuckDB SQL; for Spark they are transpiled with sqlglot, the similarity
functions renamed to the UDFs Splink ships in its jar (jaro_winkler, damerau_levenshtein) and
DuckDB's Hamming count written out as a Spark higher-order function. The matching input is the one
`prepare` builds — here on DuckDB and Arrow, handed to Spark as Arrow; at national scale Spark
builds it over Parquet: the compared columns with the same SQL, each blocking key as its columns'
values numbered together and capped by a count over a window. Clusters come from Splink's connected
components on Spark at the merge threshold; the stewards' cannot-link decisions touch few clusters
and are applied afterwards on the driver with `haicap.mdm.clusters.cluster` over the pairs of those
clusters only.
"""

import copy
import re

import pyarrow as pa
import sqlglot

from haicap.mdm import conf
from haicap.mdm.matching.model import Model
from haicap.mdm.matching.prepare import matching_input

SPARK_FUNCTIONS = {"JAROWINKLER_SIMILARITY": "jaro_winkler",
                   "DAMERAU_LEVENSHTEIN": "damerau_levenshtein"}


# Spark has no Hamming count: the positions where two strings of one length differ, counted.
SPARK_HAMMING = ("aggregate(sequence(1, length({a})), 0, (n, i) -> "
                 "n + IF(substr({a}, i, 1) <> substr({b}, i, 1), 1, 0))")
_HAMMING = re.compile(r"\bHAMMING\((\w+), (\w+)\)")


def spark_condition(sql: str) -> str:
    if sql.strip().upper() == "ELSE":
        return sql
    translated = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    for name, udf in SPARK_FUNCTIONS.items():
        translated = re.sub(rf"\b{name}\(", f"{udf}(", translated)
    return _HAMMING.sub(lambda m: SPARK_HAMMING.format(a=m.group(1), b=m.group(2)), translated)


def spark_settings(model: Model) -> dict:
    settings = copy.deepcopy(model.splink_settings)
    settings.pop("sql_dialect", None)
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_condition(level["sql_condition"])
    return settings


def local_session(partitions: int = 1):
    """A one-core local Spark with Splink's similarity jar, small shuffles (tests, demos)."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    return (SparkSession.builder.master(f"local[{partitions}]").appName("haicap-mdm")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.default.parallelism", str(partitions))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def run_on_spark(records: pa.Table, model: Model, *, threshold: float | None = None,
                 spark=None, break_lineage_method: str = "persist") -> pa.Table:
    """Clusters (record_key, cluster_key) of standardized `records` scored on Spark.
    `break_lineage_method`: "persist" keeps Splink's intermediate tables in executor memory
    (small runs); a cluster run uses "parquet" on shared storage."""
    from splink import Linker, SparkAPI

    threshold = conf.merge_threshold() if threshold is None else threshold
    spark = spark or local_session()
    api = SparkAPI(spark_session=spark, break_lineage_method=break_lineage_method)
    frame = api.register(matching_input(records))
    linker = Linker(frame, spark_settings(model), log_level=None)
    scored = linker.inference.predict(threshold_match_probability=threshold,
                                      warning_mode="never")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        scored, threshold_match_probability=threshold)
    clustered.as_spark_dataframe().createOrReplaceTempView("mdm_clustered")
    return spark.sql(
        "SELECT record_key, min(record_key) OVER (PARTITION BY cluster_id) AS cluster_key "
        "FROM mdm_clustered ORDER BY record_key").toArrow()
