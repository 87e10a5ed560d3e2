"""Demo data of the feed, loaded by `haicap demo` after the dossiers: the national portal feed
run over the demo dossiers' events, against the SANDBOX portal with a few outages, so the
reconciliation page shows retries and the portal's rejections as they really come."""

from django.test.utils import override_settings

from haicap.national_portal import services
from haicap.national_portal.models import FeedItem, FeedStatus, SandboxReceipt
from haicap.national_portal.portals import SandboxNationalPortal

# One batch in ten meets an outage (half of them after the portal stored it: a lost answer).
DEMO_FAILURE_RATE = 0.1
DEMO_LATENCY_MS = 10


def load(province) -> str:
    """Run the feed once; the line `haicap demo` prints."""
    if not FeedItem.objects.filter(dossier__province=province).exists():
        # A fresh (or reset) demo numbers its dossiers from 1 again: the sandbox forgets the
        # dossiers it held under those codes.
        SandboxReceipt.objects.filter(key__startswith=f"{province.code}-").delete()
    portal = SandboxNationalPortal(latency_ms=DEMO_LATENCY_MS, failure_rate=DEMO_FAILURE_RATE)
    # The demo cannot wait minutes for the backoff: it retries at once (the attempts are kept).
    with override_settings(HAICAP_NATIONAL_PORTAL_RETRY_SECONDS=0):
        report = services.sync_once(portal)
    items = FeedItem.objects.filter(dossier__province=province)
    acknowledged = items.filter(status=FeedStatus.ACKNOWLEDGED).count()
    return (f"National portal feed (SANDBOX portal, {DEMO_FAILURE_RATE:.0%} of batches meet an "
            f"outage): {report.produced} new items in {report.batches} batches; "
            f"{acknowledged} of {items.count()} acknowledged "
            f"({items.filter(attempts__gt=1).count()} after a retry), "
            f"{items.filter(status=FeedStatus.REJECTED).count()} rejected — "
            f"/cong-quoc-gia/doi-soat/ as dieuhanh")
