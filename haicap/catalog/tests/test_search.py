"""Catalogue search: words with or without tone marks, code prefixes, ranking, filters."""

import pytest

from haicap.catalog.models import Procedure, ProcedureVersion
from haicap.catalog.selectors import procedure_by_code, search_procedures
from haicap.core.errors import NotFound

pytestmark = pytest.mark.django_db

PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "civil_status", ["birth"], "commune", True),
    ("1.004884", "Đăng ký lại khai sinh", "civil_status", ["birth"], "commune", False),
    ("1.000656", "Đăng ký khai tử", "civil_status", ["death"], "commune", True),
    ("1.004222", "Đăng ký thường trú", "residence", ["birth", "moving_house"], "commune", True),
    ("2.000815", "Chứng thực bản sao từ bản chính", "certification", [], "commune", False),
    ("1.009122", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "construction", ["building_house"],
     "province_department", False),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "business", ["starting_business"], "commune",
     False),
]


@pytest.fixture
def catalogue():
    for code, name, field, events, level, full_online in PROCEDURES:
        procedure = Procedure.objects.create(
            code=code, name=name, field=field, life_events=events, level=level,
            executing_unit="commune_people_committee", full_online=full_online,
            deadline_unit="working_days",
        )
        procedure.current_version = ProcedureVersion.objects.create(
            procedure=procedure, number=1, status="published", definition={}, checksum="0" * 64)
        procedure.save()


def codes(queryset):
    return [procedure.code for procedure in queryset]


def test_words_without_tone_marks_find_the_name_with_them(catalogue):
    # "Đăng ký lại khai sinh" has every word too, but ranks after the exact name.
    for query in ("dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH"):
        assert codes(search_procedures(query)) == ["1.001193", "1.004884"]


def test_words_match_word_starts_in_any_order(catalogue):
    assert codes(search_procedures("khai sinh")) == ["1.001193", "1.004884"]
    assert codes(search_procedures("sinh khai dang")) == ["1.001193", "1.004884"]
    assert codes(search_procedures("chung thuc")) == ["2.000815"]
    assert codes(search_procedures("inh")) == []   # not inside a word


def test_names_starting_with_the_query_rank_first(catalogue):
    found = codes(search_procedures("khai"))
    assert found[:3] == ["1.001193", "1.000656", "1.004884"]


def test_exact_name_ranks_before_longer_names(catalogue):
    assert codes(search_procedures("đăng ký khai tử")) == ["1.000656"]
    assert codes(search_procedures("ho kinh doanh")) == ["1.001612"]


def test_code_prefix_finds_procedures_by_national_code(catalogue):
    assert codes(search_procedures("1.0011")) == ["1.001193"]
    assert codes(search_procedures("1.00")) == ["1.000656", "1.001193", "1.001612", "1.004222",
                                                "1.004884", "1.009122"]
    assert codes(search_procedures("2.000815")) == ["2.000815"]


def test_filters_by_field_life_event_level_and_full_online(catalogue):
    assert codes(search_procedures(field="residence")) == ["1.004222"]
    assert set(codes(search_procedures(life_event="birth"))) == {"1.001193", "1.004884",
                                                                  "1.004222"}
    assert codes(search_procedures(level="province_department")) == ["1.009122"]
    assert set(codes(search_procedures("dang ky", full_online=True))) == {
        "1.001193", "1.000656", "1.004222"}


def test_withdrawn_procedures_are_not_listed(catalogue):
    Procedure.objects.filter(code="1.004884").update(active=False)
    assert codes(search_procedures("khai sinh")) == ["1.001193"]


def test_search_is_one_query_with_the_current_version(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = list(search_procedures("dang ky"))
        assert all(procedure.current_version.number == 1 for procedure in found)


def test_procedure_by_code_raises_not_found_with_a_stable_code(catalogue):
    assert procedure_by_code("1.001193").name == "Đăng ký khai sinh"
    with pytest.raises(NotFound) as error:
        procedure_by_code("9.999999")
    assert error.value.code == "procedure_not_found"
    assert "9.999999" in error.value.message
