"""Master-data settings, read from the environment with safe defaults for the demo (a setting of
the same name in the settings module wins over the environment)."""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def merge_threshold() -> float:
    """Match probability at or above which two records merge without a steward. 0.999: on
    generated data (100k people) automatic merges were 0.9986 precise at 0.99 (hard noise) and
    0.9995 at 0.999, for ~2 % more pairs in the review queue."""
    return float(_value("HAICAP_MDM_MERGE_THRESHOLD", "0.999"))


def review_threshold() -> float:
    """Match probability at or above which a pair is kept: between this and the merge threshold
    it goes to the stewards' review queue."""
    return float(_value("HAICAP_MDM_REVIEW_THRESHOLD", "0.5"))


def duckdb_memory() -> str:
    """The most memory one embedded DuckDB (matching, golden records, reports) may hold;
    beyond it DuckDB spills to a temporary directory. Its default, 80 % of the machine, let a
    1M-person match take 9 GB beside the web workers."""
    return _value("HAICAP_MDM_DUCKDB_MEMORY", "2GB")
