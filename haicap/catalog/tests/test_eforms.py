"""The e-form validator: one set of rules, Vietnamese field errors, for the portal and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from haicap.catalog.eforms import (
    MAX_FILE_BYTES,
    cleaned_summary,
    eform_sections,
    needs_multipart,
    validate_submission,
)

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "required": ["child_full_name", "child_birth_date"],
    "properties": {
        "child_full_name": {"type": "string", "title": "Họ, chữ đệm, tên của trẻ",
                            "maxLength": 100},
        "child_birth_date": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "mother_national_id": {"type": "string", "format": "cccd",
                               "title": "Số định danh của mẹ"},
        "phone": {"type": "string", "format": "phone", "title": "Số điện thoại"},
        "address": {"type": "string", "format": "address", "title": "Nơi cư trú"},
        "declaration": {"type": "string", "format": "file", "title": "Tờ khai"},
    },
}
LAYOUT = [
    {"section": "Thông tin của trẻ", "fields": ["child_full_name", "child_birth_date"]},
    {"section": "Người yêu cầu", "fields": ["mother_national_id", "phone", "address",
                                            "declaration"]},
]
VALID_FORM = {"child_full_name": "Nguyễn Văn An", "child_birth_date": "05/09/2025"}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def schema_with(**properties):
    return {"type": "object", "properties": properties,
            "required": [name for name, spec in properties.items() if spec.pop("req", False)]}


def errors_of(schema, data, **kwargs):
    return validate_submission(schema, data, **kwargs)[1]


def test_date_in_dd_mm_yyyy_is_accepted_and_stored_iso():
    cleaned, errors = validate_submission(SCHEMA, VALID_FORM)
    assert errors == {}
    assert cleaned == {"child_full_name": "Nguyễn Văn An", "child_birth_date": "2025-09-05"}


def test_date_in_the_api_is_iso_and_dd_mm_yyyy_is_refused_there():
    cleaned, errors = validate_submission(
        SCHEMA, {"child_full_name": "An", "child_birth_date": "2025-09-05"}, source="api")
    assert errors == {} and cleaned["child_birth_date"] == "2025-09-05"
    errors = errors_of(SCHEMA, {"child_full_name": "An", "child_birth_date": "05/09/2025"},
                       source="api")
    assert errors["child_birth_date"][0]["code"] == "invalid_date"
    assert "yyyy-mm-dd" in errors["child_birth_date"][0]["message"]


def test_date_that_does_not_exist_is_a_field_error_in_vietnamese():
    errors = errors_of(SCHEMA, {**VALID_FORM, "child_birth_date": "31/02/2025"})
    assert errors["child_birth_date"] == [{"code": "invalid_date",
                                           "message": "Ngày này không tồn tại."}]
    errors = errors_of(SCHEMA, {**VALID_FORM, "child_birth_date": "2025/09/05x"})
    assert "ngày/tháng/năm" in errors["child_birth_date"][0]["message"]


def test_required_field_left_empty_is_a_field_error_in_vietnamese():
    errors = errors_of(SCHEMA, {"child_full_name": "   "})
    assert errors["child_full_name"] == [{"code": "required",
                                          "message": "Mục này là bắt buộc."}]
    assert errors["child_birth_date"][0]["code"] == "required"


def test_optional_fields_left_empty_are_left_out():
    cleaned, errors = validate_submission(SCHEMA, {**VALID_FORM, "phone": "", "address": ""})
    assert errors == {} and "phone" not in cleaned and "address" not in cleaned


def test_cccd_with_invalid_province_code_is_a_field_error_in_vietnamese():
    errors = errors_of(SCHEMA, {**VALID_FORM, "mother_national_id": "999190123456"})
    assert errors["mother_national_id"] == [{
        "code": "invalid_national_id_province",
        "message": "Ba chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh hợp lệ."}]


def test_cccd_must_have_12_digits_and_spaces_are_ignored():
    errors = errors_of(SCHEMA, {**VALID_FORM, "mother_national_id": "04819012345"})
    assert errors["mother_national_id"][0]["code"] == "invalid_national_id"
    assert "12 chữ số" in errors["mother_national_id"][0]["message"]
    cleaned, errors = validate_submission(SCHEMA, {**VALID_FORM,
                                                   "mother_national_id": "048 190 123 456"})
    assert errors == {} and cleaned["mother_national_id"] == "048190123456"


def test_phone_is_stored_in_the_10_digit_form():
    cleaned, errors = validate_submission(SCHEMA, {**VALID_FORM, "phone": "+84 912 345 678"})
    assert errors == {} and cleaned["phone"] == "0912345678"


def test_phone_with_wrong_digits_is_a_field_error_in_vietnamese():
    errors = errors_of(SCHEMA, {**VALID_FORM, "phone": "012345"})
    assert errors["phone"][0]["code"] == "invalid_phone"
    assert "10 chữ số" in errors["phone"][0]["message"]


def test_resolved_address_is_stored_structured():
    cleaned, errors = validate_submission(
        SCHEMA, {**VALID_FORM, "address": "12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội"})
    assert errors == {}
    address = cleaned["address"]
    assert address["commune_name"] == "Phường Hoàn Kiếm"
    assert address["province_name"] == "Thành phố Hà Nội"
    assert address["commune_code"] and address["province_code"] == "01"
    assert address["street"] == "12 Hàng Bạc"
    assert address["text"] == "12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"


def test_ambiguous_address_lists_candidates():
    errors = errors_of(SCHEMA, {**VALID_FORM, "address": "Phường 1, TP Hồ Chí Minh"})
    error = errors["address"][0]
    assert error["code"] == "address_ambiguous"
    assert len(error["candidates"]) >= 2
    for candidate in error["candidates"][:4]:
        assert candidate["commune_name"] in error["message"]
    for candidate in error["candidates"]:
        assert candidate["province_name"] == "Thành phố Hồ Chí Minh"


def test_choosing_a_candidate_of_an_ambiguous_address_resolves_it():
    error = errors_of(SCHEMA, {**VALID_FORM, "address": "Phường 1, TP Hồ Chí Minh"})["address"][0]
    chosen = error["candidates"][0]
    cleaned, errors = validate_submission(SCHEMA, {
        **VALID_FORM, "address": "Phường 1, TP Hồ Chí Minh",
        "address__candidate": chosen["address"]})
    assert errors == {}
    assert cleaned["address"]["commune_code"] == chosen["commune_code"]


def test_unresolved_address_is_a_field_error():
    errors = errors_of(SCHEMA, {**VALID_FORM, "address": "xyzzy qwerty"})
    assert errors["address"][0]["code"] == "address_unresolved"
    assert errors["address"][0]["message"].startswith("Không nhận ra địa chỉ này.")


def test_text_longer_than_max_length_is_a_field_error():
    errors = errors_of(SCHEMA, {**VALID_FORM, "child_full_name": "A" * 101})
    assert errors["child_full_name"][0]["code"] == "too_long"
    assert "100" in errors["child_full_name"][0]["message"]


def test_text_shorter_than_min_length_is_a_field_error():
    schema = schema_with(name={"type": "string", "minLength": 3})
    assert errors_of(schema, {"name": "ab"})["name"][0]["code"] == "too_short"
    assert errors_of(schema, {"name": "abc"}) == {}


def test_enum_accepts_only_the_offered_options():
    schema = schema_with(gender={"type": "string", "enum": ["male", "female"], "req": True})
    assert validate_submission(schema, {"gender": "female"}) == ({"gender": "female"}, {})
    assert errors_of(schema, {"gender": "other"})["gender"][0]["code"] == "invalid_choice"


def test_labelled_choices_render_as_a_select_with_their_titles():
    schema = schema_with(relation={"type": "string", "oneOf": [
        {"const": "mother", "title": "Mẹ"}, {"const": "father", "title": "Cha"}]})
    field = eform_sections(schema, [], data={"relation": "father"})[0].fields[0]
    assert field.field.widget == "select"
    assert [(choice.label, selected) for choice, selected in field.options] == \
        [("Mẹ", False), ("Cha", True)]
    assert cleaned_summary(schema, {"relation": "father"}) == [("relation", "Cha")]


def test_integer_within_minimum_and_maximum():
    schema = schema_with(copies={"type": "integer", "minimum": 1, "maximum": 10, "req": True})
    assert validate_submission(schema, {"copies": " 3 "}) == ({"copies": 3}, {})
    assert errors_of(schema, {"copies": "0"})["copies"][0]["code"] == "out_of_range"
    assert "10" in errors_of(schema, {"copies": "11"})["copies"][0]["message"]
    assert errors_of(schema, {"copies": "2,5"})["copies"][0]["code"] == "invalid_number"
    assert errors_of(schema, {"copies": "3"}, source="api")["copies"][0]["code"] == \
        "invalid_type"
    assert validate_submission(schema, {"copies": 3}, source="api") == ({"copies": 3}, {})


def test_number_accepts_a_decimal_comma_and_grouped_thousands():
    schema = schema_with(area={"type": "number", "exclusiveMinimum": 0},
                         income={"type": "integer"})
    cleaned, errors = validate_submission(schema, {"area": "72,5", "income": "1.500.000"})
    assert errors == {} and cleaned == {"area": 72.5, "income": 1500000}
    assert errors_of(schema, {"area": "0"})["area"][0]["code"] == "out_of_range"


def test_boolean_checkbox_unticked_is_false_and_const_true_must_be_ticked():
    schema = schema_with(send_by_post={"type": "boolean"},
                         undertaking={"type": "boolean", "const": True, "req": True})
    cleaned, errors = validate_submission(schema, {"undertaking": "true"})
    assert errors == {} and cleaned == {"send_by_post": False, "undertaking": True}
    errors = errors_of(schema, {})
    assert errors["undertaking"][0]["code"] == "must_be_ticked"
    assert errors_of(schema, {"undertaking": "yes"}, source="api")["undertaking"][0]["code"] == \
        "invalid_type"


def test_array_of_choices_from_checkboxes():
    schema = schema_with(copies_of={"type": "array", "minItems": 1,
                                    "items": {"enum": ["birth", "marriage"]}})
    data = QueryDict(mutable=True)
    data.setlist("copies_of", ["birth", "marriage"])
    assert validate_submission(schema, data) == ({"copies_of": ["birth", "marriage"]}, {})
    data.setlist("copies_of", ["birth", "land"])
    assert errors_of(schema, data)["copies_of"][0]["code"] == "invalid_choice"


def test_file_field_required_type_and_size():
    schema = schema_with(declaration={"type": "string", "format": "file", "req": True})
    assert errors_of(schema, {})["declaration"][0]["code"] == "required"
    pdf = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    cleaned, errors = validate_submission(schema, {}, files={"declaration": pdf})
    assert errors == {}
    assert cleaned["declaration"] == {"filename": "to-khai.pdf",
                                      "content_type": "application/pdf", "size": len(PDF)}
    word = SimpleUploadedFile("to-khai.docx", b"PK\x03\x04", content_type="application/msword")
    assert errors_of(schema, {}, files={"declaration": word})["declaration"][0]["code"] == \
        "invalid_file_type"


def test_file_claiming_to_be_pdf_must_start_like_a_pdf():
    schema = schema_with(declaration={"type": "string", "format": "file"})
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00", content_type="application/pdf")
    assert errors_of(schema, {}, files={"declaration": fake})["declaration"][0]["code"] == \
        "invalid_file_type"


def test_file_larger_than_10_mb_is_refused():
    schema = schema_with(declaration={"type": "string", "format": "file"})
    big = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    big.size = MAX_FILE_BYTES + 1
    big.file = io.BytesIO(PDF)
    errors = errors_of(schema, {}, files={"declaration": big})
    assert errors["declaration"] == [{"code": "file_too_large",
                                      "message": "Tệp lớn hơn 10 MB."}]


def test_file_in_the_api_is_a_document_descriptor():
    schema = schema_with(declaration={"type": "string", "format": "file", "req": True})
    descriptor = {"filename": "to-khai.pdf", "content_type": "application/pdf", "pages": 2}
    cleaned, errors = validate_submission(schema, {}, source="api",
                                          files={"declaration": descriptor})
    assert errors == {} and cleaned["declaration"]["pages"] == 2
    bad = {"filename": "x.exe", "content_type": "application/x-msdownload"}
    errors = errors_of(schema, {}, source="api", files={"declaration": bad})
    assert errors["declaration"][0]["code"] == "invalid_file_type"


@pytest.mark.parametrize("in_form", ["to-khai.pdf", {"filename": "to-khai.pdf",
                                                     "content_type": "application/pdf"}])
def test_file_field_in_the_api_form_is_an_error_files_go_in_documents(in_form):
    schema = schema_with(declaration={"type": "string", "format": "file"})
    errors = errors_of(schema, {"declaration": in_form}, source="api")
    assert errors["declaration"][0]["code"] == "file_in_form"
    assert "documents" in errors["declaration"][0]["message"]


def test_document_under_a_data_field_or_an_unknown_name_is_an_error_in_the_api():
    schema = schema_with(declaration={"type": "string", "format": "file"},
                         note={"type": "string"})
    descriptor = {"filename": "a.pdf", "content_type": "application/pdf"}
    errors = errors_of(schema, {}, source="api", files={"note": descriptor, "decl": descriptor})
    assert errors["note"][0]["code"] == "unknown_document"
    assert errors["decl"][0]["code"] == "unknown_document"


def test_document_given_as_a_bare_filename_is_refused_in_the_api():
    schema = schema_with(declaration={"type": "string", "format": "file"})
    errors = errors_of(schema, {}, source="api", files={"declaration": "to-khai.pdf"})
    assert errors["declaration"][0]["code"] == "invalid_file"


def test_unknown_field_in_the_api_is_an_error_but_ignored_in_a_posted_form():
    data = {"child_full_name": "An", "child_birth_date": "2025-09-05", "nickname": "Bi"}
    assert errors_of(SCHEMA, data, source="api")["nickname"][0]["code"] == "unknown_field"
    assert errors_of(SCHEMA, {**VALID_FORM, "csrfmiddlewaretoken": "x"}) == {}


def test_wrong_json_type_is_a_field_error():
    errors = errors_of(SCHEMA, {"child_full_name": 12, "child_birth_date": "2025-09-05"},
                       source="api")
    assert errors["child_full_name"][0]["code"] == "invalid_type"


def test_sections_follow_the_layout_and_unplaced_fields_come_last():
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "email": {
        "type": "string", "format": "email", "title": "Email"}}}
    sections = eform_sections(schema, LAYOUT)
    assert [section.title for section in sections] == [
        "Thông tin của trẻ", "Người yêu cầu", "Thông tin khác"]
    assert [field.name for field in sections[2].fields] == ["email"]
    assert needs_multipart(SCHEMA)


def test_rendered_controls_carry_labels_hints_and_errors_for_assistive_technology():
    errors = {"phone": [{"code": "invalid_phone", "message": "Sai"}]}
    fields = {field.name: field for section in eform_sections(SCHEMA, LAYOUT,
                                                               data={"phone": "01"},
                                                               errors=errors)
              for field in section.fields}
    phone = str(fields["phone"].attrs)
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone
    assert 'aria-invalid="true"' in phone
    assert 'aria-describedby="f-phone-help f-phone-error"' in phone
    assert 'value="01"' in phone
    assert 'inputmode="numeric"' in str(fields["mother_national_id"].attrs)
    assert 'aria-required="true"' in str(fields["child_full_name"].attrs)
    assert 'placeholder="dd/mm/yyyy"' in str(fields["child_birth_date"].attrs)
    assert 'type="file"' in str(fields["declaration"].attrs)
    assert 'value="<' not in str(eform_sections(SCHEMA, LAYOUT, data={
        "child_full_name": '"><script>'})[0].fields[0].attrs)


def test_summary_shows_dates_as_dd_mm_yyyy():
    cleaned, _ = validate_submission(SCHEMA, VALID_FORM)
    assert ("Ngày sinh", "05/09/2025") in cleaned_summary(SCHEMA, cleaned)
