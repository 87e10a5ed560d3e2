"""The demo's ratings and complaints are made through the services: every rating and complaint
has its dossier event, ratings come after the result, and a second run adds nothing."""

import pytest

from haicap.dossiers.models import DossierEvent
from haicap.dossiers.testing import at
from haicap.feedback import demo
from haicap.feedback.models import Complaint, Rating
from haicap.feedback.tests.conftest import with_result
from haicap.units.models import Province

pytestmark = pytest.mark.django_db


def test_demo_feedback_goes_through_the_services_once(province, citizen, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 8, 0)
    dossiers = [with_result(province, citizen, returned=number % 2 == 0)
                for number in range(12)]
    at(monkeypatch, 2025, 3, 20, 9, 0)

    line = demo.load(Province.objects.get(code="48"))
    again = demo.load(Province.objects.get(code="48"))

    ratings = Rating.objects.filter(dossier__in=dossiers)
    assert 0 < ratings.count() < len(dossiers)
    assert DossierEvent.objects.filter(action="rate").count() == ratings.count()
    assert DossierEvent.objects.filter(action="complain").count() == Complaint.objects.count()
    for rating in ratings.select_related("dossier"):
        assert rating.rated_at > (rating.dossier.returned_at or rating.dossier.finished_at)
    assert line.startswith(f"Feedback: {ratings.count()} ratings") and "/danh-gia/" in line
    assert again.split(";")[0] == line.split(";")[0]  # the same counts (a fresh link)
