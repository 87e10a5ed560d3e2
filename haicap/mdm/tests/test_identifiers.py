"""CCCD and CMND numbers and phone numbers as old registers wrote them."""

import pytest

from haicap.mdm.identifiers import (
    OLD_AREA_CODES,
    OLD_MOBILE_PREFIXES,
    PhoneReading,
    check_national_id,
    read_national_id,
    read_phone,
)


def test_cccd_with_spaces_and_dots_is_read():
    reading = read_national_id("048.090 000-111")
    assert (reading.national_id, reading.rules) == ("048090000111", ())


def test_cccd_with_an_unknown_province_code_is_invalid():
    reading = read_national_id("003090000111")  # 003 is no province code
    assert (reading.national_id, reading.rules) == (None, ("cccd_invalid",))


def test_cccd_that_lost_its_leading_zero_in_a_spreadsheet_is_restored():
    reading = read_national_id("48090000111")
    assert (reading.national_id, reading.rules) == ("048090000111", ("cccd_leading_zero",))


@pytest.mark.parametrize("text", ["99809000011", "0480900001112", "04809O000111"])
def test_a_number_of_the_wrong_length_or_with_letters_is_invalid(text):
    assert read_national_id(text).rules == ("cccd_invalid",)


def test_old_nine_digit_cmnd_is_kept_as_the_old_id_number():
    reading = read_national_id("201 234 567")
    assert (reading.national_id, reading.old_id_number, reading.rules) == (
        None, "201234567", ("cmnd_kept",))


def test_cccd_consistent_with_birth_year_and_gender_passes():
    assert check_national_id("048190000111", birth_year=1990, gender="female").rules == ()
    assert check_national_id("048205000111", birth_year=2005, gender="male").rules == ()


def test_cccd_century_digit_must_fit_the_birth_year():
    # 0 = male born in the 1900s, but the record says 2005
    assert check_national_id("048005000111", birth_year=2005, gender="male").rules == (
        "cccd_gender_century",)


def test_cccd_gender_digit_must_fit_the_gender():
    assert check_national_id("048090000111", birth_year=1990, gender="female").rules == (
        "cccd_gender_century",)


def test_cccd_year_digits_must_fit_the_birth_year():
    assert check_national_id("048091000111", birth_year=1990).rules == ("cccd_birth_year",)


def test_cccd_gives_birth_year_and_gender():
    check = check_national_id("048385000111")
    assert (check.birth_year, check.gender) == (2085, "female")


@pytest.mark.parametrize(("old", "new"), [
    ("01681234567", "0381234567"), ("0168 123 4567", "0381234567"),
    ("01201234567", "0701234567"), ("01231234567", "0831234567"),
    ("01991234567", "0591234567"), ("+84 168 123 4567", "0381234567"),
])
def test_old_eleven_digit_mobile_prefix_becomes_ten_digits(old, new):
    reading = read_phone(old)
    assert reading.phone == new and "phone_old_prefix" in reading.rules


def test_every_old_mobile_prefix_maps_to_a_current_one():
    for old, new in OLD_MOBILE_PREFIXES.items():
        assert read_phone(old + "1234567").phone == new + "1234567"


@pytest.mark.parametrize(("old", "new"), [
    ("04 3825 1234", "02438251234"), ("0650.382.2123", "02743822123"),
    ("0511 3812345", "02363812345"), ("061 3822123", "02513822123"),
])
def test_old_landline_area_code_becomes_the_new_one(old, new):
    reading = read_phone(old)
    assert (reading.phone, reading.rules) == (new, ("phone_old_area_code",))


def test_every_new_area_code_is_a_current_landline_code():
    assert all(code.startswith("02") and len(code) in (3, 4) for code in OLD_AREA_CODES.values())


@pytest.mark.parametrize("number", ["0331234567", "0838221234"])
def test_a_number_that_reads_as_a_current_mobile_stays_one(number):
    # 033 was Quảng Ninh's area code and 08 Hồ Chí Minh City's; today both are mobile prefixes.
    assert read_phone(number) == PhoneReading(number)


@pytest.mark.parametrize(("text", "phone", "rule"), [
    ("+84 905 123 456", "0905123456", "phone_country_code"),
    ("84905123456", "0905123456", "phone_country_code"),
    ("905123456", "0905123456", "phone_leading_zero"),
])
def test_country_code_and_lost_leading_zero(text, phone, rule):
    reading = read_phone(text)
    assert (reading.phone, reading.rules) == (phone, (rule,))


@pytest.mark.parametrize("text", ["12345", "0905 12 34", "090512345678", "không có"])
def test_unreadable_phone_is_invalid(text):
    assert read_phone(text) == PhoneReading(rules=("phone_invalid",))
