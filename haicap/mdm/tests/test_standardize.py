"""Standardization of mapped person records: one form per field, every change recorded."""

import unicodedata
from datetime import date

import pyarrow as pa
import pytest

from haicap.mdm.standardize import (
    RAW_COLUMNS,
    RECORD_SCHEMA,
    RULES,
    place_tone,
    read_date,
    read_gender,
    read_name,
    standardize,
    standardize_row,
)
from haicap.units.address import UNRESOLVED, AddressResult

TODAY = date(2026, 11, 26)


def _unresolved(texts):
    return [AddressResult(input=text, status=UNRESOLVED) for text in texts]


def _raw(*rows: dict) -> pa.Table:
    return pa.table({name: pa.array([row.get(name) for row in rows], pa.string())
                     for name in RAW_COLUMNS})


def _run(*rows: dict, resolve=_unresolved):
    return standardize(_raw(*rows), resolve_addresses=resolve, today=TODAY)


def _fixes(result, key: str, field: str) -> set[str]:
    return {fix["rule"] for fix in result.fixes.to_pylist()
            if fix["record_key"] == key and fix["field"] == field}


# -- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "styled"), [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("HOÀ", "HÒA"),
    ("hòan", "hoàn"), ("qúy", "quý"), ("gìa", "già"),
    ("hòa", "hòa"), ("thuở", "thuở"), ("người", "người"), ("quyết", "quyết"), ("khuỷu", "khuỷu"),
])
def test_tone_mark_goes_on_the_first_vowel_of_open_oa_oe_uy(written, styled):
    assert place_tone(written) == styled


def test_name_is_title_cased_split_and_folded():
    reading = read_name("  nguyễn  thị THU  thuỷ ")
    assert (reading.name, reading.family, reading.middle, reading.given) == (
        "Nguyễn Thị Thu Thủy", "Nguyễn", "Thị Thu", "Thủy")
    assert (reading.folded, reading.family_folded, reading.given_folded) == (
        "nguyen thi thu thuy", "nguyen", "thuy")
    assert set(reading.rules) == {"whitespace", "tone_style", "name_case"}


def test_folded_name_turns_d_with_stroke_into_d():
    assert read_name("Đặng Đình Đức").folded == "dang dinh duc"


def test_decomposed_name_is_put_in_nfc():
    reading = read_name("Nguye\u0302\u0303n An")
    assert (reading.name, reading.rules) == ("Nguyễn An", ("nfc",))


def test_legacy_font_name_is_converted():
    assert read_name("NguyÔn V¨n An").rules == ("legacy_tcvn3",)
    assert read_name("Nguyeãn Vaên An").name == "Nguyễn Văn An"


def test_a_name_that_reads_in_two_legacy_encodings_takes_the_one_the_other_names_are_in():
    result = _run({"record_key": "A:1", "full_name": "Nguyeãn Vaên An"},
                  {"record_key": "A:2", "full_name": "Traàn Thò Leä"},
                  {"record_key": "A:3", "full_name": "Löu Thò Linh"})
    assert result.records.column("full_name").to_pylist()[2] == "Lưu Thị Linh"


def test_digits_and_symbols_are_removed_from_a_name():
    reading = read_name("Trần Văn B.2")
    assert (reading.name, reading.rules) == ("Trần Văn B", ("name_characters",))


def test_ethnic_minority_name_keeps_its_apostrophe():
    assert read_name("h'hen niê").name == "H'Hen Niê"


def test_one_word_name_is_the_given_name():
    reading = read_name("Xuân")
    assert (reading.family, reading.given) == (None, "Xuân")


def test_name_given_in_parts_is_split_again_from_the_first_and_last_word():
    result = _run({"record_key": "A:1", "family_name": "Trần Thị", "given_name": "Thủy"})
    record = result.records.to_pylist()[0]
    assert (record["family_name"], record["middle_name"], record["given_name"]) == (
        "Trần", "Thị", "Thủy")
    assert _fixes(result, "A:1", "full_name") == {"name_split"}


# -- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "03/07/1985", "3/7/1985", "1985-07-03", "03.07.1985", "03-07-1985", "19850703", "03071985",
    "03-JUL-85", "Jul 3, 1985", "ngày 3 tháng 7 năm 1985", "1985-07-03 00:00:00", "31231",
])
def test_common_date_formats_read_as_the_same_day(written):
    assert read_date(written, TODAY).value == date(1985, 7, 3)


def test_ambiguous_day_and_month_read_day_first():
    assert read_date("05/06/1990", TODAY).value == date(1990, 6, 5)


def test_impossible_day_first_date_is_read_month_first_and_recorded():
    reading = read_date("07/23/1985", TODAY)
    assert (reading.value, reading.rules) == (date(1985, 7, 23), ("date_day_month_swapped",))


def test_two_digit_year_is_within_the_last_hundred_years():
    assert read_date("1/2/26", TODAY).value == date(2026, 2, 1)
    assert read_date("1/2/27", TODAY).value == date(1927, 2, 1)
    assert "date_two_digit_year" in read_date("1/2/27", TODAY).rules


def test_bare_year_gives_the_birth_year_only():
    reading = read_date("1985", TODAY)
    assert (reading.value, reading.year, reading.rules) == (None, 1985, ("date_year_only",))


@pytest.mark.parametrize(("written", "rule"), [
    ("30/02/1985", "date_invalid"), ("không rõ", "date_invalid"),
    ("2030-01-01", "date_out_of_range"), ("1850", "date_out_of_range"),
])
def test_unreadable_date_is_null_with_a_reason(written, rule):
    reading = read_date(written, TODAY)
    assert reading.value is None and reading.rules[-1] == rule


# -- gender ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "gender", "rules"), [
    ("Nam", "male", ()), ("NỮ", "female", ()), ("female", "female", ()),
    ("nu", "female", ("gender_code",)), ("M", "male", ("gender_code",)),
    ("1", "male", ("gender_code",)), ("0", "female", ("gender_code",)),
    ("Bà", "female", ("gender_code",)), ("x", None, ("gender_invalid",)),
])
def test_gender_codes(written, gender, rules):
    reading = read_gender(written)
    assert (reading.value, reading.rules) == (gender, rules)


# -- the table -------------------------------------------------------------------------------------

ROW = {"record_key": "A:1", "source": "A", "full_name": "NGUYỄN VĂN HOÀ",
       "birth_date": "03/07/1985", "gender": "Nam", "national_id": "048 085 000 111",
       "phone": "0168 123 4567", "address": "Thôn 3, Xã Hòa Tiến", "father_name": "Nguyeãn Vaên Ba",
       "mother_name": "Lê Thị Lan", "household_ref": " HK-7 ", "updated_at": "2024-01-02 10:11:12"}


def test_standardized_record_has_the_contract_columns_and_types():
    result = _run(ROW)
    assert result.records.schema == RECORD_SCHEMA
    record = result.records.to_pylist()[0]
    assert record == {
        "record_key": "A:1", "source": "A", "full_name": "Nguyễn Văn Hòa",
        "family_name": "Nguyễn", "middle_name": "Văn", "given_name": "Hòa",
        "name_folded": "nguyen van hoa", "family_folded": "nguyen", "given_folded": "hoa",
        "birth_date": date(1985, 7, 3), "birth_year": 1985, "gender": "male",
        "national_id": "048085000111", "old_id_number": None, "phone": "0381234567",
        "address": "Thôn 3, Xã Hòa Tiến", "commune_code": None, "province_code": None,
        "father_name": "Nguyễn Văn Ba", "mother_name": "Lê Thị Lan",
        "father_folded": "nguyen van ba", "mother_folded": "le thi lan",
        "household_ref": "HK-7", "updated_at": date(2024, 1, 2)}


def test_every_change_is_recorded_per_field_with_its_rule():
    result = _run(ROW)
    assert _fixes(result, "A:1", "full_name") == {"tone_style", "name_case"}
    assert _fixes(result, "A:1", "phone") == {"phone_old_prefix"}
    assert _fixes(result, "A:1", "father_name") == {"legacy_vni"}
    assert _fixes(result, "A:1", "address") == {"address_unresolved"}
    fix = next(fix for fix in result.fixes.to_pylist() if fix["field"] == "phone")
    assert (fix["before"], fix["after"]) == ("0168 123 4567", "0381234567")
    assert all(rule in RULES for rule in result.fixes.column("rule").to_pylist())


def test_invalid_cccd_is_dropped_and_cmnd_kept_apart():
    result = _run({"record_key": "A:1", "national_id": "003085000111"},
                  {"record_key": "A:2", "national_id": "201234567"})
    first, second = result.records.to_pylist()
    assert first["national_id"] is None and _fixes(result, "A:1", "national_id") == {
        "cccd_invalid"}
    assert (second["national_id"], second["old_id_number"]) == (None, "201234567")


def test_cccd_disagreeing_with_birth_year_is_kept_and_flagged():
    result = _run({"record_key": "A:1", "national_id": "048085000111", "birth_date": "1990",
                   "gender": "Nữ"})
    assert result.records.to_pylist()[0]["national_id"] == "048085000111"
    assert _fixes(result, "A:1", "national_id") == {"cccd_gender_century", "cccd_birth_year"}


def test_missing_birth_year_and_gender_are_taken_from_the_cccd():
    result = _run({"record_key": "A:1", "national_id": "048185000111"})
    record = result.records.to_pylist()[0]
    assert (record["birth_year"], record["gender"], record["birth_date"]) == (1985, "female",
                                                                              None)
    assert _fixes(result, "A:1", "birth_date") == {"birth_year_from_cccd"}
    assert _fixes(result, "A:1", "gender") == {"gender_from_cccd"}


def test_records_keep_the_order_of_the_raw_rows():
    keys = [f"A:{number}" for number in range(50, 0, -1)]
    result = _run(*({"record_key": key, "full_name": "An"} for key in keys))
    assert result.records.column("record_key").to_pylist() == keys


def test_problem_counts_per_field_and_rule():
    result = _run(ROW, {**ROW, "record_key": "A:2"})
    assert result.problems[("phone", "phone_old_prefix")] == 2


def test_addresses_are_resolved_once_per_distinct_text():
    calls = []

    def resolve(texts):
        calls.append(list(texts))
        return _unresolved(texts)

    _run(*({**ROW, "record_key": f"A:{n}", "address": "  Tổ 1,   Xã A "} for n in range(5)),
         resolve=resolve)
    assert sorted(text for call in calls for text in call) == ["Tổ 1, Xã A", "Xã A"]


def test_addresses_in_a_legacy_font_or_decomposed_or_with_odd_spaces_are_cleaned_first():
    from haicap.mdm.synth import vni_mojibake

    written = [vni_mojibake("Thôn 3, Xã Hòa Tiến"),
               unicodedata.normalize("NFD", "Thôn 3, Xã Hòa Tiến"),
               "Thôn 3,\u00a0 Xã Hòa\tTiến", "Thôn 3, Xã Hòa Tiến"]
    result = _run(*({**ROW, "record_key": f"A:{n}", "address": text}
                    for n, text in enumerate(written)))
    assert set(result.records.column("address").to_pylist()) == {"Thôn 3, Xã Hòa Tiến"}
    assert [_fixes(result, f"A:{n}", "address") for n in range(4)] == [
        {"legacy_vni", "address_unresolved"}, {"nfc", "address_unresolved"},
        {"whitespace", "address_unresolved"}, {"address_unresolved"}]


@pytest.mark.django_db
def test_old_address_resolves_to_the_new_commune_keeping_the_street():
    result = standardize(_raw({
        "record_key": "A:1",
        "address": "Số 5 thôn 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội"}))
    record = result.records.to_pylist()[0]
    assert (record["address"], record["commune_code"], record["province_code"]) == (
        "Số 5 thôn 3, Phường Hồng Hà, Thành phố Hà Nội", "00097", "01")
    assert _fixes(result, "A:1", "address") == {"address_units"}


@pytest.mark.django_db
def test_resolving_the_rest_of_an_address_once_gives_what_resolving_it_whole_gives():
    from haicap.units.address import normalize_addresses

    texts = ["Số 5 thôn 3, Phường Phúc Xá, Quận Ba Đình, Hà Nội",
             "Tổ 4, Xã Hòa Tiến, Huyện Hòa Vang, TP Đà Nẵng",
             "Xóm 2, Thôn 1, Xã Hòa Tiến, Huyện Hòa Vang, Đà Nẵng"]
    result = standardize(_raw(*({"record_key": str(n), "address": text}
                                for n, text in enumerate(texts))))
    whole = normalize_addresses(texts)
    assert result.records.column("address").to_pylist() == [item.new_address for item in whole]
    assert result.records.column("commune_code").to_pylist() == [item.commune.code
                                                                  for item in whole]


def test_preview_row_lists_its_fixes_with_messages():
    fixes = standardize_row({"full_name": "Nguyeãn Vaên An", "phone": "01681234567",
                             "national_id": "12345"}, resolve_addresses=_unresolved)
    by_rule = {fix.rule: fix for fix in fixes}
    assert set(by_rule) == {"legacy_vni", "phone_old_prefix", "cccd_invalid"}
    assert all(fix.is_problem and fix.message for fix in fixes)


PHONES = ["0905123456", "0905 123 456", "01681234567", "0168.123.4567", "+84 905 123 456",
          "905123456", "04 3825 1234", "02438251234", "12345", "01001234567",
          "+84 24 3825 1234", "+84 168 123 4567", "+84 1234", "+8490512345"]
IDS = ["048090000111", "048 090 000 111", "48090000111", "201234567", "20123456", "003090000111",
       "12345", "04809O000111"]


def test_bulk_phone_and_id_readings_agree_with_the_scalar_readers():
    from haicap.mdm.identifiers import read_national_id, read_phone

    rows = [{"record_key": f"P:{n}", "phone": phone} for n, phone in enumerate(PHONES)]
    rows += [{"record_key": f"I:{n}", "national_id": text} for n, text in enumerate(IDS)]
    result = _run(*rows)
    records = {record["record_key"]: record for record in result.records.to_pylist()}
    for n, phone in enumerate(PHONES):
        reading = read_phone(phone)
        assert records[f"P:{n}"]["phone"] == reading.phone
        assert _fixes(result, f"P:{n}", "phone") == set(reading.rules)
    for n, text in enumerate(IDS):
        reading = read_national_id(text)
        record = records[f"I:{n}"]
        assert (record["national_id"], record["old_id_number"]) == (reading.national_id,
                                                                    reading.old_id_number)
        assert _fixes(result, f"I:{n}", "national_id") == set(reading.rules)


@pytest.mark.parametrize("written", ["1985-07-03", "3/7/1985", "07/23/1985", "1985-7-3",
                                     "2030-01-01", "1899-12-31", "30/02/1985"])
def test_bulk_dates_agree_with_the_scalar_reader(written):
    result = _run({"record_key": "A:1", "birth_date": written})
    reading = read_date(written, TODAY)
    record = result.records.to_pylist()[0]
    assert (record["birth_date"], record["birth_year"]) == (reading.value, reading.year)
    assert _fixes(result, "A:1", "birth_date") == set(reading.rules)
