"""A clock the demo sets back in time, so that dossiers made through the real services carry
the times of the last months (the services read `django.utils.timezone.now`).

Only the demo command uses it, for the time it builds its dossiers; the real clock comes back
when the block ends, error or not.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.apps import apps
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
    """`timezone.now()` returns the clock's moment (the real time until one is set), and so do
    model fields whose default is `timezone.now` (an upload's time, for instance)."""
    real_now = timezone.now
    clock = DemoClock(real_now)
    fields = [field for model in apps.get_models() for field in model._meta.concrete_fields
              if field.default is real_now]
    timezone.now = clock.now
    _set_default(fields, clock.now)
    try:
        yield clock
    finally:
        timezone.now = real_now
        _set_default(fields, real_now)


def _set_default(fields, default) -> None:
    for field in fields:
        field.default = default
        field.__dict__.pop("_get_default", None)  # Django caches the default's callable
