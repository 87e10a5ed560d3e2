"""A trained matching model: Splink's own saved-model JSON and what it was trained on, so a run
can say which data taught the weights it used. `explain` turns one scored pair into the lines the
steward review page shows: per comparison, the level the pair fell in and its match weight."""

import hashlib
import json
import math
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Model:
    splink_settings: dict
    trained_on: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"splink_settings": self.splink_settings,
                           "trained_on": self.trained_on}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Model":
        data = json.loads(text)
        return cls(splink_settings=data["splink_settings"],
                   trained_on=data.get("trained_on", {}))

    @property
    def comparison_names(self) -> list[str]:
        return [c["output_column_name"] for c in self.splink_settings["comparisons"]]


@dataclass(frozen=True)
class ComparisonWeight:
    comparison: str
    level: str
    bayes_factor: float
    match_weight: float


def explain(row: dict, model: Model) -> list[ComparisonWeight]:
    """One line per comparison for a row of Pairs.table (as a dict)."""
    lines = []
    for comparison in model.splink_settings["comparisons"]:
        name = comparison["output_column_name"]
        gamma = row.get(f"gamma_{name}")
        bayes_factor = row.get(f"bf_{name}")
        bayes_factor = 1.0 if bayes_factor is None else float(bayes_factor)
        lines.append(ComparisonWeight(
            comparison=name, level=level_label(comparison, gamma), bayes_factor=bayes_factor,
            match_weight=math.log2(bayes_factor) if bayes_factor > 0 else -math.inf))
    return lines


def level_label(comparison: dict, gamma: int | None) -> str:
    """Splink numbers a comparison's non-null levels from n−1 (first) down to 0 (ELSE); the
    null level is −1."""
    levels = comparison["comparison_levels"]
    if gamma is None or gamma == -1:
        return next((lv.get("label_for_charts", "missing") for lv in levels
                     if lv.get("is_null_level")), "missing")
    scored = [lv for lv in levels if not lv.get("is_null_level")]
    position = len(scored) - 1 - int(gamma)
    if 0 <= position < len(scored):
        return scored[position].get("label_for_charts", scored[position]["sql_condition"])
    return str(gamma)


def gamma_sql(comparison: dict) -> str:
    """The comparison's level as a SQL CASE over the `<column>_l` / `<column>_r` columns, in
    level_label's numbering."""
    levels = comparison["comparison_levels"]
    value = sum(1 for level in levels if not level.get("is_null_level")) - 1
    cases = []
    for level in levels:
        condition = level["sql_condition"]
        if level.get("is_null_level"):
            cases.append(f"WHEN {condition} THEN -1")
            continue
        cases.append(f"ELSE {value}" if condition.strip().upper() == "ELSE"
                     else f"WHEN {condition} THEN {value}")
        value -= 1
    return f"CASE {' '.join(cases)} END"


def trained_on(records: pa.Table, *, seed: int, description: str, trained_at: str) -> dict:
    keys = pc.sort_indices(records.column("record_key"))
    ordered = records.column("record_key").take(keys).combine_chunks().cast(pa.large_string())
    digest = hashlib.sha256()
    for buffer in ordered.buffers()[1:]:
        digest.update(memoryview(buffer))
    sources = {}
    if "source" in records.column_names:
        counted = records.group_by("source").aggregate([("record_key", "count")])
        sources = dict(zip(counted.column("source").to_pylist(),
                           counted.column("record_key_count").to_pylist(), strict=True))
    return {"rows": records.num_rows, "sources": sources, "record_keys_sha256":
            digest.hexdigest(), "seed": seed, "description": description,
            "trained_at": trained_at}
