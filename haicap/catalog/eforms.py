"""E-forms: a procedure's JSON Schema and layout → accessible form fields, and one validator.

The portal (a posted HTML form) and the API (a JSON body) both call ``validate_submission``, so a
citizen and a partner app get the same rules and the same Vietnamese messages. The schema is the
catalogue's (docs/catalog-format.md): ``type: object`` whose properties are strings, integers,
numbers, booleans or arrays of choices, with the custom formats ``date`` (dd/mm/yyyy typed in the
UI, ISO in the API), ``cccd``, ``phone``, ``address``, ``email`` and ``file``.

Values are cleaned to JSON-ready data: dates as ISO strings, phones in the 10-digit form,
addresses as the structured result of the address normalizer, files as a small descriptor (the
dossier feature stores the bytes; this module only checks them).
"""

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms.utils import flatatt
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.catalog.spec import FILE_FORMAT
from haicap.core.errors import InvalidInput
from haicap.core.validation import normalize_phone, validate_national_id
from haicap.units.address import AMBIGUOUS, RESOLVED, normalize_address

FORM = "form"
API = "api"
FILE = FILE_FORMAT

MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")
FILE_SIGNATURES = {  # the first bytes of each accepted type: a renamed .exe is not a PDF
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
FILE_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg,.jpeg", "image/png": ".png"}
TEXTAREA_FROM_LENGTH = 300  # longer strings get a multi-line box
CANDIDATE_SUFFIX = "__candidate"  # the radio group offering an ambiguous address's candidates
NAMED_CANDIDATES = 4  # the message names this many; `candidates` carries them all
OTHER_SECTION = gettext_lazy("Other information")

_UI_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_GROUPED_INTEGER = re.compile(r"^-?\d{1,3}(\.\d{3})+$")  # "1.500.000" as Vietnamese write it


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: a stable code for machines, a message for people."""

    code: str
    message: str
    candidates: tuple[dict, ...] = ()

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.candidates:
            body["candidates"] = list(self.candidates)
        return body


class _Problem(Exception):
    def __init__(self, code: str, message: str, candidates: tuple[dict, ...] = ()):
        super().__init__(message)
        self.error = FieldError(code, message, candidates)


@dataclass(frozen=True, slots=True)
class Choice:
    value: object
    label: str

    @property
    def key(self) -> str:
        """The value as an HTML form posts it."""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


@dataclass(frozen=True, slots=True)
class EFormField:
    """One property of the schema, with what rendering and validation need to know."""

    name: str
    title: str
    help: str
    type: str  # string | integer | number | boolean | array
    format: str  # "" or one of the custom formats
    required: bool
    choices: tuple[Choice, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: Decimal | None = None
    exclusive_maximum: Decimal | None = None
    pattern: str = ""
    must_be_true: bool = False  # boolean with const: true (an undertaking to tick)
    min_items: int | None = None
    max_items: int | None = None
    content_types: tuple[str, ...] = DEFAULT_FILE_TYPES

    @property
    def widget(self) -> str:
        """text | textarea | select | checkbox | checkboxes | file (the template's switch)."""
        if self.format == FILE:
            return "file"
        if self.type == "boolean":
            return "checkbox"
        if self.type == "array":
            return "checkboxes"
        if self.choices:
            return "select"
        if self.type == "string" and not self.format and (self.max_length or 0) >= \
                TEXTAREA_FROM_LENGTH:
            return "textarea"
        return "text"

    @property
    def format_hint(self) -> str:
        """What to type, shown under the label (placeholders vanish while typing)."""
        hints = {
            "date": _("Day/month/year, for example 05/09/2025."),
            "cccd": _("12 digits, as printed on the citizen identity card."),
            "phone": _("10 digits, for example 0912345678."),
            "address": _("House number and street, commune or ward, province. An address "
                         "written with the old units (before 1 July 2025) is converted."),
            "file": _("PDF, JPEG or PNG, at most 10 MB."),
        }
        return str(hints.get(self.format, ""))


def eform_fields(schema: Mapping) -> list[EFormField]:
    """The schema's properties as fields, in the schema's order."""
    required = set(schema.get("required") or ())
    return [_field(name, spec or {}, name in required)
            for name, spec in (schema.get("properties") or {}).items()]


def _field(name: str, spec: Mapping, required: bool) -> EFormField:
    kind = spec.get("type", "string")
    if isinstance(kind, list):  # ["string", "null"]: the first real type
        kind = next((item for item in kind if item != "null"), "string")
    items = spec.get("items") or {}
    choice_source = items if kind == "array" else spec
    media = spec.get("contentMediaType")
    return EFormField(
        name=name,
        title=str(spec.get("title") or name),
        help=str(spec.get("description") or ""),
        type=kind,
        format=str(spec.get("format") or ""),
        required=required,
        choices=_choices(choice_source),
        min_length=spec.get("minLength"),
        max_length=spec.get("maxLength"),
        minimum=_decimal(spec.get("minimum")),
        maximum=_decimal(spec.get("maximum")),
        exclusive_minimum=_decimal(spec.get("exclusiveMinimum")),
        exclusive_maximum=_decimal(spec.get("exclusiveMaximum")),
        pattern=str(spec.get("pattern") or ""),
        must_be_true=kind == "boolean" and spec.get("const") is True,
        min_items=spec.get("minItems"),
        max_items=spec.get("maxItems"),
        content_types=(media,) if isinstance(media, str) else
        tuple(media) if isinstance(media, list) else DEFAULT_FILE_TYPES,
    )


def _choices(spec: Mapping) -> tuple[Choice, ...]:
    if "enum" in spec:
        return tuple(Choice(value, str(value)) for value in spec["enum"])
    options = spec.get("oneOf") or spec.get("anyOf") or ()
    if options and all(isinstance(option, Mapping) and "const" in option for option in options):
        return tuple(Choice(option["const"], str(option.get("title") or option["const"]))
                     for option in options)
    return ()


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))


# --- validation -----------------------------------------------------------------------------

def api_answers(schema: Mapping, cleaned: Mapping) -> tuple[dict, list[str]]:
    """A posted form's cleaned answers in the shape the dossier service checks (the API's):
    an address as its normalized text; and, apart, the names of the file fields answered."""
    form, file_fields = {}, []
    for item in eform_fields(schema):
        if item.name not in cleaned:
            continue
        if item.format == FILE:
            file_fields.append(item.name)
        elif item.format == "address":
            form[item.name] = cleaned[item.name]["text"]
        else:
            form[item.name] = cleaned[item.name]
    return form, file_fields


def validate_submission(schema: Mapping, data: Mapping, *, source: str = FORM,
                        files: Mapping | None = None,
                        fields: Collection[EFormField] | None = None,
                        ) -> tuple[dict, dict[str, list[dict]]]:
    """Check `data` against the e-form `schema`; return (cleaned, errors).

    `source="form"`: `data` is a posted HTML form (a QueryDict or a dict of strings; dates
    typed dd/mm/yyyy, an unticked checkbox is absent) and `files` holds the uploads.
    `source="api"`: `data` is the body's ``form``, parsed JSON (ISO dates, real numbers and
    booleans), and `files` its ``documents``: each file field as a descriptor
    ``{filename, content_type, pages or size}`` under the field's name. A file field given in
    ``form`` is an error (``file_in_form``), so is a name the schema does not have (in either
    part, so typos surface), or a document under a field that is not a file field.

    `errors` maps a field name to a list of ``{code, message}`` (Vietnamese messages); it is
    empty when the submission is valid. Optional fields left empty are left out of `cleaned`.
    `fields`, when given, are `eform_fields(schema)` parsed earlier (`Form.fields`).
    """
    if source not in (FORM, API):
        raise ValueError(f"unknown source {source!r}")
    files = files or {}
    cleaned: dict = {}
    errors: dict[str, list[dict]] = {}
    fields = eform_fields(schema) if fields is None else fields
    for item in fields:
        raw = _raw_value(item, data, files, source)
        try:
            value = _clean(item, raw, source)
        except _Problem as problem:
            errors[item.name] = [problem.error.as_dict()]
            continue
        if value is not None:
            cleaned[item.name] = value
    if source == API:
        known = {item.name for item in fields}
        file_names = {item.name for item in fields if item.format == FILE}
        for name in data:
            if name in file_names:
                errors[str(name)] = [FieldError("file_in_form", _(
                    "This field is a document: send it in documents as {filename, "
                    "content_type, pages or size}, not in form.")).as_dict()]
            elif name not in known:
                errors[str(name)] = [FieldError(
                    "unknown_field", _("This form has no field with this name.")).as_dict()]
        for name in files:
            if name not in file_names:
                errors[str(name)] = [FieldError(
                    "unknown_document", _("This form has no document field with this name.")
                ).as_dict()]
    return cleaned, errors


def _raw_value(item: EFormField, data: Mapping, files: Mapping, source: str):
    if item.format == FILE:
        return files.get(item.name)
    if source == FORM:
        if item.type == "array":
            return data.getlist(item.name) if hasattr(data, "getlist") else data.get(item.name)
        chosen = data.get(item.name + CANDIDATE_SUFFIX) if item.format == "address" else None
        return chosen or data.get(item.name)
    return data.get(item.name)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _clean(item: EFormField, raw, source: str):
    if item.type == "boolean":
        return _clean_boolean(item, raw, source)
    if _is_empty(raw):
        if item.required:
            raise _Problem("required", _("This field is required.") if item.format != FILE
                           else _("Attach this document."))
        return None
    if item.format == FILE:
        return _clean_file(item, raw, source)
    if item.type == "array":
        return _clean_array(item, raw, source)
    if item.choices:
        return _clean_choice(item, raw, source)
    if item.type in ("integer", "number"):
        return _clean_number(item, raw, source)
    if not isinstance(raw, str):
        raise _Problem("invalid_type", _("Give this value as text."))
    text = raw.strip()
    check = FORMAT_CHECKS.get(item.format)
    if check is not None:
        return check(text, source)
    _check_length(item, text)
    if item.pattern and not re.search(item.pattern, text):
        raise _Problem("invalid_pattern", _("This value is not in the expected form."))
    return text


def _check_length(item: EFormField, text: str) -> None:
    if item.max_length is not None and len(text) > item.max_length:
        raise _Problem("too_long", _("Use at most %(limit)d characters (you typed %(count)d).")
                       % {"limit": item.max_length, "count": len(text)})
    if item.min_length is not None and len(text) < item.min_length:
        raise _Problem("too_short", _("Type at least %(limit)d characters.")
                       % {"limit": item.min_length})


def _clean_boolean(item: EFormField, raw, source: str) -> bool | None:
    if source == FORM:
        value = isinstance(raw, str) and raw.strip().lower() in ("true", "on", "1", "yes")
    elif raw is None:
        if item.required:
            raise _Problem("required", _("This field is required."))
        return None
    elif not isinstance(raw, bool):
        raise _Problem("invalid_type", _("Give true or false."))
    else:
        value = raw
    if item.must_be_true and not value:
        raise _Problem("must_be_ticked", _("Tick this box to continue."))
    return value


def _clean_choice(item: EFormField, raw, source: str):
    for choice in item.choices:
        if (source == FORM and isinstance(raw, str) and raw.strip() == choice.key) or \
                (source == API and raw == choice.value and type(raw) is type(choice.value)):
            return choice.value
    raise _Problem("invalid_choice", _("Choose one of the options offered."))


def _clean_array(item: EFormField, raw, source: str) -> list:
    if not isinstance(raw, list | tuple):
        raw = [raw]
    values = []
    for entry in raw:
        value = _clean_choice(item, entry, source) if item.choices else entry
        if value not in values:
            values.append(value)
    if item.min_items is not None and len(values) < item.min_items:
        raise _Problem("too_few", _("Choose at least %(limit)d.") % {"limit": item.min_items})
    if item.max_items is not None and len(values) > item.max_items:
        raise _Problem("too_many", _("Choose at most %(limit)d.") % {"limit": item.max_items})
    return values


def _clean_number(item: EFormField, raw, source: str) -> int | float:
    whole = item.type == "integer"
    if source == API:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or \
                (whole and isinstance(raw, float) and not raw.is_integer()):
            raise _Problem("invalid_type", _("Give a whole number.") if whole
                           else _("Give a number."))
        number = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(" ", "")
        if _GROUPED_INTEGER.match(text):
            text = text.replace(".", "")
        elif not whole:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or (whole and number != number.to_integral()):
            raise _Problem("invalid_number", _("Type a whole number, for example 3.") if whole
                           else _("Type a number, for example 2,5."))
    for limit, fails, message in (
        (item.minimum, lambda n, m: n < m, _("The value must be at least %(limit)s.")),
        (item.maximum, lambda n, m: n > m, _("The value must be at most %(limit)s.")),
        (item.exclusive_minimum, lambda n, m: n <= m, _("The value must be more than %(limit)s.")),
        (item.exclusive_maximum, lambda n, m: n >= m, _("The value must be less than %(limit)s.")),
    ):
        if limit is not None and fails(number, limit):
            raise _Problem("out_of_range", message % {"limit": _number_text(limit)})
    return int(number) if whole else float(number)


def _number_text(number: Decimal) -> str:
    return f"{number.normalize():f}".replace(".", ",")


def _clean_date(text: str, source: str) -> str:
    if source == API:
        match = _ISO_DATE.match(text)
        year, month, day = match.groups() if match else (None, None, None)
        wrong = _("Give the date as yyyy-mm-dd (ISO 8601), for example 2025-09-05.")
    else:
        match = _UI_DATE.match(text) or _ISO_DATE.match(text)
        if match and match.re is _UI_DATE:
            day, month, year = match.groups()
        else:
            year, month, day = match.groups() if match else (None, None, None)
        wrong = _("Type the date as day/month/year, for example 05/09/2025.")
    if not match:
        raise _Problem("invalid_date", wrong)
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        raise _Problem("invalid_date", _("This date does not exist.")) from None
    if value.year < 1900:
        raise _Problem("invalid_date", _("The year must be 1900 or later."))
    return value.isoformat()


def _clean_cccd(text: str, source: str) -> str:
    try:
        return validate_national_id(re.sub(r"[\s.]", "", text))
    except InvalidInput as error:
        raise _Problem(error.code, error.message) from None


def _clean_phone(text: str, source: str) -> str:
    try:
        return normalize_phone(text)
    except InvalidInput as error:
        raise _Problem(error.code, error.message) from None


def _clean_email(text: str, source: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise _Problem("invalid_email", _("Type an email address such as ten@example.vn.")) \
            from None
    return text


def _clean_address(text: str, source: str) -> dict:
    if len(text) > 500:
        raise _Problem("too_long", _("Use at most %(limit)d characters (you typed %(count)d).")
                       % {"limit": 500, "count": len(text)})
    result = normalize_address(text)
    if result.status == RESOLVED:
        return {
            "text": result.new_address,
            "street": result.street,
            "commune_code": result.commune.code,
            "commune_name": result.commune.name,
            "province_code": result.province.code,
            "province_name": result.province.name,
            "input": text,
        }
    if result.status == AMBIGUOUS and result.candidates:
        candidates = tuple(
            {"address": ", ".join(part for part in (result.street, candidate.commune.name,
                                                    candidate.province.name) if part),
             "commune_code": candidate.commune.code, "commune_name": candidate.commune.name,
             "province_code": candidate.province.code,
             "province_name": candidate.province.name}
            for candidate in result.candidates
        )
        names = "; ".join(f"{item['commune_name']} ({item['province_name']})"
                          for item in candidates[:NAMED_CANDIDATES])
        if len(candidates) > NAMED_CANDIDATES:
            names += "; …"
        raise _Problem("address_ambiguous", _(
            "This address fits several communes: %(candidates)s. Choose one, or write the "
            "commune and the province in full.") % {"candidates": names}, candidates)
    raise _Problem("address_unresolved", _(
        "This address was not recognised. Write the house number and street, the commune or "
        "ward, and the province."))


def _clean_file(item: EFormField, raw, source: str) -> dict:
    extra: dict = {}
    if hasattr(raw, "read"):  # an upload from the portal
        name, content_type, size = raw.name, (raw.content_type or ""), raw.size
        head = raw.read(16)
        raw.seek(0)
    elif isinstance(raw, Mapping):  # a descriptor in a JSON body (the body's `documents`)
        name = str(raw.get("filename") or "")
        content_type = str(raw.get("content_type") or "")
        size, head = raw.get("size"), None
        if not name or not content_type:
            raise _Problem("invalid_file", _("Describe the document with its filename and "
                                             "content_type."))
        if isinstance(raw.get("pages"), int) and raw["pages"] > 0:
            extra["pages"] = raw["pages"]
    elif source == API:
        raise _Problem("invalid_file", _("Describe the document with its filename and "
                                         "content_type."))
    else:
        raise _Problem("invalid_file", _("Attach the document as a file."))
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in item.content_types or (
            head is not None and not head.startswith(FILE_SIGNATURES.get(content_type, (b"",)))):
        raise _Problem("invalid_file_type", _("The file must be one of: %(types)s.") % {
            "types": ", ".join(_type_name(kind) for kind in item.content_types)})
    if isinstance(size, int) and size > MAX_FILE_BYTES:
        raise _Problem("file_too_large", _("The file is larger than 10 MB."))
    if isinstance(size, int):
        extra["size"] = size
    return {"filename": name, "content_type": content_type, **extra}


def _type_name(content_type: str) -> str:
    return {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}.get(
        content_type, content_type)


FORMAT_CHECKS: dict[str, Callable[[str, str], object]] = {
    "date": _clean_date,
    "cccd": _clean_cccd,
    "phone": _clean_phone,
    "email": _clean_email,
    "address": _clean_address,
}


# --- rendering ------------------------------------------------------------------------------

@dataclass
class BoundEField:
    """A field with what the citizen typed and what is wrong with it, ready for a template."""

    field: EFormField
    value: object = ""
    errors: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.field.name}"

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def help_id(self) -> str:
        return f"{self.id}-help"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def has_help(self) -> bool:
        return bool(self.field.help or self.field.format_hint)

    @property
    def candidates(self) -> list[dict]:
        return [candidate for error in self.errors for candidate in error.get("candidates", ())]

    @property
    def candidate_name(self) -> str:
        return self.field.name + CANDIDATE_SUFFIX

    @property
    def selected(self) -> set[str]:
        values = self.value if isinstance(self.value, list) else [self.value]
        return {str(value) for value in values if value not in (None, "")}

    @property
    def options(self) -> list[tuple[Choice, bool]]:
        selected = self.selected
        return [(choice, choice.key in selected) for choice in self.field.choices]

    @property
    def describedby(self) -> str:
        ids = [self.help_id] if self.has_help else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def attrs(self) -> SafeString:
        """The control's HTML attributes (escaped): id, name, type, hints, ARIA."""
        item = self.field
        attrs: dict = {"id": self.id, "name": item.name}
        if item.required:
            attrs["aria-required"] = "true"
        if self.errors:
            attrs["aria-invalid"] = "true"
        if self.describedby:
            attrs["aria-describedby"] = self.describedby
        widget = item.widget
        if widget == "file":
            attrs["type"] = "file"
            attrs["accept"] = ",".join(
                [kind for kind in item.content_types] +
                [FILE_EXTENSIONS[kind] for kind in item.content_types if kind in FILE_EXTENSIONS])
        elif widget == "checkbox":
            attrs.update({"type": "checkbox", "value": "true",
                          "checked": self.value in (True, "true", "on", "1")})
        elif widget in ("text", "textarea"):
            attrs.update(_text_attrs(item))
            if widget == "text":
                attrs["value"] = "" if self.value is None else str(self.value)
        return SafeString(flatatt({key: value for key, value in attrs.items()
                                   if value is not False}))

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)


def _text_attrs(item: EFormField) -> dict:
    attrs: dict = {"type": "text"}
    match item.format:
        case "date":
            attrs.update(inputmode="numeric", autocomplete="off", maxlength=10,
                         placeholder="dd/mm/yyyy")
        case "cccd":
            attrs.update(inputmode="numeric", autocomplete="off", maxlength=14, spellcheck="false")
        case "phone":
            attrs.update(type="tel", inputmode="tel", autocomplete="tel", maxlength=15)
        case "email":
            attrs.update(type="email", inputmode="email", autocomplete="email",
                         spellcheck="false")
        case "address":
            attrs.update(autocomplete="street-address", maxlength=500)
        case _:
            if item.type == "integer":
                attrs.update(inputmode="numeric")
            elif item.type == "number":
                attrs.update(inputmode="decimal")
            elif item.max_length:
                attrs["maxlength"] = item.max_length
    return attrs


@dataclass
class Section:
    title: str
    fields: list[BoundEField]


def eform_sections(schema: Mapping, layout: list | None, *, data: Mapping | None = None,
                   errors: Mapping[str, list[dict]] | None = None) -> list[Section]:
    """The form grouped as the layout says; fields the layout forgets come last."""
    data, errors = data or {}, errors or {}
    bound = {}
    for item in eform_fields(schema):
        if item.type == "array" and hasattr(data, "getlist"):
            value = data.getlist(item.name)
        elif item.format == FILE:
            value = ""  # browsers never re-fill a file input
        else:
            value = data.get(item.name, "")
        bound[item.name] = BoundEField(item, value, list(errors.get(item.name, ())))
    sections, placed = [], set()
    for entry in layout or ():
        names = [name for name in entry.get("fields", ()) if name in bound and name not in placed]
        placed.update(names)
        if names:
            sections.append(Section(str(entry.get("section") or ""),
                                    [bound[name] for name in names]))
    rest = [item for name, item in bound.items() if name not in placed]
    if rest:
        sections.append(Section(str(OTHER_SECTION) if sections else "", rest))
    return sections


def needs_multipart(schema: Mapping) -> bool:
    return any(item.format == FILE for item in eform_fields(schema))


def cleaned_summary(schema: Mapping, cleaned: Mapping) -> list[tuple[str, str]]:
    """(title, value as a person reads it) for each answered field: the confirmation page."""
    rows = []
    for item in eform_fields(schema):
        if item.name in cleaned:
            rows.append((item.title, _display(item, cleaned[item.name])))
    return rows


def _display(item: EFormField, value) -> str:
    labels = {choice.value: choice.label for choice in item.choices}
    if isinstance(value, list):
        return ", ".join(labels.get(entry, str(entry)) for entry in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Mapping):
        return str(value.get("text") or value.get("filename") or "")
    if item.format == "date":
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return labels.get(value, str(value))
