"""Master-data settings, read from the environment with safe defaults for the demo (a setting of
the same name in the settings module wins over the environment)."""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def merge_threshold() -> float:
    """Match probability at or above which two records merge without a steward."""
    return float(_value("HAICAP_MDM_MERGE_THRESHOLD", "0.99"))


def review_threshold() -> float:
    """Match probability at or above which a pair is kept: between this and the merge threshold
    it goes to the stewards' review queue."""
    return float(_value("HAICAP_MDM_REVIEW_THRESHOLD", "0.5"))
