"""A small benchmark framework: result rows, timing helpers and the RESULTS.md sections.

Each `benchmarks/bench_*.py` module defines `TITLE` (its section heading in RESULTS.md) and
`run() -> Report`. RESULTS.md keeps one section per module, between HTML comment markers, so a
module rewrites only its own section and the sections of other benchmarks stay as they are.
"""

import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nWritten by `make bench` (`python -m benchmarks`); one section " \
         "per benchmark module.\n"


@dataclass(frozen=True)
class Row:
    """One measured figure against its target and a baseline measured in the same run."""

    name: str
    figure: float
    unit: str
    target: str
    passed: bool
    baseline: float | None = None
    baseline_label: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return self.figure / self.baseline

    def cells(self) -> list[str]:
        ratio = self.ratio
        return [
            self.name, f"{_number(self.figure)} {self.unit}", self.target,
            f"{_number(self.baseline)} {self.unit}" if self.baseline is not None else "—",
            f"{ratio:.2f}×" if ratio is not None else "—",
            "pass" if self.passed else "FAIL",
        ]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # markdown paragraphs under the table


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value < 1:  # shares and scores: 0.99975 is not 1
        return f"{value:.6g}"
    return f"{value:.3g}"


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def wall_time(command: list[str], env: dict | None = None) -> float:
    """Seconds from starting a fresh process to its exit (its first and only answer)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def machine_note() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def render(title: str, report: Report) -> str:
    lines = [f"## {title}", "",
             f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine_note()}.", "",
             "| measure | figure | target | baseline | ratio | result |",
             "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in report.rows]
    baselines = [f"- baseline of *{row.name}*: {row.baseline_label}"
                 for row in report.rows if row.baseline_label]
    if baselines:
        lines += ["", *baselines]
    for note in report.notes:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def write_section(key: str, text: str) -> None:
    """Replace (or add) this benchmark's section in RESULTS.md, keeping the others."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{text}{end}\n"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(current):
        current = pattern.sub(lambda _match: block, current)
    else:
        current = current.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(current, encoding="utf-8")


def print_report(title: str, report: Report) -> None:
    print(f"\n== {title}")
    for row in report.rows:
        cells = row.cells()
        print(f"  {cells[0]}: {cells[1]} (target {cells[2]}; baseline {cells[3]}, "
              f"{cells[4]}) {cells[5]}")
    sys.stdout.flush()


# -- PostgreSQL benchmarks: each makes its own database and runs its Django steps in children --

PG = "postgresql://postgres@127.0.0.1:5432"
ROOT = Path(__file__).resolve().parent.parent


def run_child(module: str, step: str, env: dict) -> dict:
    """Run one step of a benchmark module in a fresh process; its `RESULT {json}` line."""
    done = subprocess.run([sys.executable, "-m", module, step], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"step {step} printed no result:\n{done.stdout[-3000:]}")


def admin_sql(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE / DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
