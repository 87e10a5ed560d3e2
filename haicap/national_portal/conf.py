"""Settings of the national portal feed, read from the environment with safe demo defaults (a
setting of the same name in the settings module wins)."""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def adapter() -> str:
    """"sandbox" (the only one so far): the sandbox portal of haicap.national_portal.portals."""
    return str(getattr(settings, "HAICAP_NATIONAL_PORTAL_ADAPTER", "sandbox"))


def max_attempts() -> int:
    """Attempts before an item the portal never answered for is given up (failed)."""
    return int(_value("HAICAP_NATIONAL_PORTAL_MAX_ATTEMPTS", "6"))


def retry_base_seconds() -> int:
    """Wait before the second attempt; it doubles after each failure."""
    return int(_value("HAICAP_NATIONAL_PORTAL_RETRY_SECONDS", "60"))


def poll_seconds() -> int:
    """How often the sync job reads the event log and sends (it re-enqueues itself)."""
    return int(_value("HAICAP_NATIONAL_PORTAL_POLL_SECONDS", "30"))


def batch_size() -> int:
    return int(_value("HAICAP_NATIONAL_PORTAL_BATCH", "100"))


def safety_lag_seconds() -> int:
    """How long an event id missing below the cursor is looked for again (see FeedCursor)."""
    return int(_value("HAICAP_NATIONAL_PORTAL_LAG_SECONDS", "600"))
