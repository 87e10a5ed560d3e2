"""Demo data of this app, loaded by `haicap demo` after the dossiers and the KPI facts."""

from django.urls import reverse

from haicap.core.management.commands.demo import PORTAL_ADDRESS
from haicap.opendata import services


def load(province) -> str:
    """Publish every dataset of the demo province; returns the line `haicap demo` prints."""
    report = services.publish_all(province)
    return f"Open data: {report.summary()} — {PORTAL_ADDRESS}{reverse('opendata:catalogue')}"
