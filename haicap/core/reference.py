"""Reference data a worker keeps for a short while (ADR 0010).

Procedures with their current version, communes, offices and partner tokens are read by every
submission and change a few times a year. A function marked `@kept()` keeps its answers for
`TTL_SECONDS` in the worker that asked. A change saved through the ORM in this process forgets
everything at once (and again when its transaction ends, in case it was rolled back); other
workers see the change within the TTL.
"""

import threading
import time

from cachetools import TTLCache, cached
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TTL_SECONDS = 60
_caches: list[TTLCache] = []
_clock = time.monotonic  # tests move it on


def kept(*, maxsize: int = 4096):
    """Keep the function's answers (never its exceptions) for TTL_SECONDS, by argument."""
    def decorate(function):
        cache = TTLCache(maxsize=maxsize, ttl=TTL_SECONDS, timer=lambda: _clock())
        _caches.append(cache)
        return cached(cache, lock=threading.Lock())(function)
    return decorate


def forget_all() -> None:
    for cache in _caches:
        cache.clear()


def forget_on_change(*models) -> None:
    """Saving or deleting a row of these models forgets every kept answer."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"reference-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"reference-{model.__name__}-")


def changed() -> None:
    """Call after a write the signals do not see (`QuerySet.update`)."""
    forget_all()
    transaction.on_commit(forget_all)


def _changed(sender, **kwargs) -> None:
    changed()
