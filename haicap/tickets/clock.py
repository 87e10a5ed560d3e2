"""The time the ticket services see. Normally the wall clock; the demo and tests set it to play
a day of tickets through the real services (`at(moment)`)."""

import contextlib
import contextvars
from datetime import datetime

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("tickets_clock",
                                                                        default=None)


def now() -> datetime:
    return _fixed.get() or timezone.now()


def today():
    return timezone.localdate(now())


@contextlib.contextmanager
def at(moment: datetime):
    """Run the block as if it were `moment` (an aware datetime)."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
