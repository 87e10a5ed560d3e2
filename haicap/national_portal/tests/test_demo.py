"""The demo step runs the feed over the demo dossiers' events against the sandbox portal."""

import pytest

from haicap.dossiers.models import DossierEvent
from haicap.national_portal import demo
from haicap.national_portal.models import FeedItem
from haicap.national_portal.tests.conftest import returned_dossier
from haicap.units.models import Province

pytestmark = pytest.mark.django_db


def test_the_demo_feeds_the_sandbox_once_and_keeps_it_on_a_second_run(province, monkeypatch):
    returned_dossier(province, monkeypatch)
    da_nang = Province.objects.get(code="48")

    first = demo.load(da_nang)
    again = demo.load(da_nang)

    assert "5 new items" in first and "5 of 5 acknowledged" in first and "SANDBOX" in first
    assert "0 new items" in again and "5 of 5 acknowledged" in again


def test_the_demos_reset_takes_the_feed_with_the_events(province, monkeypatch):
    dossier = returned_dossier(province, monkeypatch)
    demo.load(Province.objects.get(code="48"))

    DossierEvent.objects.filter(dossier=dossier).delete()  # as `haicap demo --reset` does

    assert not FeedItem.objects.exists()
