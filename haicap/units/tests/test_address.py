"""Free-text addresses resolve to the new commune, or say why they cannot."""

import pytest

from haicap.units.address import AMBIGUOUS, RESOLVED, UNRESOLVED, normalize_address

pytestmark = pytest.mark.django_db


def test_old_address_with_district_resolves_to_new_commune():
    result = normalize_address("12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội")
    assert result.status == RESOLVED
    assert (result.commune.code, result.province.code) == ("00070", "01")
    assert result.street == "12 Hàng Bạc"
    assert result.old_units.commune.name == "Phường Hàng Bạc"
    assert result.old_units.district.name == "Quận Hoàn Kiếm"
    assert result.confidence >= 0.9


def test_address_without_tone_marks_resolves():
    result = normalize_address("12 Hang Bac, P.Hang Bac, Q.Hoan Kiem, HN")
    assert result.status == RESOLVED
    assert result.commune.code == "00070"


def test_both_tone_mark_styles_resolve():
    old_style = normalize_address("Xã Hoà Phước, Huyện Hoà Vang, Đà Nẵng")
    new_style = normalize_address("Xã Hòa Phước, Huyện Hòa Vang, Đà Nẵng")
    assert old_style.status == new_style.status == RESOLVED
    assert old_style.commune == new_style.commune


def test_decomposed_unicode_resolves_like_precomposed():
    import unicodedata

    text = unicodedata.normalize("NFD", "Phường Hoàn Kiếm, Hà Nội")
    assert normalize_address(text).commune.code == "00070"


def test_new_address_resolves_by_current_name():
    result = normalize_address("Phường Hoàn Kiếm, Thành phố Hà Nội")
    assert result.status == RESOLVED
    assert result.candidates[0].reason == "current_name"


def test_old_quang_nam_addresses_resolve_to_new_da_nang():
    hoi_an = normalize_address("45 Trần Hưng Đạo, P. Minh An, TP. Hội An, Quảng Nam")
    assert hoi_an.status == RESOLVED
    assert hoi_an.province.code == "48"
    assert hoi_an.commune.name == "Phường Hội An"
    assert hoi_an.old_units.province.name == "Tỉnh Quảng Nam"
    tam_ky = normalize_address("P. An Mỹ, TP Tam Kỳ, Quảng Nam")
    assert (tam_ky.commune.name, tam_ky.province.code) == ("Phường Tam Kỳ", "48")


def test_numbered_wards_and_abbreviations_resolve():
    for text in ("Phường 1, Quận 3, TP.HCM", "P1, Q3, TPHCM", "P.01, Q.3, Sài Gòn",
                 "F1, Q3, HCM"):
        result = normalize_address(text)
        assert result.status == RESOLVED, text
        assert result.province.code == "79", text
        assert result.old_units.commune.name == "Phường 1", text


def test_address_without_commas_resolves():
    assert normalize_address("12 Hàng Bạc Hoàn Kiếm Hà Nội").commune.code == "00070"


def test_one_letter_typo_resolves_with_lower_confidence():
    result = normalize_address("Phường Hàng Bạcc, Quận Hoàn Kiếm, Hà Nội")
    assert result.status == RESOLVED
    assert result.commune.code == "00070"
    assert result.confidence < 1
    assert result.candidates[0].reason.startswith("similar_")


def test_split_commune_returns_both_successors_with_reason():
    from haicap.units.models import CommuneSuccession

    succession = (CommuneSuccession.objects.filter(is_split=True, is_default=True)
                  .select_related("legacy_commune__district__province").first())
    old = succession.legacy_commune
    text = f"{old.name}, {old.district.name}, {old.district.province.name}"
    result = normalize_address(text)
    assert result.status == AMBIGUOUS
    expected = set(CommuneSuccession.objects.filter(legacy_commune=old)
                   .values_list("commune_id", flat=True))
    assert {c.commune.code for c in result.candidates} >= expected
    assert result.candidates[0].commune.code == succession.commune_id
    assert {c.reason for c in result.candidates if c.commune.code in expected} == {"split"}


def test_ward_name_repeated_in_two_districts_without_district_is_ambiguous():
    # "Phường 1" existed in many districts of Hồ Chí Minh City, each going to a different ward.
    result = normalize_address("Phường 1, TP Hồ Chí Minh")
    assert result.status == AMBIGUOUS
    assert result.commune is None
    assert len(result.candidates) > 1
    assert result.candidates[0].score == result.candidates[1].score


def test_blank_and_nonsense_are_unresolved():
    assert normalize_address("").status == UNRESOLVED
    assert normalize_address("   ").status == UNRESOLVED
    assert normalize_address("xyz qwerty").status == UNRESOLVED


def test_island_district_resolves_to_its_special_zone():
    result = normalize_address("Huyện Côn Đảo, Bà Rịa - Vũng Tàu")
    assert result.status == RESOLVED
    assert result.commune.name == "Đặc khu Côn Đảo"


def test_result_as_dict_has_the_documented_keys():
    data = normalize_address("Phường Hoàn Kiếm, Hà Nội").as_dict()
    assert {"input", "status", "commune_code", "province_code", "confidence", "street",
            "old_units", "candidates"} <= set(data)
    assert (data["commune_code"], data["province_code"]) == ("00070", "01")


def test_ambiguous_result_names_no_old_commune_when_several_fit():
    result = normalize_address("Phường 1, TP Hồ Chí Minh")
    assert result.old_units.commune is None
    assert result.old_units.district is None
