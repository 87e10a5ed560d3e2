"""Master data: generated merged-province people (3 old systems, known truth) through our whole
pipeline — standardize, match with the trained Splink model, cluster, golden records — next to a
plain Splink run with default settings on the same data in the same run (`haicap mdm bench`).

Quick trial: HAICAP_BENCH_MDM_EASY (people, 1,000,000) and HAICAP_BENCH_MDM_HARD (100,000).
"""

import os

from benchmarks.framework import Report, Row

TITLE = "Master data: match 3 merged-province sources into golden records"
EASY = int(os.environ.get("HAICAP_BENCH_MDM_EASY", "1000000"))
HARD = int(os.environ.get("HAICAP_BENCH_MDM_HARD", "100000"))
SECONDS_TARGET = 90
MEMORY_TARGET_MB = 4096


def log(message: str) -> None:
    print(f"[mdm] {message}", flush=True)


def run() -> Report:
    from haicap.mdm.bench import bench

    report = Report()
    log(f"easy noise, {EASY:,} people")
    easy = bench(EASY, "easy")
    log(str(easy))
    log(f"hard noise, {HARD:,} people")
    hard = bench(HARD, "hard")
    log(str(hard))
    base = easy["baseline"]
    report.rows += [
        Row(f"easy, {EASY:,} people ({easy['records']:,} records): end to end",
            easy["seconds"], "s", f"≤ {SECONDS_TARGET} s", easy["seconds"] <= SECONDS_TARGET,
            base["seconds"], "plain Splink, default settings"),
        Row("easy: peak memory", easy["peak_rss_mb"], "MB", f"≤ {MEMORY_TARGET_MB} MB",
            easy["peak_rss_mb"] <= MEMORY_TARGET_MB, base["peak_rss_mb"]),
        Row("easy: pairwise F1", easy["f1"], "", "≥ 0.99", easy["f1"] >= 0.99, base["f1"]),
        Row("easy: automatic-merge precision", easy["auto_merge_precision"] or 0, "", "≥ 0.999",
            (easy["auto_merge_precision"] or 0) >= 0.999),
        Row(f"hard, {HARD:,} people ({hard['records']:,} records): pairwise F1", hard["f1"], "",
            "≥ 0.95", hard["f1"] >= 0.95, hard["baseline"]["f1"]),
        Row("hard: automatic-merge precision", hard["auto_merge_precision"] or 0, "", "≥ 0.999",
            (hard["auto_merge_precision"] or 0) >= 0.999),
        Row("hard: end to end", hard["seconds"], "s", "(reported)", True,
            hard["baseline"]["seconds"]),
    ]
    report.notes += [
        "Each side runs in its own process on the same generated data (written once as "
        "Parquet), so its time and peak memory (ru_maxrss, reading the data included) are its "
        "own. Ours: standardize, train the model (a province's first run), predict, cluster, "
        "build the golden records and write them as Parquet.",
        f"Easy: precision {easy['precision']}, recall {easy['recall']}; stages "
        f"{easy['stages']}; {easy['pairs']:,} scored pairs; {easy['golden_records']:,} golden "
        f"records; generation {easy['generation_seconds']} s. Baseline precision "
        f"{base['precision']}, recall {base['recall']}.",
        f"Hard: precision {hard['precision']}, recall {hard['recall']}; stages "
        f"{hard['stages']}. Baseline precision {hard['baseline']['precision']}, recall "
        f"{hard['baseline']['recall']}, {hard['baseline']['seconds']} s.",
    ]
    return report
