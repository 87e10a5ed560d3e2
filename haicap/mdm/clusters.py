"""Records into clusters from the scored pairs, with the stewards' decisions kept.

Rules: a pair at or above the merge threshold joins its two records; a steward's must-link pair
joins them whatever its probability; a steward's cannot-link pair never ends in one cluster. When
a cannot-link pair would be joined through other records, the cluster is built greedily: edges in
descending probability (must-links first), a union refused if it would put a cannot-link pair
together. Must-link and cannot-link in conflict: cannot-link wins (keeping two people apart is the
safer mistake; the steward sees the pair again).

The common case has no conflict, so components are found with vectorized label propagation
(numpy hooking and pointer jumping, a few passes over the edge arrays); only components holding a
cannot-link pair are rebuilt one edge at a time in Python. cluster_key is the smallest record_key
of the cluster, so a cluster's key is stable when unrelated records come and go.
"""

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from haicap.mdm import duck

MUST_LINK_PROBABILITY = 2.0  # sorts must-links before every scored edge


def cluster(record_keys: pa.Array | pa.ChunkedArray, pairs: pa.Table, *, threshold: float,
            must_link: Sequence[tuple[str, str]] = (),
            cannot_link: Sequence[tuple[str, str]] = ()) -> pa.Table:
    keys = _as_array(record_keys)
    left, right, probability = _edges(keys, pairs, threshold, must_link)
    cannot_left, cannot_right = _indices(keys, cannot_link)
    labels = components(len(keys), left, right)
    conflicted = _conflicted_labels(labels, cannot_left, cannot_right)
    if conflicted.size:
        labels = _greedy_within(labels, conflicted, left, right, probability,
                                cannot_left, cannot_right)
    return _keyed(keys, labels)


def components(count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components: label = smallest node index of the component."""
    labels = np.arange(count, dtype=np.int64)
    while True:
        root_left, root_right = labels[left], labels[right]
        differ = root_left != root_right
        if not differ.any():
            return labels
        root_left, root_right = root_left[differ], root_right[differ]
        lowest = np.minimum(root_left, root_right)
        np.minimum.at(labels, root_left, lowest)
        np.minimum.at(labels, root_right, lowest)
        labels = _compressed(labels)


def _compressed(labels: np.ndarray) -> np.ndarray:
    while True:
        jumped = labels[labels]
        if np.array_equal(jumped, labels):
            return labels
        labels = jumped


def _as_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string())


def _index_of(keys: pa.Array, left, right) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's two records as positions in `keys` (−1: not there); one lookup for both
    sides, as the lookup table over every key is most of the cost."""
    sides = [pa.chunked_array([pa.array(side, pa.string())]) if isinstance(side, list)
             else side.cast(pa.string()) for side in (left, right)]
    values = pa.chunked_array([chunk for side in sides for chunk in side.chunks], pa.string())
    if not len(values):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    found = pc.index_in(values, value_set=keys).fill_null(-1)
    found = found.to_numpy(zero_copy_only=False).astype(np.int64)
    return found[:len(left)], found[len(left):]


def _indices(keys: pa.Array, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    left, right = _index_of(keys, [a for a, _ in pairs], [b for _, b in pairs])
    known = (left >= 0) & (right >= 0) & (left != right)
    return left[known], right[known]


def _edges(keys, pairs: pa.Table, threshold: float, must_link):
    kept = pairs.filter(pc.greater_equal(pairs.column("match_probability"), threshold))
    left, right = _index_of(keys, kept.column("record_key_l"), kept.column("record_key_r"))
    probability = kept.column("match_probability").cast(pa.float64()).to_numpy()
    must_left, must_right = _indices(keys, must_link)
    left = np.concatenate([must_left, left])
    right = np.concatenate([must_right, right])
    probability = np.concatenate([np.full(len(must_left), MUST_LINK_PROBABILITY), probability])
    known = (left >= 0) & (right >= 0)
    return left[known], right[known], probability[known]


def _conflicted_labels(labels, cannot_left, cannot_right) -> np.ndarray:
    together = labels[cannot_left] == labels[cannot_right]
    return np.unique(labels[cannot_left][together])


def _greedy_within(labels, conflicted, left, right, probability, cannot_left, cannot_right):
    """Rebuild the conflicted components edge by edge, strongest first."""
    inside = np.isin(labels, conflicted)
    order = np.argsort(-probability, kind="stable")
    edges = [(int(a), int(b)) for a, b in zip(left[order], right[order], strict=True)
             if inside[a]]
    forbidden: dict[int, set[int]] = {}
    for a, b in zip(cannot_left.tolist(), cannot_right.tolist(), strict=True):
        if inside[a]:
            forbidden.setdefault(a, set()).add(b)
            forbidden.setdefault(b, set()).add(a)
    parent: dict[int, int] = {int(node): int(node) for node in np.flatnonzero(inside)}
    members: dict[int, list[int]] = {node: [node] for node in parent}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a == root_b or _would_split_decision(members[root_a], root_b, forbidden, find):
            continue
        if len(members[root_a]) < len(members[root_b]):
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        members[root_a].extend(members.pop(root_b))
    labels = labels.copy()
    for root, nodes in members.items():
        labels[nodes] = min(nodes) if nodes else root
    return labels


def _would_split_decision(nodes: list[int], other_root: int, forbidden, find) -> bool:
    return any(find(partner) == other_root
               for node in nodes for partner in forbidden.get(node, ()))


def _keyed(keys: pa.Array, labels: np.ndarray) -> pa.Table:
    table = pa.table({"record_key": keys, "label": pa.array(labels)})
    with duck.connection() as con:
        con.register("labelled", table)
        return con.sql("""
            SELECT record_key, min(record_key) OVER (PARTITION BY label) AS cluster_key
            FROM labelled ORDER BY record_key
        """).to_arrow_table()
