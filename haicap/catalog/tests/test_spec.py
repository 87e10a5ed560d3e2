"""The typed definition: structure, types, locations, fee arithmetic, example validation."""

from pathlib import Path

import pytest

from haicap.catalog.sources import read_text
from haicap.catalog.spec import DeadlineUnit, Fee, FeeCondition, validate_example

GOOD = Path(__file__).parent / "fixtures" / "good"
CERTIFIED_COPY = (GOOD / "2.000815.yaml").read_text(encoding="utf-8")
BIRTH = (GOOD / "1.001193.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text[:start].count("\n") + 1


def certified_copy_fee() -> Fee:
    located, findings = read_text(CERTIFIED_COPY, "2.000815.yaml")
    assert findings == []
    return located.spec.fees[0]


@pytest.mark.parametrize(("pages", "expected"), [
    (1, 2_000), (2, 4_000), (3, 5_000), (10, 12_000), (198, 200_000), (500, 200_000),
])
def test_certified_copy_fee_is_2000_per_page_for_pages_1_2_then_1000_capped_at_200000(
        pages, expected):
    assert certified_copy_fee().amount_for(pages=pages, copies=1, online=False) == expected


def test_certified_copy_fee_counts_the_cap_per_copy():
    assert certified_copy_fee().amount_for(pages=300, copies=3) == 600_000
    assert certified_copy_fee().amount_for(pages=3, copies=2) == 10_000


def test_online_discount_comes_off_the_total_and_never_charges_a_fraction():
    fee = Fee.model_validate({"key": "f", "name": "Phí", "kind": "charge", "rule": "per_copy",
                              "amount": 15_005, "online_discount_percent": 50})
    assert fee.amount_for(copies=2, online=False) == 30_010
    assert fee.amount_for(copies=2, online=True) == 15_005
    assert fee.amount_for(copies=1, online=True) == 7_503


def test_fixed_fee_is_one_amount_per_dossier_whatever_the_copies():
    fee = Fee.model_validate({"key": "f", "name": "Lệ phí", "kind": "fee", "rule": "fixed",
                              "amount": 50_000})
    assert fee.amount_for(pages=9, copies=4) == 50_000


def test_valid_definitions_read_without_findings():
    for text, name in ((CERTIFIED_COPY, "2.000815.yaml"), (BIRTH, "1.001193.yaml")):
        located, findings = read_text(text, name)
        assert findings == []
        assert located.spec.definition()["code"] == name.removesuffix(".yaml")


def test_unknown_key_is_rejected_with_file_line_and_reason():
    text = BIRTH.replace("      share: 0.4\n", "      share: 0.4\n      colour: blue\n")
    located, findings = read_text(text, "1.001193.yaml")
    assert located is None
    [finding] = findings
    assert (finding.code, finding.file, finding.line) == ("CAT002", "1.001193.yaml",
                                                          line_of(text, "colour"))
    assert finding.path == "workflow.steps[1].colour"
    assert "colour" in str(finding) and finding.message


def test_wrong_type_is_rejected_at_its_line():
    text = CERTIFIED_COPY.replace("    count: 1\n", "    count: many\n")
    located, findings = read_text(text, "2.000815.yaml")
    assert located is None
    assert [(f.code, f.line, f.path) for f in findings] == [
        ("CAT002", line_of(text, "count: many"), "documents[0].count")]


def test_unquoted_code_read_as_a_number_is_a_wrong_type():
    text = CERTIFIED_COPY.replace('code: "2.000815"', "code: 2.000815")
    _located, findings = read_text(text, "2.000815.yaml")
    assert [(f.code, f.line, f.path) for f in findings] == [("CAT002", 1, "code")]


def test_unknown_enumeration_value_is_rejected():
    text = BIRTH.replace("      role: specialist\n", "      role: janitor\n")
    _located, findings = read_text(text, "1.001193.yaml")
    assert [(f.code, f.line, f.path) for f in findings] == [
        ("CAT002", line_of(text, "role: janitor"), "workflow.steps[1].role")]


def test_missing_key_points_at_its_parent():
    text = BIRTH.replace("  unit: same_day\n", "")
    _located, findings = read_text(text, "1.001193.yaml")
    assert [(f.code, f.line, f.path) for f in findings] == [
        ("CAT002", line_of(text, "deadline:"), "deadline.unit")]


def test_yaml_syntax_error_names_its_line():
    text = BIRTH.replace("level: commune", "level: [commune")
    located, findings = read_text(text, "1.001193.yaml")
    assert located is None
    assert findings[0].code == "CAT001"
    assert findings[0].line >= line_of(text, "level: [commune")


def test_key_written_twice_is_an_error_not_last_one_wins():
    text = BIRTH.replace("\nlevel: commune\n", "\nlevel: commune\nlevel: province_department\n")
    located, findings = read_text(text, "1.001193.yaml")
    assert located is None
    assert [(f.code, f.line) for f in findings] == [
        ("CAT001", line_of(text, "level: province_department"))]


def test_form_schema_must_be_a_json_schema_object():
    text = BIRTH.replace("    type: object\n", "    type: objekt\n", 1)
    _located, findings = read_text(text, "1.001193.yaml")
    assert [(f.code, f.path) for f in findings] == [("CAT002", "form.schema")]
    assert "JSON Schema" in findings[0].message


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "string", "format": "cccd"}}},
    {"type": "object", "properties": {"a": {"type": "strin"}}},
    {"type": "object", "properties": {"a": {"minLength": -1}}},
    {"type": "object", "required": "a"},
    {"type": "object", "properties": {"a": {"items": {"type": 3}}}},
    {"type": "object", "$defs": {"x": {"enum": []}}, "properties": {"a": {"$ref": "#/$defs/x"}}},
    {"type": "object", "properties": {"a": {"prefixItems": [{"type": "integer"}, 1]}}},
    {"type": "object", "properties": {"a": {"anyOf": []}}},
    {"type": "object", "dependentRequired": {"a": ["b", "b"]}},
    {"type": "object", "properties": {"a": {"definitions": {"b": {"type": "nothing"}}}}},
    {"type": "object", "properties": {"a": {"const": 1, "unevaluatedProperties": 5}}},
])
def test_fast_schema_check_agrees_with_draft_2020_12_check_schema(schema):
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    from haicap.catalog.spec import check_json_schema

    def verdict(check) -> bool:
        try:
            check(schema)
        except SchemaError:
            return False
        return True

    assert verdict(check_json_schema) == verdict(Draft202012Validator.check_schema)


def test_dates_in_yaml_stay_strings():
    located, _findings = read_text(BIRTH, "1.001193.yaml")
    assert located.spec.example.form["child_birth_date"] == "2025-07-01"


def test_validate_example_checks_cccd_phone_and_date_formats():
    located, _findings = read_text(BIRTH, "1.001193.yaml")
    schema = located.spec.form.form_schema
    assert validate_example(schema, located.spec.example.form) == []
    bad = {**located.spec.example.form, "mother_national_id": "999195001234",
           "phone": "12345", "child_birth_date": "31/02/2025"}
    paths = [path for path, _reason in validate_example(schema, bad)]
    assert paths == ["child_birth_date", "mother_national_id", "phone"]
    missing = {key: value for key, value in bad.items() if key != "child_full_name"}
    assert "child_full_name" in [path for path, _reason in validate_example(schema, missing)]


def test_spec_round_trips_through_its_definition():
    located, _findings = read_text(CERTIFIED_COPY, "2.000815.yaml")
    spec = located.spec
    assert type(spec).model_validate(spec.definition()) == spec


# -- exact online amounts and conditional fees -------------------------------------------------

SHIPPED = Path(__file__).resolve().parents[3] / "catalog" / "procedures"


def shipped(code: str):
    located, findings = read_text((SHIPPED / f"{code}.yaml").read_text(encoding="utf-8"),
                                  f"{code}.yaml")
    assert findings == []
    return located.spec


def fee(**fields) -> Fee:
    return Fee.model_validate({"key": "f", "name": "Lệ phí", "kind": "fee", **fields})


def test_online_amount_is_the_exact_online_price_not_a_rounded_percentage():
    temporary_residence = fee(rule="fixed", amount=15_000, online_amount=7_000)
    assert temporary_residence.amount_for(online=False) == 15_000
    assert temporary_residence.amount_for(online=True) == 7_000


def test_online_amount_of_a_per_copy_fee_is_per_copy():
    per_copy = fee(rule="per_copy", amount=8_000, online_amount=6_000)
    assert per_copy.amount_for(copies=3, online=True) == 18_000
    assert per_copy.amount_for(copies=3, online=False) == 24_000


@pytest.mark.parametrize(("code", "in_person", "online"), [
    ("1.004222", 20_000, 10_000),   # Thông tư 75/2022/TT-BTC: permanent residence
    ("1.004194", 15_000, 7_000),    # temporary residence
    ("1.002755", 15_000, 7_000),    # extension of temporary residence
    ("1.010038", 10_000, 5_000),    # household split
])
def test_residence_fees_online_are_the_exact_amounts_of_circular_75_2022(code, in_person, online):
    spec = shipped(code)
    assert spec.fee_for(online=False) == in_person
    assert spec.fee_for(online=True) == online


def test_birth_registration_on_time_costs_nothing():
    assert shipped("1.001193").fee_for() == 0
    assert shipped("1.001193").fee_for(copies=2, online=True) == 0


def test_late_birth_registration_costs_5000():
    assert shipped("1.001193").fee_for(conditions={FeeCondition.LATE_REGISTRATION}) == 5_000


def test_two_extract_copies_add_16000_to_birth_registration():
    spec = shipped("1.001193")
    copies = frozenset({FeeCondition.EXTRACT_COPY_REQUESTED})
    assert spec.fee_for(copies=2, conditions=copies) == 16_000
    assert spec.fee_for(copies=2, conditions=copies | {FeeCondition.LATE_REGISTRATION}) == 21_000


def test_late_death_registration_costs_5000_on_time_nothing():
    spec = shipped("1.000656")
    assert spec.fee_for() == 0
    assert spec.fee_for(conditions={"late_registration"}) == 5_000


def test_unknown_fee_condition_is_rejected():
    with pytest.raises(ValueError, match="applies_when"):
        fee(rule="fixed", amount=5_000, applies_when="full_moon")


def test_building_permit_deadline_is_15_calendar_days():
    deadline = shipped("1.009122").deadline
    assert (deadline.value, deadline.unit) == (15, DeadlineUnit.CALENDAR_DAYS)
