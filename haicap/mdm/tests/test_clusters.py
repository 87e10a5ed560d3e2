"""Constrained clustering: thresholds, the stewards' must-link and cannot-link decisions, and the
cluster key rule."""

import numpy as np
import pyarrow as pa

from haicap.mdm.clusters import cluster, components


def _pairs(*edges: tuple[str, str, float]) -> pa.Table:
    return pa.table({
        "record_key_l": [a for a, _, _ in edges],
        "record_key_r": [b for _, b, _ in edges],
        "match_probability": pa.array([p for _, _, p in edges], pa.float64()),
    })


def _partition(clusters: pa.Table) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for row in clusters.to_pylist():
        groups.setdefault(row["cluster_key"], set()).add(row["record_key"])
    return {frozenset(group) for group in groups.values()}


KEYS = pa.array(["a", "b", "c", "d", "e"])


def test_pairs_at_or_above_the_threshold_join_and_others_do_not():
    clusters = cluster(KEYS, _pairs(("a", "b", 0.99), ("b", "c", 0.98), ("d", "e", 0.995)),
                       threshold=0.99)
    assert _partition(clusters) == {frozenset("ab"), frozenset("c"), frozenset("de")}


def test_cluster_key_is_the_smallest_record_key_and_every_record_is_listed():
    clusters = cluster(KEYS, _pairs(("e", "c", 0.999)), threshold=0.99)
    assert dict(zip(clusters.column("record_key").to_pylist(),
                    clusters.column("cluster_key").to_pylist(), strict=True)) == {
        "a": "a", "b": "b", "c": "c", "d": "d", "e": "c"}


def test_must_link_joins_whatever_the_probability():
    clusters = cluster(KEYS, _pairs(("a", "b", 0.6)), threshold=0.99, must_link=[("a", "b")])
    assert frozenset("ab") in _partition(clusters)


def test_cannot_link_keeps_two_records_apart_even_through_a_chain():
    pairs = _pairs(("a", "b", 0.999), ("b", "c", 0.995), ("c", "d", 0.999))
    clusters = cluster(KEYS, pairs, threshold=0.99, cannot_link=[("a", "d")])
    # the weakest edge of the chain is the one refused
    assert _partition(clusters) == {frozenset("ab"), frozenset("cd"), frozenset("e")}


def test_cannot_link_wins_over_a_conflicting_must_link():
    clusters = cluster(KEYS, _pairs(), threshold=0.99, must_link=[("a", "b")],
                       cannot_link=[("b", "a")])
    assert frozenset("a") in _partition(clusters)


def test_decisions_about_records_no_longer_present_are_ignored():
    clusters = cluster(KEYS, _pairs(("a", "b", 0.999)), threshold=0.99,
                       must_link=[("a", "gone")], cannot_link=[("gone", "b")])
    assert frozenset("ab") in _partition(clusters)


def test_components_follow_long_chains():
    count = 1000
    left = np.arange(count - 1)[::-1]
    right = left + 1
    labels = components(count, left, right)
    assert set(labels.tolist()) == {0}
