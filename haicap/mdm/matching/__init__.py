"""Matching: which standardized records are the same person (issue 7).

`train` fits a Splink model (saved as Splink's own JSON in a `Model`), `predict` scores the
candidate pairs the blocking rules produce, `explain` tells a steward why a pair scored as it did,
`cluster` joins records into people keeping the stewards' must-link / cannot-link decisions,
`baseline` is plain Splink with default settings for the benchmark, and `run_on_spark` runs a
saved model on Spark for a national-scale run (docs/scaling.md).
"""

from haicap.mdm.clusters import cluster
from haicap.mdm.matching.baseline import baseline
from haicap.mdm.matching.model import ComparisonWeight, Model, explain
from haicap.mdm.matching.scoring import Pairs, predict, train


def run_on_spark(records, model, **kwargs):
    from haicap.mdm.matching.spark import run_on_spark as run

    return run(records, model, **kwargs)


__all__ = ["ComparisonWeight", "Model", "Pairs", "baseline", "cluster", "explain", "predict",
           "run_on_spark", "train"]
