"""Rules of the identifiers citizens type: CCCD structure and 10-digit phone numbers."""

from datetime import date

import pytest

from haicap.core.errors import InvalidInput
from haicap.core.validation import (
    CCCD_PROVINCE_CODES,
    normalize_phone,
    validate_national_id,
)


def test_cccd_of_a_woman_born_1990_in_da_nang_is_valid():
    assert validate_national_id("048190012345", date_of_birth=date(1990, 1, 2),
                                gender="female") == "048190012345"


def test_cccd_of_a_boy_born_2025_uses_century_digit_2():
    validate_national_id("049225000001", date_of_birth=date(2025, 8, 1), gender="male")


@pytest.mark.parametrize(("number", "code"), [
    ("04819001234", "invalid_national_id"),
    ("04819001234a", "invalid_national_id"),
    ("003190012345", "invalid_national_id_province"),
    ("048190012345x", "invalid_national_id"),
])
def test_malformed_cccd_is_refused_with_a_code(number, code):
    with pytest.raises(InvalidInput) as refused:
        validate_national_id(number)
    assert refused.value.code == code


def test_cccd_that_contradicts_birth_year_or_gender_is_refused():
    with pytest.raises(InvalidInput) as year:
        validate_national_id("048190012345", date_of_birth=date(1991, 1, 1))
    with pytest.raises(InvalidInput) as gender:
        validate_national_id("048190012345", gender="male")
    assert year.value.code == "national_id_birth_year_mismatch"
    assert gender.value.code == "national_id_gender_mismatch"


@pytest.mark.django_db
def test_cccd_province_codes_are_the_63_pre_merger_provinces():
    from haicap.units.models import LegacyProvince

    legacy = {f"{int(code):03d}" for code in LegacyProvince.objects.values_list("code", flat=True)}
    assert legacy == CCCD_PROVINCE_CODES


@pytest.mark.parametrize(("typed", "stored"), [
    ("0905 123 456", "0905123456"),
    ("+84905123456", "0905123456"),
    ("84-905-123-456", "0905123456"),
])
def test_phone_numbers_are_stored_in_10_digit_form(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["090512345", "0105123456", "09051234567", "abc"])
def test_malformed_phone_is_refused(typed):
    with pytest.raises(InvalidInput) as refused:
        normalize_phone(typed)
    assert refused.value.code == "invalid_phone"
