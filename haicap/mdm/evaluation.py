"""Pairwise accuracy of a clustering against the truth: every two records placed in one cluster
is a predicted link, every two records of one person a true link. Counted from group sizes
(n·(n−1)/2 per group) in DuckDB, never by listing pairs, so a million records score in a second.
"""

from dataclasses import dataclass

import pyarrow as pa

from haicap.mdm import duck


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int


def evaluate(clusters: pa.Table, truth: pa.Table) -> Scores:
    """`clusters`: (record_key, cluster_key); `truth`: (record_key, person_id). Records missing
    from either table are left out of both counts."""
    with duck.connection() as con:
        con.register("clusters", clusters.select(["record_key", "cluster_key"]))
        con.register("truth", truth.select(["record_key", "person_id"]))
        predicted, actual, correct = con.sql("""
            WITH joined AS (
                SELECT c.cluster_key, t.person_id
                FROM clusters c JOIN truth t USING (record_key)
            ),
            by_cluster AS (SELECT count(*) AS n FROM joined GROUP BY cluster_key),
            by_person AS (SELECT count(*) AS n FROM joined GROUP BY person_id),
            by_both AS (SELECT count(*) AS n FROM joined GROUP BY cluster_key, person_id)
            SELECT (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_cluster),
                   (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_person),
                   (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_both)
        """).fetchall()[0]
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision=precision, recall=recall, f1=f1, predicted_pairs=int(predicted),
                  true_pairs=int(actual), correct_pairs=int(correct))
