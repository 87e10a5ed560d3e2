import pytest

from haicap.worktime import calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test reads the calendar of its own transaction, and leaves no stale cache behind."""
    calendar.clear_cache()
    yield
    calendar.clear_cache()
