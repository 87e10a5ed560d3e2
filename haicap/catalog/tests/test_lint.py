"""The linter: one broken definition per rule, each found with its code and YAML line."""

from types import SimpleNamespace

import pytest

from haicap.catalog.lint import check_catalog
from haicap.catalog.sources import read_text
from haicap.catalog.tests.test_spec import BIRTH, CERTIFIED_COPY, line_of


def lint(*texts: str, offices=None):
    specs = []
    for index, text in enumerate(texts):
        located, findings = read_text(text, f"file{index}.yaml")
        assert findings == [], findings
        specs.append(located)
    return check_catalog(specs, offices=offices)


def only(findings, code):
    found = [finding for finding in findings if finding.code == code]
    assert found, f"{code} not found in {findings}"
    return found


def test_shipped_examples_of_the_format_are_clean():
    assert lint(BIRTH, CERTIFIED_COPY) == []


def test_cat010_form_field_used_by_no_step_nor_document_is_a_warning():
    text = BIRTH.replace("      uses_fields: [child_full_name, mother_national_id, phone]\n",
                         "      uses_fields: [child_full_name, mother_national_id]\n")
    [finding] = lint(text)
    assert (finding.code, finding.severity, finding.line) == (
        "CAT010", "warning", line_of(text, "      phone: {type"))
    assert finding.path == "form.schema.properties.phone"


def test_cat011_required_document_without_form_field():
    text = CERTIFIED_COPY.replace("    form_field: original_document\n", "")
    findings = only(lint(text), "CAT011")
    assert [(f.severity, f.line) for f in findings] == [
        ("error", line_of(text, "  - key: original_document"))]


def test_cat011_document_form_field_not_in_the_schema():
    text = CERTIFIED_COPY.replace("    form_field: original_document\n",
                                  "    form_field: original_paper\n")
    [finding] = only(lint(text), "CAT011")
    assert finding.line == line_of(text, "form_field: original_paper")


def test_cat012_layout_or_step_naming_a_field_not_in_the_form():
    text = BIRTH.replace("fields: [child_full_name, child_birth_date]",
                         "fields: [child_full_name, child_birth_day]")
    text = text.replace("      uses_fields: [child_birth_date]\n",
                        "      uses_fields: [child_birth_date, father_name]\n")
    findings = only(lint(text), "CAT012")
    assert [f.line for f in findings] == [line_of(text, "child_birth_day]"),
                                          line_of(text, "father_name]")]


def test_cat020_step_shares_not_adding_up_to_the_statutory_deadline():
    text = BIRTH.replace("      share: 0.4\n", "      share: 0.5\n")
    [finding] = lint(text)
    assert (finding.code, finding.severity, finding.line) == (
        "CAT020", "error", line_of(text, "  steps:"))
    assert "1.100" in finding.message


def test_cat020_tolerates_rounding_within_a_thousandth():
    text = BIRTH.replace("      share: 0.4\n", "      share: 0.4005\n")
    assert lint(text) == []


def test_cat030_no_fees_and_no_free_reason():
    text = CERTIFIED_COPY.replace(CERTIFIED_COPY[CERTIFIED_COPY.index("fees:"):
                                                 CERTIFIED_COPY.index("documents:")], "fees: []\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT030", line_of(text, "fees: []"))
    assert lint(text.replace("fees: []\n", "fees: []\nfree_reason: Miễn phí theo luật\n")) == []


@pytest.mark.parametrize(("old", "new", "at"), [
    ("    tiers:\n      - {from_page: 1, amount: 2000}\n      - {from_page: 3, amount: 1000}\n",
     "", "rule: per_page_tiers"),                                        # tiers missing
    ("{from_page: 1, amount: 2000}", "{from_page: 2, amount: 2000}", "from_page: 2"),
    ("{from_page: 3, amount: 1000}", "{from_page: 1, amount: 1000}", "from_page: 1, amount: 1000"),
    ("{from_page: 3, amount: 1000}", "{from_page: 3, amount: -1000}", "amount: -1000"),
    ("cap_per_copy: 200000", "cap_per_copy: 1500", "cap_per_copy: 1500"),
    ("rule: per_page_tiers", "rule: fixed", "    tiers:"),                # fixed with tiers
    ("    cap_per_copy: 200000\n", "    cap_per_copy: 200000\n    online_discount_percent: 120\n",
     "online_discount_percent: 120"),
])
def test_cat031_fee_inconsistent_with_its_rule(old, new, at):
    text = CERTIFIED_COPY.replace(old, new)
    assert text != CERTIFIED_COPY
    findings = only(lint(text), "CAT031")
    assert line_of(text, at) in [finding.line for finding in findings]
    assert all(finding.severity == "error" for finding in findings)


def test_cat032_online_amount_on_per_page_tiers():
    text = CERTIFIED_COPY.replace("    cap_per_copy: 200000\n",
                                  "    cap_per_copy: 200000\n    online_amount: 1000\n")
    [finding] = lint(text)
    assert (finding.code, finding.severity, finding.line) == (
        "CAT032", "error", line_of(text, "online_amount: 1000"))


@pytest.mark.parametrize(("online", "problem"), [
    ("    online_amount: 7000\n    online_discount_percent: 53\n", "không ghi cả hai"),
    ("    online_amount: 20000\n", "cao hơn amount"),
])
def test_cat032_online_amount_with_a_percentage_too_or_above_the_amount(online, problem):
    text = BIRTH.replace("    amount: 0\n", "    amount: 15000\n" + online)
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT032", line_of(text, "online_amount:"))
    assert problem in finding.message


def test_online_amount_below_the_amount_is_clean():
    assert lint(BIRTH.replace("    amount: 0\n", "    amount: 15000\n    online_amount: 7000\n")) \
        == []


def test_cat031_negative_online_amount():
    text = BIRTH.replace("    amount: 0\n", "    amount: 15000\n    online_amount: -1\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT031", line_of(text, "online_amount: -1"))


def test_conditional_fee_is_clean():
    text = BIRTH.replace("    amount: 0\n",
                         "    amount: 5000\n    applies_when: late_registration\n")
    assert lint(text) == []


def test_cat040_full_online_requires_an_original_paper_document_not_fetched():
    text = BIRTH.replace("    fetch_from: population\n", "")
    [finding] = only(lint(text), "CAT040")
    assert (finding.code, finding.line) == ("CAT040", line_of(text, "copy: original"))


def test_cat041_full_online_with_an_in_person_step():
    text = BIRTH.replace("      share: 0.4\n", "      share: 0.4\n      in_person: true\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT041", line_of(text, "in_person: true"))


def test_cat042_full_online_without_the_online_channel():
    text = BIRTH.replace("channels: [in_person, online, post]", "channels: [in_person, post]")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT042", line_of(text, "channels:"))


def test_cat050_unreachable_step():
    text = BIRTH.replace("      next: [appraise]\n", "      next: [sign]\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT050", line_of(text, "  - key: appraise"))


def test_cat051_next_to_an_unknown_step():
    text = BIRTH.replace("      next: [return]\n", "      next: [return, archive]\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT051", line_of(text, "next: [return, archive]"))
    assert finding.path == "workflow.steps[2].next[1]"


def test_cat052_step_with_no_role():
    text = BIRTH.replace("      role: specialist\n", "")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT052", line_of(text, "  - key: appraise"))


def test_cat053_workflow_without_a_return_step():
    text = BIRTH.replace("      kind: return\n", "      kind: check\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT053", line_of(text, "  steps:"))


def test_cat060_level_without_an_office_of_that_kind_in_the_province():
    text = CERTIFIED_COPY.replace("\nlevel: commune\n", "\nlevel: province_department\n")
    text = text.replace("executing_unit: commune_people_committee",
                        "executing_unit: department_justice")
    communes_only = [SimpleNamespace(kind="commune")]
    findings = only(lint(text, offices=communes_only), "CAT060")
    assert {(f.severity, f.line) for f in findings} == {
        ("warning", line_of(text, "level: province_department")),
        ("warning", line_of(text, "executing_unit: department_justice"))}
    assert lint(text, offices=[*communes_only, SimpleNamespace(kind="department")]) == []
    assert lint(text) == []   # no offices given: the rule is not run


def test_cat070_duplicated_codes():
    findings = lint(BIRTH, BIRTH)
    assert [(f.code, f.file, f.line) for f in findings] == [("CAT070", "file1.yaml", 1)]


def test_cat071_linked_procedure_missing():
    text = BIRTH.replace("example:\n", 'linked_procedures: ["1.004222"]\nexample:\n')
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT071", line_of(text, "linked_procedures"))
    assert lint(text, CERTIFIED_COPY.replace('"2.000815"', '"1.004222"')) == []


def test_cat071_handoff_to_a_missing_procedure():
    text = BIRTH.replace(
        "      actions: [return_result]\n",
        "      actions: [return_result]\n      next: [residence]\n"
        "    - key: residence\n      kind: handoff\n      procedure: \"1.004222\"\n")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT071", line_of(text, 'procedure: "1.004222"'))


def test_cat080_example_that_does_not_validate_against_the_form():
    text = BIRTH.replace('phone: "0905123456"', 'phone: "12345"')
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT080", line_of(text, 'phone: "12345"'))
    assert finding.path == "example.form.phone"


def test_cat080_example_missing_a_required_field():
    text = BIRTH.replace("    child_full_name: Nguyễn Văn Bình\n", "")
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT080", line_of(text, "  form:\n    child_birth"))


def test_cat080_file_field_in_the_example_form_is_an_error():
    text = BIRTH.replace('    phone: "0905123456"\n',
                         '    phone: "0905123456"\n    declaration: to-khai.pdf\n')
    [finding] = lint(text)
    assert (finding.code, finding.line) == ("CAT080", line_of(text, "declaration: to-khai.pdf"))
    assert finding.path == "example.form.declaration"
    assert "documents" in finding.message


def test_cat081_example_lacking_the_file_of_a_required_document():
    text = BIRTH.replace(
        "    declaration: {filename: to-khai.pdf, content_type: application/pdf, pages: 1}\n", "")
    [finding] = lint(text.replace("  documents:\n", "  documents: {}\n"))
    assert (finding.code, finding.line) == ("CAT081", line_of(text, "  - key: declaration"))


def test_cat081_example_document_under_a_field_that_is_not_a_file_field():
    text = BIRTH.replace(
        "    declaration: {filename: to-khai.pdf, content_type: application/pdf, pages: 1}\n",
        "    declaration: {filename: to-khai.pdf, content_type: application/pdf, pages: 1}\n"
        "    birth_paper: {filename: giay-chung-sinh.pdf, content_type: application/pdf}\n"
        "    phone: {filename: so-dien-thoai.pdf, content_type: application/pdf}\n")
    findings = lint(text)
    assert sorted((f.code, f.line, f.path) for f in findings) == sorted([
        ("CAT081", line_of(text, "birth_paper:"), "example.documents.birth_paper"),
        ("CAT081", line_of(text, "phone: {filename"), "example.documents.phone")])


def test_cat081_example_file_the_eform_refuses():
    text = BIRTH.replace("content_type: application/pdf, pages: 1}",
                         "content_type: application/x-msdownload, pages: 1}")
    [finding] = lint(text)
    assert (finding.code, finding.path) == ("CAT081", "example.documents.declaration")


def test_cat081_data_document_needs_no_example_file():
    # The tờ khai is the e-form itself: a required document carried by a data field.
    text = BIRTH.replace("    form_field: declaration\n", "    form_field: child_full_name\n")
    text = text.replace("      declaration: {type: string, format: file, title: Tờ khai}\n", "")
    text = text.replace(", phone, declaration]}", ", phone]}")
    text = text.replace(
        "  documents:\n"
        "    declaration: {filename: to-khai.pdf, content_type: application/pdf, pages: 1}\n",
        "")
    assert "declaration: {" not in text
    assert lint(text) == []


def test_findings_read_file_line_code_severity_message():
    text = BIRTH.replace("      role: specialist\n", "")
    [finding] = lint(text)
    assert str(finding).startswith(f"file0.yaml:{finding.line}: CAT052 error ")
