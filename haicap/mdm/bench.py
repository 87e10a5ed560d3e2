"""`haicap mdm bench`: generated merged-province data with known truth, our whole pipeline
(standardize → match → cluster → golden records) and a plain Splink run with default settings on
the same data, each in its own process so that its time and peak memory are its own.

The parent generates the data once and writes the mapped source records and the truth as
Parquet; each child reads them, runs its part and prints one JSON line. Accuracy is pairwise
over the clusters against the truth; automatic-merge precision is over the pairs our pipeline
merged without a steward (probability ≥ the merge threshold).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from haicap.mdm import duck
from haicap.mdm.store import PERSON_COLUMNS, PERSON_SCHEMA


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def mapped(source) -> pa.Table:
    """A synthetic source's own table through its mapping: the canonical person table."""
    table = source.table
    keys = pc.cast(table.column(source.key_column), pa.string())
    columns = {"record_key": pc.binary_join_element_wise(
        pa.array([source.code] * table.num_rows, pa.string()), keys, ":"),
        "source": pa.array([source.code] * table.num_rows, pa.string())}
    for name in PERSON_COLUMNS[2:]:
        column = source.mapping.get(name)
        columns[name] = (pc.cast(table.column(column), pa.string()) if column
                         else pa.nulls(table.num_rows, pa.string()))
    return pa.table(columns, schema=PERSON_SCHEMA)


def generate(people: int, noise: str, seed: int, directory: Path, province: str | None) -> dict:
    from haicap.mdm import synth

    started = time.perf_counter()
    units = synth.SynthUnits.from_database(province) if province else \
        synth.SynthUnits.from_database()
    data = synth.generate(people, sources=3, noise=noise, seed=seed, units=units)
    raw = pa.concat_tables([mapped(source) for source in data.sources])
    pq.write_table(raw, directory / "raw.parquet")
    pq.write_table(data.truth, directory / "truth.parquet")
    return {"seconds": round(time.perf_counter() - started, 1), "records": raw.num_rows,
            "sources": [source.code for source in data.sources]}


def run_ours(directory: Path) -> dict:
    """Standardize, train (the first run of a province trains its model), predict, cluster and
    build the golden records; scores against the truth."""
    from haicap.mdm import conf, evaluation, golden, matching, standardize
    from haicap.mdm.pipeline import training_sample

    raw = pq.read_table(directory / "raw.parquet")
    seconds = {}
    started = lap = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal lap
        pa.default_memory_pool().release_unused()  # what a stage freed goes back to the OS
        now = time.perf_counter()
        seconds[name] = round(now - lap, 1)
        lap = now

    trust = {code: 50 for code in pc.unique(raw.column("source")).to_pylist()}
    records = standardize.standardize(raw).records
    del raw
    tick("standardize")
    model = matching.train(training_sample(records))
    tick("train")
    pairs = matching.predict(records, model, threshold=conf.review_threshold()).table
    tick("predict")
    clusters = matching.cluster(records.column("record_key"), pairs,
                                threshold=conf.merge_threshold())
    tick("cluster")
    result = golden.build(records, clusters, province="00", trust=trust)
    pq.write_table(result.golden, directory / "golden.parquet")
    tick("golden")
    total = time.perf_counter() - started
    truth = pq.read_table(directory / "truth.parquet")
    scores = evaluation.evaluate(clusters, truth)
    merged = pairs.filter(pc.greater_equal(pairs.column("match_probability"),
                                           conf.merge_threshold()))
    return {**_scores(scores), "auto_merge_precision": pair_precision(merged, truth),
            "seconds": round(total, 1), "stages": seconds, "peak_rss_mb": peak_rss_mb(),
            "pairs": pairs.num_rows, "golden_records": result.golden.num_rows}


def run_baseline(directory: Path) -> dict:
    from haicap.mdm import evaluation, matching

    raw = pq.read_table(directory / "raw.parquet")
    truth = pq.read_table(directory / "truth.parquet")
    started = time.perf_counter()
    clusters = matching.baseline(raw)
    total = time.perf_counter() - started
    scores = evaluation.evaluate(clusters, truth)
    return {**_scores(scores), "seconds": round(total, 1), "peak_rss_mb": peak_rss_mb()}


def pair_precision(pairs: pa.Table, truth: pa.Table) -> float | None:
    """The share of `pairs` whose two records are the same person in the truth."""
    if not pairs.num_rows:
        return None
    with duck.connection() as con:
        con.register("pairs", pairs)
        con.register("truth", truth)
        right = con.sql("SELECT count(*) FROM pairs p JOIN truth l ON l.record_key = "
                        "p.record_key_l JOIN truth r ON r.record_key = p.record_key_r "
                        "WHERE l.person_id = r.person_id").fetchall()[0][0]
    return round(right / pairs.num_rows, 6)


def _scores(scores) -> dict:
    return {"f1": round(scores.f1, 5), "precision": round(scores.precision, 5),
            "recall": round(scores.recall, 5)}


def bench(people: int, noise: str, *, seed: int = 0, province: str | None = None,
          baseline: bool = True) -> dict:
    """Generate, then run our pipeline and the baseline each in a child process."""
    with tempfile.TemporaryDirectory(prefix="haicap-mdm-bench-") as folder:
        directory = Path(folder)
        generated = generate(people, noise, seed, directory, province)
        ours = _child("ours", directory)
        result = {"people": people, "noise": noise, "records": generated["records"],
                  "generation_seconds": generated["seconds"], **ours}
        if baseline:
            result["baseline"] = _child("baseline", directory)
        return result


def _child(part: str, directory: Path) -> dict:
    command = [sys.executable, "-m", "haicap.manage", "mdm", "bench-part", part, str(directory)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(),
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"{part} failed:\n{done.stderr[-4000:]}")
    return json.loads(lines[-1])
