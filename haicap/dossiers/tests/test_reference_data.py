"""Reference data kept by a worker (ADR 0010) on the submission path: a change saved in this
process is seen at once, a change made by another worker within the TTL."""

import pytest

from haicap.catalog.models import Procedure
from haicap.catalog.selectors import procedure_by_code
from haicap.core import reference
from haicap.core.models import Office
from haicap.dossiers.routing import reception_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(reference, "_clock", lambda: now[0])
    return now


def test_a_procedure_saved_in_this_worker_is_seen_at_once(province, django_assert_num_queries):
    procedure_by_code("1.001193")
    with django_assert_num_queries(0):
        procedure_by_code("1.001193")

    Procedure.objects.filter(code="1.001193").get().save(update_fields=["name"])
    with django_assert_num_queries(1):
        procedure_by_code("1.001193")


def test_an_office_changed_by_another_worker_is_seen_once_the_ttl_passed(province, clock):
    centre = reception_desk(province["centre"])
    # Another worker's write: a queryset update, which no signal here hears.
    Office.objects.filter(pk=centre.pk).update(name="Trung tâm Phục vụ hành chính công mới")

    assert reception_desk(province["centre"]).name == centre.name
    clock[0] += reference.TTL_SECONDS + 1
    assert reception_desk(province["centre"]).name == "Trung tâm Phục vụ hành chính công mới"
