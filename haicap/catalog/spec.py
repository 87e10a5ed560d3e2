"""The typed procedure definition: the YAML format of docs/catalog-format.md as pydantic models.

Structure and types are checked here (unknown keys, wrong types, missing keys, an e-form schema
that is not a JSON Schema object); the consistency rules between parts of a definition (fees
against their rule, shares adding up, references between steps, fields and procedures) are the
linter's job (`haicap.catalog.lint`), so that each fault gets its own stable code.

Enumerations are Django `TextChoices`: pydantic validates their values, and the portal and admin
get the Vietnamese labels from the same place.
"""

import json
import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, best_match
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

if TYPE_CHECKING:
    from haicap.worktime.calendar import Appointment


class ProcedureField(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Civil status")
    RESIDENCE = "residence", _("Residence")
    CONSTRUCTION = "construction", _("Construction")
    BUSINESS = "business", _("Business")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    CERTIFICATION = "certification", _("Certification")
    LAND = "land", _("Land")
    LABOUR = "labour", _("Labour")
    EDUCATION = "education", _("Education")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class LifeEvent(models.TextChoices):
    BIRTH = "birth", _("Having a child")
    MARRIAGE = "marriage", _("Getting married")
    DEATH = "death", _("Death of a family member")
    MOVING_HOUSE = "moving_house", _("Moving house")
    STARTING_BUSINESS = "starting_business", _("Starting a business")
    BUILDING_HOUSE = "building_house", _("Building a house")
    LOSING_JOB = "losing_job", _("Losing a job")
    RETIREMENT = "retirement", _("Retirement")
    DISABILITY = "disability", _("Disability")
    POVERTY = "poverty", _("Poverty")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    # "Commune" alone is the unit kind (xã); as a level it is "cấp xã".
    COMMUNE = "commune", pgettext_lazy("procedure level", "Commune")
    PROVINCE_DEPARTMENT = "province_department", _("Province department")
    PROVINCE_CENTRE = "province_centre", _("Province public-administration service centre")


class ExecutingUnit(models.TextChoices):
    COMMUNE_PEOPLE_COMMITTEE = "commune_people_committee", _("Commune People's Committee")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    DEPARTMENT_JUSTICE = "department_justice", _("Department of Justice")
    DEPARTMENT_CONSTRUCTION = "department_construction", _("Department of Construction")
    DEPARTMENT_FINANCE = "department_finance", _("Department of Finance")
    DEPARTMENT_HOME_AFFAIRS = "department_home_affairs", _("Department of Home Affairs")
    DEPARTMENT_HEALTH = "department_health", _("Department of Health")
    DEPARTMENT_AGRICULTURE_ENVIRONMENT = (
        "department_agriculture_environment", _("Department of Agriculture and Environment")
    )
    PROVINCE_POLICE = "province_police", _("Province police")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    PROVINCE_CENTRE = "province_centre", _("Province public-administration service centre")


class ResultKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LICENCE = "licence", _("Licence")
    DECISION = "decision", _("Decision")
    CONFIRMATION = "confirmation", _("Confirmation")
    CARD = "card", _("Card")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    REGISTRATION = "registration", _("Registration")
    PAYMENT = "payment", _("Payment")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class DeadlineUnit(models.TextChoices):
    SAME_DAY = "same_day", _("same day")
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    # "15 ngày" in the law: every day counts; a last day that is a day off moves the appointment
    # to the next working day (Civil Code 2015, Article 148).
    CALENDAR_DAYS = "calendar_days", _("days")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee")
    CHARGE = "charge", _("Charge")


# A closed list on purpose: payments and the portal must know what each case means. Add a value
# only with the procedure that needs it; the label completes "… nếu …" in the fee summary.
class FeeCondition(models.TextChoices):
    """The case a conditional fee is charged in: late_registration (registered after the time
    limit the law sets), extract_copy_requested (copies of the extract or certificate are asked
    for, charged per copy)."""

    LATE_REGISTRATION = "late_registration", _("registered after the time limit")
    EXTRACT_COPY_REQUESTED = "extract_copy_requested", _("copies are requested")


class FeeRule(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    PER_COPY = "per_copy", _("Per copy")
    PER_PAGE_TIERS = "per_page_tiers", _("Per page, by tiers")


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ELECTRONIC = "electronic", _("Electronic")


class FetchSource(models.TextChoices):
    POPULATION = "population", _("National population database")
    CIVIL_STATUS = "civil_status", _("Civil-status database")
    INSURANCE = "insurance", _("Insurance database")
    BUSINESS_REGISTRY = "business_registry", _("Business registry")
    LAND = "land", _("Land database")


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    CHECK = "check", _("Check")
    APPRAISE = "appraise", _("Appraise")
    APPROVE = "approve", _("Approve")
    SIGN = "sign", _("Sign")
    RETURN = "return", _("Return result")
    HANDOFF = "handoff", _("Linked hand-off")


class StepRole(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")


class StepAction(models.TextChoices):
    """What an officer may do at a step; the workflow engine (issue 5) implements each."""

    ACCEPT = "accept", _("Accept")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    REFUSE = "refuse", _("Refuse")
    FORWARD = "forward", _("Forward")
    SEND_BACK = "send_back", _("Send back")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    SIGN = "sign", _("Sign")
    EXTEND = "extend", _("Apologise and set a new date")
    RETURN_RESULT = "return_result", _("Return the result")
    HAND_OFF = "hand_off", _("Hand off to the linked procedure")


class Produces(models.TextChoices):
    FORM_01 = "form_01", _("Form 01: receipt and appointment slip")
    FORM_02 = "form_02", _("Form 02: supplement request")
    FORM_03 = "form_03", _("Form 03: refusal")
    FORM_04 = "form_04", _("Form 04: apology and new date")
    FORM_05 = "form_05", _("Form 05: stop slip")
    FORM_06 = "form_06", _("Form 06: process control sheet")
    FORM_07 = "form_07", _("Form 07: register")
    RESULT = "result", _("Result")


ProcedureCode = Annotated[str, StringConstraints(pattern=r"^\d\.\d{6}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Money = int  # VND; the linter refuses negative amounts with its own code


def _flat_metaschema() -> dict:
    """The draft 2020-12 metaschema in one document, without `$dynamicRef`.

    `check_schema` resolves the metaschema's `$dynamicRef: "#meta"` at every level, which costs
    ~2 ms a form (4 s of a 2,000-procedure check). For the standard dialect every dynamic
    reference lands on the root metaschema, so inlining the seven vocabularies and writing
    `$ref: "#"` validates the same schemas ~5x faster (a test pins the equivalence).
    """
    from jsonschema_specifications import REGISTRY

    root = Draft202012Validator.META_SCHEMA
    base = root["$id"].rsplit("/", 1)[0] + "/"
    definitions: dict = {}
    vocabularies = []
    for reference in root["allOf"]:
        vocabulary = REGISTRY.contents(base + reference["$ref"])
        definitions.update(vocabulary.get("$defs", {}))
        vocabularies.append({key: vocabulary[key] for key in ("type", "properties")
                             if key in vocabulary})
    flat = {"$schema": root["$schema"], "allOf": vocabularies, "type": root["type"],
            "properties": root["properties"], "$defs": definitions}
    text = json.dumps(flat).replace('"$dynamicRef": "#meta"', '"$ref": "#"')
    text = re.sub(r'"\$ref": "meta/[a-z-]+#/\$defs/', '"$ref": "#/$defs/', text)
    if '"$dynamicRef": "' in text or '"$ref": "meta/' in text:
        raise RuntimeError("the draft 2020-12 metaschema changed shape; cannot flatten it")
    return json.loads(text)


METASCHEMA = Draft202012Validator(_flat_metaschema())


def check_json_schema(schema: Any) -> None:
    """Raise SchemaError unless `schema` is a valid draft 2020-12 JSON Schema."""
    error = best_match(METASCHEMA.iter_errors(schema))
    if error is not None:
        raise SchemaError.create_from(error)


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class LegalBasis(Spec):
    document: Text
    articles: str = ""


class Result(Spec):
    name: Text
    kind: ResultKind
    digital: bool = False


class Deadline(Spec):
    value: int = Field(ge=0)
    unit: DeadlineUnit
    verification_extension: int | None = Field(default=None, ge=0)

    def label(self) -> str:
        if self.unit == DeadlineUnit.SAME_DAY:
            return str(_("Same working day"))
        return f"{self.value} {self.unit.label}"

    def appointment(self, received_at: datetime) -> "Appointment":
        """When a dossier received at `received_at` is due (after 15:00 it counts from the next
        working day). Calendar days are added plainly from the day counting starts; a last day
        that is a day off moves the appointment to the next working day (Civil Code 2015,
        Article 148)."""
        from haicap.worktime import calendar

        if self.unit == DeadlineUnit.WORKING_HOURS:
            return calendar.appointment(received_at, working_hours=self.value)
        if self.unit != DeadlineUnit.CALENDAR_DAYS:
            return calendar.appointment(received_at, working_days=self.value)
        plain = calendar.appointment(received_at, working_days=0)
        last_day = plain.counting_start.date() + timedelta(days=self.value)
        if not calendar.is_working_day(last_day):
            last_day = calendar.next_working_day(last_day)
        due_at = calendar.office_periods(last_day)[-1][1]
        return replace(plain, due_date=last_day, due_at=due_at, working_days=None)


class FeeTier(Spec):
    from_page: int = Field(ge=1)
    amount: Money


class Fee(Spec):
    key: Key
    name: Text
    kind: FeeKind
    rule: FeeRule
    amount: Money | None = None
    tiers: list[FeeTier] = []
    cap_per_copy: Money | None = None
    # Online price: the exact amount the legal text sets (fixed: per dossier, per_copy: per
    # copy), or a percentage off for rules that really are percentages; not both (CAT032).
    online_amount: Money | None = None
    online_discount_percent: int = 0
    # Charged only in this case; None: always charged.
    applies_when: FeeCondition | None = None
    # For people to read (who pays nothing); the payment module decides exemptions itself.
    exemptions: list[str] = []
    legal_basis: str = ""

    def amount_per_copy(self, pages: int, online: bool = False) -> int:
        """The amount for one copy of `pages` pages (online: the exact online amount if set)."""
        if self.rule == FeeRule.PER_PAGE_TIERS:
            total = 0
            for page in range(1, max(pages, 0) + 1):
                tier = next((t for t in reversed(self.tiers) if t.from_page <= page), None)
                total += tier.amount if tier else 0
        elif online and self.online_amount is not None:
            total = self.online_amount
        else:
            total = self.amount or 0
        if self.cap_per_copy is not None:
            total = min(total, self.cap_per_copy)
        return total

    def applies(self, conditions: Collection[str] = frozenset()) -> bool:
        return self.applies_when is None or self.applies_when in conditions

    def amount_for(self, pages: int = 1, copies: int = 1, online: bool = False,
                   conditions: Collection[str] = frozenset()) -> int:
        """What the applicant pays for this fee, in VND.

        A fee with `applies_when` costs nothing unless its condition is in `conditions`.
        `fixed` is one amount per dossier; `per_copy` and `per_page_tiers` are per copy (tiers
        count the pages of one copy, and `cap_per_copy` bounds each copy). Online, the exact
        `online_amount` replaces the amount; otherwise the online discount is taken off the
        total, rounding the discount down (the applicant never pays a fraction of a dong).
        """
        if not self.applies(conditions):
            return 0
        if self.rule == FeeRule.FIXED:
            total = self.amount_per_copy(pages, online)
        else:
            total = self.amount_per_copy(pages, online) * max(copies, 0)
        if online and self.online_amount is None and self.online_discount_percent:
            total -= total * self.online_discount_percent // 100
        return total


class Document(Spec):
    key: Key
    name: Text
    copy_kind: CopyKind = Field(alias="copy")
    count: int = Field(default=1, ge=1)
    form_field: str | None = None
    fetch_from: FetchSource | None = None
    required: bool = True


class LayoutSection(Spec):
    section: Text
    fields: list[str]


class Form(Spec):
    form_schema: dict[str, Any] = Field(alias="schema")
    layout: list[LayoutSection] = []

    @field_validator("form_schema")
    @classmethod
    def _is_json_schema_object(cls, schema: dict[str, Any]) -> dict[str, Any]:
        try:
            check_json_schema(schema)
        except SchemaError as error:
            where = "/".join(str(part) for part in error.path)
            raise ValueError(
                f"not a valid JSON Schema ({where or 'root'}): {error.message}"
            ) from None
        if schema.get("type") != "object":
            raise ValueError("the e-form schema must have type: object")
        if not isinstance(schema.get("properties", {}), dict):
            raise ValueError("the e-form schema properties must be a mapping")
        return schema

    @property
    def properties(self) -> dict[str, dict]:
        return self.form_schema.get("properties", {})

    @cached_property
    def fields(self) -> tuple:
        """The schema's properties as e-form fields, parsed once per spec (every submission
        validates against them)."""
        from haicap.catalog.eforms import eform_fields

        return tuple(eform_fields(self.form_schema))


class Step(Spec):
    key: Key
    name: str = ""
    kind: StepKind
    role: StepRole | None = None
    unit_level: Level | None = None
    share: float = Field(default=0.0, ge=0, le=1)
    actions: list[StepAction] = []
    uses_fields: list[str] = []
    produces: list[Produces] = []
    in_person: bool = False
    next: list[str] = []
    procedure: ProcedureCode | None = None
    # A hand-off only in a chain: when this dossier was itself started by a hand-off of one of
    # these procedures (e.g. child health insurance only after a birth → residence chain).
    only_if_linked_from: list[ProcedureCode] = []


class Workflow(Spec):
    version_note: str = ""
    steps: list[Step] = Field(min_length=1)

    def step(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)


class ExampleDocument(Spec):
    """A file of the example as the API body describes it (the dossier API stores the bytes)."""

    filename: Text
    content_type: Text
    pages: int = Field(default=1, ge=1)
    size: int | None = Field(default=None, ge=0)  # bytes


class Example(Spec):
    """A complete valid submission: exactly the body of POST /api/v1/dossiers.

    `form` holds the data fields; every file field of the e-form is in `documents`, keyed by
    the field's name, as a descriptor (never as a filename string in `form`).
    """

    form: dict[str, Any]
    documents: dict[str, ExampleDocument] = {}

    def body(self, code: str) -> dict[str, Any]:
        return {
            "procedure": code,
            "form": self.form,
            "documents": {name: document.model_dump(exclude_none=True)
                          for name, document in self.documents.items()},
        }


class ProcedureSpec(Spec):
    code: ProcedureCode
    name: Text
    field: ProcedureField
    life_events: list[LifeEvent] = []
    level: Level
    executing_unit: ExecutingUnit
    legal_bases: list[LegalBasis] = Field(min_length=1)
    result: Result
    channels: list[Channel] = Field(min_length=1)
    full_online: bool
    deadline: Deadline
    fees: list[Fee] = []
    free_reason: str = ""
    documents: list[Document] = []
    form: Form
    workflow: Workflow
    linked_procedures: list[ProcedureCode] = []
    example: Example

    def definition(self) -> dict[str, Any]:
        """The spec as plain JSON data, keyed as in the YAML (stored in ProcedureVersion)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=False)

    def fee_for(self, pages: int = 1, copies: int = 1, online: bool = False,
                conditions: Collection[str] = frozenset()) -> int:
        return sum(fee.amount_for(pages, copies, online, conditions) for fee in self.fees)


# -- example submissions -----------------------------------------------------------------------

_PHONE = re.compile(r"^0[35789]\d{8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _checker() -> FormatChecker:
    from haicap.core.errors import InvalidInput
    from haicap.core.validation import validate_national_id

    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        # The API speaks ISO dates; the portal shows dd/mm/yyyy and converts.
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    @checker.checks("cccd", raises=InvalidInput)
    def _cccd(value: object) -> bool:
        return not isinstance(value, str) or bool(validate_national_id(value))

    @checker.checks("phone")
    def _phone(value: object) -> bool:
        return not isinstance(value, str) or bool(_PHONE.match(value))

    @checker.checks("email")
    def _email(value: object) -> bool:
        return not isinstance(value, str) or bool(_EMAIL.match(value))

    @checker.checks("address")
    def _address(value: object) -> bool:
        return not isinstance(value, str) or bool(value.strip())

    @checker.checks("file")
    def _file(value: object) -> bool:
        return not isinstance(value, str) or bool(value.strip())

    return checker


FORMAT_CHECKER = _checker()


FILE_FORMAT = "file"


def file_fields(form_schema: dict[str, Any]) -> list[str]:
    """The e-form properties that carry a file (format: file), in the schema's order.

    A submission gives them in its `documents` as descriptors, never in its `form`: the e-form
    validator (`haicap.catalog.eforms`) and the linter (CAT080, CAT081) both ask this.
    """
    return [name for name, spec in (form_schema.get("properties") or {}).items()
            if isinstance(spec, dict) and spec.get("format") == FILE_FORMAT]


def data_schema(form_schema: dict[str, Any]) -> dict[str, Any]:
    """The e-form schema without its file fields: what a submission's `form` must fit."""
    files = set(file_fields(form_schema))
    if not files:
        return form_schema
    schema = dict(form_schema)
    schema["properties"] = {name: spec for name, spec in form_schema["properties"].items()
                            if name not in files}
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name not in files]
    return schema


def file_schema(form_schema: dict[str, Any]) -> dict[str, Any]:
    """The e-form schema with only its file fields: what a submission's `documents` must fit."""
    files = file_fields(form_schema)
    return {"type": "object",
            "properties": {name: form_schema["properties"][name] for name in files},
            "required": [name for name in form_schema.get("required") or () if name in files]}


def example_errors(form_schema: dict[str, Any],
                   data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path as a tuple, reason) for each way the `form` part of a submission breaks the e-form.

    File fields do not belong in `data` (they are the submission's `documents`); the rest is
    checked against the schema without them. A missing required property is reported at its
    own path, not at its parent's.
    """
    files = set(file_fields(form_schema))
    found = [((name,), f"{name!r} is a file field: give it in documents as "
              "{filename, content_type, pages}, not in form") for name in data if name in files]
    validator = Draft202012Validator(data_schema(form_schema), format_checker=FORMAT_CHECKER)
    for error in validator.iter_errors({key: value for key, value in data.items()
                                        if key not in files}):
        path = tuple(error.path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            found += [((*path, name), f"{name!r} is a required property") for name in missing]
        else:
            found.append((path, error.message))
    return sorted(found, key=lambda item: [str(part) for part in item[0]])


def validate_example(form_schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, reason) for each way `data` breaks the e-form schema; [] when it is valid.

    Formats checked: date (ISO), cccd (12 digits, valid birth-province code), phone (10 digits),
    email and address (non-empty); file fields must not be in `data`. The e-form engine adds
    the field-level Vietnamese messages and the address normalizer; this is the catalogue's
    gate for shipped examples.
    """
    return [
        (".".join(str(part) for part in path), reason)
        for path, reason in example_errors(form_schema, data)
    ]
