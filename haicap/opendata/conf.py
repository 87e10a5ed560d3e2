"""Open-data settings, read from the environment with safe defaults for the demo (a setting of
the same name in the settings module wins over the environment)."""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def contact_email() -> str:
    """Where questions about the datasets go (DCAT-US contactPoint.hasEmail)."""
    return _value("HAICAP_OPENDATA_CONTACT_EMAIL", "dulieumo@haicap.invalid")


def publish_hour() -> int:
    """Local hour of the daily publication job (quiet at night; the months close at midnight)."""
    return int(_value("HAICAP_OPENDATA_PUBLISH_HOUR", "2"))
