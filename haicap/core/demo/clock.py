"""A clock the demo sets back in time, so that dossiers made through the real services carry
the times of the last months (the services read `django.utils.timezone.now`).

Only the demo command uses it, for the time it builds its dossiers; the real clock comes back
when the block ends, error or not.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone


class DemoClock:
    def __init__(self, real_now):
        self.real_now = real_now
        self.moment: datetime | None = None

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment if self.moment is not None else self.real_now()


@contextmanager
def set_back_clock() -> Iterator[DemoClock]:
    """`timezone.now()` returns the clock's moment (the real time until one is set)."""
    real_now = timezone.now
    clock = DemoClock(real_now)
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real_now
