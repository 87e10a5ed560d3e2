"""The dossier statistics dataset end to end (issue 6.5): dossiers moved through the real
services, folded into the KPI facts, published with small counts hidden."""

import pytest

from haicap.dossiers import testing
from haicap.dossiers.testing import at, submit
from haicap.ioc import services as facts
from haicap.opendata import builders, services
from haicap.opendata.models import Dataset
from haicap.opendata.registry import DEFINITIONS
from haicap.units.models import Province

pytestmark = pytest.mark.django_db

STATISTICS = next(d for d in DEFINITIONS if d.slug == "thong-ke-ho-so")


@pytest.fixture
def march(monkeypatch) -> dict:
    """Eight marriage-status dossiers in March 2025, two of them online, for Hải Châu."""
    offices = testing.build_province()
    at(monkeypatch, 2025, 3, 10, 9, 0)
    people = [testing.applicant(full_name=f"Lê Văn Tư {n}", phone=f"090512345{n}")
              for n in range(8)]
    for person in people[:6]:
        submit(desk=offices["hai_chau"], who=person)
    for person in people[6:]:
        submit(channel="online", who=person)
    facts.rebuild()
    monkeypatch.undo()  # back to today: March 2025 is a complete month
    return {"offices": offices, "people": people}


def test_statistics_count_the_month_and_hide_the_small_online_count(march):
    table = builders.dossier_statistics(Province.objects.get(code="48"))
    hai_chau = march["offices"]["hai_chau"].commune

    [row] = [record for record in table.records() if record["commune_code"] == hai_chau.code]
    assert row["month"] == "2025-03" and row["procedure_code"] == testing.MARITAL_STATUS
    assert row["commune_name"] == hai_chau.name
    assert row["received"] == 8 and row["finished"] == 0
    assert row["online"] is None and row["suppressed"] is True


def test_no_applicant_detail_reaches_any_published_file(march):
    services.publish_all(Province.objects.get(code="48"))

    texts = []
    for dataset in Dataset.objects.select_related("current_release"):
        for distribution in dataset.current_release.distributions.exclude(format="parquet"):
            texts.append(services.media_path(distribution.path).read_text(encoding="utf-8-sig"))
    published = "\n".join(texts)
    assert "thong-ke-ho-so" in published
    for person in march["people"]:
        assert person.full_name not in published
        assert person.phone not in published and person.id_number not in published


def test_the_statistics_description_says_how_small_counts_are_hidden(march):
    services.publish_dataset(STATISTICS, Province.objects.get(code="48"))

    description = Dataset.objects.get(slug=STATISTICS.slug).description
    assert "Số liệu từ 1 đến 4 được để trống (k ≥ 5)" in description
    assert "không công bố số tổng" in description
