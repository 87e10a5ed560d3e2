"""Notification settings, read from the environment with safe defaults for the demo.

They live here rather than in haicap/settings.py; a deployment may still set any of them in its
settings module (a setting of the same name wins over the environment).
"""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def email_adapter() -> str:
    """"sandbox": messages are written as files under VAR_DIR/mail; "django": Django's
    EMAIL_BACKEND (SMTP in production)."""
    return _value("HAICAP_EMAIL_ADAPTER", "sandbox")


def max_attempts() -> int:
    """Sending attempts before a transiently failing notification is given up (failed)."""
    return int(_value("HAICAP_NOTIFY_MAX_ATTEMPTS", "5"))


def retry_base_seconds() -> int:
    """Wait before the second attempt; it doubles after each failure."""
    return int(_value("HAICAP_NOTIFY_RETRY_SECONDS", "60"))


def poll_seconds() -> int:
    """How often the delivery job drains the outbox (it re-enqueues itself this much later)."""
    return int(_value("HAICAP_NOTIFY_POLL_SECONDS", "15"))


def batch_size() -> int:
    return int(_value("HAICAP_NOTIFY_BATCH", "100"))
