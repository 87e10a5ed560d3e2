"""What every sandbox adapter shares: it answers like the national system it stands in for,
slowly and sometimes not at all (latency and failure rate from the sandbox settings)."""

import random
import time

from django.conf import settings


class RemoteServiceSimulation:
    """Base of the sandbox adapters (VNeID, SMS gateway, virus scanner…): labelled sandbox."""

    is_sandbox = True

    def __init__(self, *, latency_ms: int | None = None, failure_rate: float | None = None):
        self.latency_ms = settings.HAICAP_SANDBOX_LATENCY_MS if latency_ms is None else latency_ms
        self.failure_rate = (settings.HAICAP_SANDBOX_FAILURE_RATE if failure_rate is None
                             else failure_rate)

    def simulated_call_fails(self) -> bool:
        """Wait as a remote call would; True when this call is one of the simulated outages."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000 * random.uniform(0.5, 1.5))
        return bool(self.failure_rate) and random.random() < self.failure_rate
