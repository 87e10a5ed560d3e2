"""Train a model on standardized records and score pairs with it, on DuckDB.

Training (seeded): the share of matching pairs from near-certain rules, u by random sampling of
record pairs, m by expectation maximisation on two blocking rules that leave each other's columns
free. The saved Splink JSON is what predict, the Spark run and the next month's run reuse.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from haicap.mdm import duck
from haicap.mdm.matching import settings as matching_settings
from haicap.mdm.matching.model import Model, gamma_sql, trained_on
from haicap.mdm.matching.prepare import TABLE, create_input

ROW_ID = "row_id"  # predict's unique id in the matching input: the records' row numbers
U_SAMPLE_PAIRS = 3e6
EM_MAX_PAIRS = 2e6
U_FLOOR = 1 / U_SAMPLE_PAIRS
M_FLOOR = 1e-3

logging.getLogger("splink").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Pairs:
    """Scored candidate pairs at or above the review threshold: record_key_l < record_key_r,
    match_probability, match_weight, and gamma_<comparison> (int8) / bf_<comparison> (float64)
    per comparison."""
    table: pa.Table


def _linker(con, table: str, settings: dict):
    """A Splink linker on the matching input `table` in `con` (a duck.connection: Splink's
    tables count against its memory cap and spill to its directory)."""
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI(connection=con)
    frame = api.register(table)
    return Linker(frame, settings, log_level=None)


def train(records: pa.Table, *, seed: int = 0, description: str = "") -> Model:
    with duck.connection() as con:
        # A fixed linker id: the same records and seed give the same saved JSON.
        linker = _linker(con, create_input(con, records), {
            **matching_settings.initial_settings(), "linker_uid": f"mdm{seed}"})
        linker.training.estimate_probability_two_random_records_match(
            list(matching_settings.DETERMINISTIC_RULES),
            recall=matching_settings.DETERMINISTIC_RECALL)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
        for rule in matching_settings.TRAINING_BLOCKS:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS)
        saved = _completed(linker.misc.save_model_to_json())
    return Model(splink_settings=saved, trained_on=trained_on(
        records, seed=seed, description=description,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds")))


def _completed(saved: dict) -> dict:
    """Levels training never saw get numbers instead of none (Splink refuses to load zero):
    never seen among random pairs — u as rare as one pair in the whole u sample; never seen
    among matches — m one in a thousand but never above u, so a level no match showed can only
    count against a match, never for it. Written into the saved JSON, so every run of the model
    uses the same numbers. Every probability is saved to 12 significant digits: DuckDB sums in
    parallel, so two trainings on the same records and seed differ in the last digits of a
    double, and the same data should give the same JSON."""
    for comparison in saved["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("u_probability", 0.0) <= 0.0:
                level["u_probability"] = U_FLOOR
            if level.get("m_probability", 0.0) <= 0.0:
                level["m_probability"] = min(M_FLOOR, level["u_probability"])
            for name in ("m_probability", "u_probability"):
                level[name] = _rounded(level[name])
    saved["probability_two_random_records_match"] = _rounded(
        saved["probability_two_random_records_match"])
    return saved


def _rounded(value: float) -> float:
    return float(f"{value:.12g}")


def predict(records: pa.Table, model: Model, *, threshold: float) -> Pairs:
    with duck.connection() as con:
        numbered = records.append_column(
            ROW_ID, pa.array(np.arange(records.num_rows, dtype=np.int64)))
        create_input(con, numbered, also=(ROW_ID,))
        # Splink scores pairs of row numbers (not record keys: the pairs and the joins are a
        # third the size) without carrying both records' columns through every candidate pair
        # (a third of the time, most of the memory at 1M people); the levels of the pairs kept
        # are computed after, from the same conditions (pairs_sql).
        linker = _linker(con, TABLE, {**model.splink_settings, "unique_id_column_name": ROW_ID,
                                      "retain_matching_columns": False,
                                      "retain_intermediate_calculation_columns": True})
        scored = linker.inference.predict(threshold_match_probability=threshold,
                                          warning_mode="never")
        return Pairs(table=con.sql(pairs_sql(scored.physical_name, model)).to_arrow_table())


def pairs_sql(table: str, model: Model) -> str:
    """Splink's prediction columns narrowed and typed for the contract, with each comparison's
    level (gamma) from both records' columns in the matching input."""
    comparisons = model.splink_settings["comparisons"]
    sides = ", ".join(f"{side}.{column} AS {column}_{side}" for side in "lr"
                      for column in (matching_settings.UNIQUE_ID,
                                     *matching_settings.COMPARED_COLUMNS))
    key = matching_settings.UNIQUE_ID
    columns = [f"least({key}_l, {key}_r) AS record_key_l",
               f"greatest({key}_l, {key}_r) AS record_key_r",
               "CAST(match_probability AS DOUBLE) AS match_probability",
               "CAST(match_weight AS DOUBLE) AS match_weight"]
    for comparison in comparisons:
        name = comparison["output_column_name"]
        columns += [f"CAST({gamma_sql(comparison)} AS TINYINT) AS gamma_{name}",
                    f"CAST(pow(2, mw_{name}) AS DOUBLE) AS bf_{name}"]
    weights = ", ".join(f"p.mw_{comparison['output_column_name']}" for comparison in comparisons)
    return f"""
        SELECT {', '.join(columns)} FROM (
            SELECT p.match_probability, p.match_weight, {weights}, {sides}
            FROM {table} p
            JOIN {TABLE} l ON l.{ROW_ID} = p.{ROW_ID}_l
            JOIN {TABLE} r ON r.{ROW_ID} = p.{ROW_ID}_r)
    """

