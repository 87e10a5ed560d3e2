"""Operations-centre settings, read from the environment with defaults for the demo (a setting
of the same name in the settings module wins)."""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def poll_seconds() -> float:
    """How often the refresh job folds new events (it re-enqueues itself this much later)."""
    return float(_value("HAICAP_IOC_POLL_SECONDS", "5"))


def batch_events() -> int:
    """Events read per refresh pass (a pass loops until the log is drained)."""
    return int(_value("HAICAP_IOC_BATCH_EVENTS", "2000"))


def rebuild_chunk() -> int:
    """Dossiers folded per chunk by `haicap ioc rebuild`."""
    return int(_value("HAICAP_IOC_REBUILD_CHUNK", "5000"))


def gap_seconds() -> float:
    """How long a hole in the event ids holds the watermark back. On PostgreSQL a transaction
    that took a lower id may commit after one that took a higher id; a hole older than this
    is a rolled-back transaction (its id will never appear)."""
    return float(_value("HAICAP_IOC_GAP_SECONDS", "30"))
