"""Pairwise precision and recall of a clustering against the truth."""

import pyarrow as pa
import pytest

from haicap.mdm.evaluation import evaluate


def test_pairwise_scores_count_pairs_within_clusters():
    truth = pa.table({"record_key": list("abcde"), "person_id": ["1", "1", "1", "2", "2"]})
    # predicted: {a,b} {c,d} {e}: one right pair (a,b) of two predicted; true pairs: ab ac bc de
    clusters = pa.table({"record_key": list("abcde"), "cluster_key": list("aacce")})
    scores = evaluate(clusters, truth)
    assert (scores.correct_pairs, scores.predicted_pairs, scores.true_pairs) == (1, 2, 4)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.25)
    assert scores.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_a_perfect_clustering_scores_one():
    truth = pa.table({"record_key": list("abc"), "person_id": ["1", "1", "2"]})
    clusters = pa.table({"record_key": list("abc"), "cluster_key": ["a", "a", "c"]})
    assert evaluate(clusters, truth).f1 == 1.0
