"""Demo data of the operations centre, loaded by `haicap demo` after the dossiers (and their
ratings and complaints): the KPI facts folded from the demo's event log."""

from haicap.ioc import services


def load(province) -> str:
    """Rebuild the facts from the log; returns the line `haicap demo` prints."""
    report = services.rebuild()
    return f"KPI facts: {report.dossiers} dossiers, {report.daily_rows} daily rows"
