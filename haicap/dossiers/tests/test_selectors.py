"""Rules: a commune officer's page of dossiers holds the same rows in the same order as the plain
scoped query, whatever the slice (on PostgreSQL it is cut from each office column's first rows,
see `ScopedQuerySet._page`); another commune's dossiers never appear; a page costs one query
whatever its size; a bounded count stops at its cap."""

from copy import copy
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from haicap.dossiers import testing
from haicap.dossiers.models import Dossier, Status
from haicap.dossiers.selectors import bounded_count

pytestmark = pytest.mark.django_db

SLICES = [(0, 5), (5, 10), (3, 17), (0, 60), (40, 45), (44, 60), (70, 80)]


@pytest.fixture
def mixed(province):
    """45 dossiers over three communes: decided and received at home, received at home for
    another commune, received elsewhere for home, and wholly elsewhere; submission times
    repeat, so the id breaks ties."""
    template = testing.submit(desk=province["hai_chau"])
    hai_chau, hoi_an, son_tra = province["hai_chau"], province["hoi_an"], province["son_tra"]
    pairs = [(hai_chau, hai_chau), (hoi_an, hai_chau), (hai_chau, hoi_an), (son_tra, son_tra),
             (hoi_an, hoi_an)]
    statuses = [Status.RECEIVED, Status.IN_PROCESS, Status.FINISHED]
    rows = []
    for number in range(45):
        row = copy(template)
        row.pk, row.code = None, f"T-{number:03d}"
        row.competent_office, row.receiving_office = pairs[number % len(pairs)]
        row.status = statuses[number % len(statuses)]
        row.submitted_at = template.submitted_at - timedelta(hours=number % 7)
        rows.append(row)
    Dossier.objects.bulk_create(rows)
    return province


def expected(officer, status: str | None = None) -> list[int]:
    """What the officer may see, computed in Python: a dossier received or decided by an office
    of the officer's commune, newest first."""
    commune = officer.office.commune_id
    rows = [row for row in Dossier.objects.select_related("competent_office", "receiving_office")
            if commune in (row.competent_office.commune_id, row.receiving_office.commune_id)
            and (status is None or row.status == status)]
    rows.sort(key=lambda row: (row.submitted_at, row.pk), reverse=True)
    return [row.pk for row in rows]


@pytest.mark.parametrize("who", ["desk", "hoi_an_desk", "son_tra_desk"])
def test_every_slice_of_a_commune_officers_dossiers_is_the_slice_of_what_they_may_see(
        mixed, who):
    officer = mixed[who]
    visible = Dossier.objects.visible_to(officer).select_related("procedure")
    everything = expected(officer)

    for start, stop in SLICES:
        assert [row.pk for row in visible[start:stop]] == everything[start:stop], (start, stop)
    assert visible.first().pk == everything[0]
    assert [row.pk for row in visible.filter(status=Status.FINISHED)[1:9]] == expected(
        officer, Status.FINISHED)[1:9]


def test_the_page_is_the_plain_querys_page_under_other_orderings_and_reversed(mixed):
    visible = Dossier.objects.visible_to(mixed["desk"])

    for ordering in (["status", "-id"], ["-submitted_at", "code"]):
        ordered = visible.order_by(*ordering)
        for start, stop in SLICES:
            assert list(ordered[start:stop]) == list(
                QuerySet.__getitem__(ordered, slice(start, stop)))
    assert visible.last().pk == expected(mixed["desk"])[-1]


def test_a_page_is_one_query_whatever_its_size(mixed):
    officer = mixed["desk"]

    def queries(size: int) -> int:
        visible = Dossier.objects.visible_to(officer).select_related(
            "procedure", "competent_office", "receiving_office")
        with CaptureQueriesContext(connection) as captured:
            rows = list(visible[0:size])
        assert len(rows) == size
        return len(captured)

    queries(1)  # the officer's office and its commune's offices are looked up once
    assert queries(5) == queries(25) == 1


def test_bounded_count_counts_up_to_the_cap_and_says_more_above_it(mixed):
    visible = Dossier.objects.visible_to(mixed["desk"])
    total = len(expected(mixed["desk"]))

    assert bounded_count(visible, cap=1000) == total
    assert bounded_count(visible, cap=total) == total
    assert bounded_count(visible, cap=10) == 11
    assert bounded_count(visible.filter(status=Status.REFUSED), cap=10) == 0


@pytest.mark.parametrize("who", ["desk", "hoi_an_desk", "son_tra_desk"])
def test_bounded_count_is_exact_below_the_cap_whatever_the_commune(mixed, who):
    officer = mixed[who]
    visible = Dossier.objects.visible_to(officer)

    for cap in (3, 8, 9, 10, 30, 100):
        assert bounded_count(visible, cap=cap) == min(len(expected(officer)), cap + 1), cap
        assert bounded_count(visible.filter(status=Status.FINISHED), cap=cap) == min(
            len(expected(officer, Status.FINISHED)), cap + 1), cap
