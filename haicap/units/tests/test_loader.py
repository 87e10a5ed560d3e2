"""The unit tables hold the official 2025 units, the old units and the succession."""

import pytest

from haicap.units.models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
    SourceDisagreement,
)
from haicap.units.services import load_units

pytestmark = pytest.mark.django_db


def test_loader_counts_34_provinces_3321_communes_and_63_old_provinces():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyCommune.objects.count() == 10035


def test_codes_are_official_zero_padded_strings():
    hoan_kiem = Commune.objects.get(code="00070")
    assert hoan_kiem.name == "Phường Hoàn Kiếm"
    assert hoan_kiem.province_id == "01"
    assert hoan_kiem.kind == "phuong"


def test_da_nang_has_94_communes_and_was_merged_from_old_da_nang_and_quang_nam():
    da_nang = Province.objects.get(code="48")
    assert da_nang.communes.count() == 94
    assert sorted(da_nang.predecessors.values_list("name", flat=True)) == [
        "Thành phố Đà Nẵng", "Tỉnh Quảng Nam"]


def test_every_old_commune_has_a_successor_with_source_and_effective_date():
    assert not LegacyCommune.objects.filter(successions__isnull=True).exists()
    succession = CommuneSuccession.objects.filter(legacy_commune_id="00061").get()
    assert succession.commune_id == "00070"
    assert succession.source == "vietnamadminunits 1.0.4"
    assert str(succession.effective_date) == "2025-07-01"


def test_split_old_commune_has_exactly_one_main_successor():
    split = CommuneSuccession.objects.filter(is_split=True)
    assert split.exists()
    for legacy_id in split.values_list("legacy_commune_id", flat=True).distinct()[:50]:
        assert split.filter(legacy_commune_id=legacy_id, is_default=True).count() == 1


def test_island_districts_without_communes_became_special_zones():
    con_dao = LegacyDistrict.objects.get(name="Huyện Côn Đảo")
    assert con_dao.successor.name == "Đặc khu Côn Đảo"
    assert LegacyDistrict.objects.filter(successor__isnull=False).count() == 5


def test_loading_twice_changes_nothing_and_records_disagreements():
    before = CommuneSuccession.objects.count()
    summary = load_units()
    assert CommuneSuccession.objects.count() == before
    assert summary.communes == 3321
    assert SourceDisagreement.objects.count() == len(summary.disagreements) > 0
