"""The procedure catalogue over the API: search, read, example submission, form validation.

Public (no sign-in): it is the same information as the portal's catalogue pages.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from haicap.catalog import presenters, selectors
from haicap.catalog.eforms import validate_submission
from haicap.catalog.models import Procedure
from haicap.catalog.spec import Fee, FeeCondition, Level, LifeEvent, ProcedureField
from haicap.core.errors import ErrorOut, InvalidInput

router = Router(tags=["procedures"])


class DeadlineOut(Schema):
    value: int
    unit: str = Field(..., description="same_day | working_days | working_hours | "
                      "calendar_days (a last day off moves to the next working day)")
    text: str = Field(..., description="In words, e.g. “3 ngày làm việc”, “15 ngày”")
    verification_extension: int | None = Field(
        None, description="Working days added when verification is needed")


class FeeTierOut(Schema):
    from_page: int
    amount: int


class FeeOut(Schema):
    key: str
    name: str
    kind: str = Field(..., description="fee (lệ phí) | charge (phí)")
    rule: str = Field(..., description="fixed | per_copy | per_page_tiers")
    amount: int | None = Field(None, description="VND, for fixed and per_copy")
    tiers: list[FeeTierOut] = []
    cap_per_copy: int | None = None
    online_amount: int | None = Field(
        None, description="VND filed online, replacing amount (fixed: per dossier, per_copy: "
        "per copy)")
    online_discount_percent: int = 0
    applies_when: FeeCondition | None = Field(
        None, description="Charged only in this case; null: always charged")
    exemptions: list[str] = Field([], description="Who pays nothing, for people to read")
    legal_basis: str = ""
    text: str = Field(..., description="The rule in words, with its case, e.g. “5.000 đ nếu "
                      "đăng ký quá hạn”")


class ProcedureOut(Schema):
    code: str = Field(..., examples=["1.001193"])
    name: str
    field: str
    life_events: list[str]
    level: str = Field(..., description="commune | province_department | province_centre")
    executing_unit: str
    full_online: bool = Field(..., description="Decree 42/2022 full-online (toàn trình)")
    deadline: DeadlineOut
    fees: list[FeeOut]
    url: str = Field(..., description="The procedure's page on the portal")


class DocumentOut(Schema):
    key: str
    name: str
    copy_kind: str = Field(..., description="original | copy | certified_copy | electronic")
    count: int
    required: bool
    form_field: str | None
    fetch_from: str | None = Field(
        ..., description="Once-only: the national database it is fetched from, not uploaded")


class LayoutSectionOut(Schema):
    section: str
    fields: list[str]


class LegalBasisOut(Schema):
    document: str
    articles: str


class ResultOut(Schema):
    name: str
    kind: str
    digital: bool


class LinkedProcedureOut(Schema):
    code: str
    name: str | None


class ProcedureDetailOut(ProcedureOut):
    documents: list[DocumentOut]
    form_schema: dict[str, Any] = Field(..., description="JSON Schema (draft 2020-12) of the "
                                        "e-form; dates ISO, custom formats cccd, phone, "
                                        "address, file")
    form_layout: list[LayoutSectionOut]
    workflow_version: int = Field(..., description="The published version a new dossier keeps")
    legal_bases: list[LegalBasisOut]
    linked_procedures: list[LinkedProcedureOut]
    channels: list[str] = Field(..., description="in_person | online | post")
    result: ResultOut
    free_reason: str


class ExampleDocumentOut(Schema):
    filename: str
    content_type: str
    pages: int
    size: int | None = Field(None, description="Bytes")


class ExampleOut(Schema):
    procedure: str
    form: dict[str, Any] = Field(..., description="The data fields (no file fields)")
    documents: dict[str, ExampleDocumentOut] = Field(
        ..., description="Each file field of the e-form, by field name")


class ValidateIn(Schema):
    form: dict[str, Any] = Field(..., description="Field values: ISO dates, JSON numbers "
                                 "and booleans")
    documents: dict[str, dict[str, Any]] = Field(
        {}, description="File fields by field name: {filename, content_type, pages or size}; "
        "a file field in form is an error")


class ValidOut(Schema):
    valid: bool
    cleaned: dict[str, Any] = Field(..., description="Normalized values: phones in 10 digits, "
                                    "addresses with their commune and province codes")


class ProcedureFilters(Schema):
    q: str = Field("", max_length=200, description="Words, with or without tone marks, "
                   "or a code prefix")
    field: ProcedureField | None = None
    life_event: LifeEvent | None = None
    level: Level | None = None
    full_online: bool | None = None


def _fee(fee: Fee) -> dict:
    return {
        "key": fee.key, "name": fee.name, "kind": fee.kind.value, "rule": fee.rule.value,
        "amount": fee.amount, "tiers": [tier.model_dump() for tier in fee.tiers],
        "cap_per_copy": fee.cap_per_copy, "online_amount": fee.online_amount,
        "online_discount_percent": fee.online_discount_percent,
        "applies_when": fee.applies_when, "exemptions": fee.exemptions,
        "legal_basis": fee.legal_basis,
        "text": presenters.fee_rule_text(fee),
    }


def _summary(procedure: Procedure) -> dict:
    spec = procedure.spec
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "life_events": procedure.life_events,
        "level": procedure.level,
        "executing_unit": procedure.executing_unit,
        "full_online": procedure.full_online,
        "deadline": {
            "value": spec.deadline.value, "unit": spec.deadline.unit.value,
            "text": presenters.deadline_text(spec.deadline),
            "verification_extension": spec.deadline.verification_extension,
        },
        "fees": [_fee(fee) for fee in spec.fees],
        "url": reverse("catalog:detail", args=[procedure.code]),
    }


@router.get("/procedures", response=list[ProcedureOut], summary="Search the procedure catalogue")
@paginate(LimitOffsetPagination)
def list_procedures(request, filters: Query[ProcedureFilters]):
    procedures = selectors.search_procedures(
        filters.q, field=filters.field, life_event=filters.life_event, level=filters.level,
        full_online=filters.full_online,
    )
    return _Summaries(procedures)


class _Summaries:
    """A queryset that the paginator slices and counts, turned into summaries per page."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return [_summary(procedure) for procedure in self.queryset[index]]


@router.get("/procedures/{code}", response={200: ProcedureDetailOut, 404: ErrorOut},
            summary="One procedure: documents, fees, e-form, workflow version")
def get_procedure(request, code: str):
    procedure = selectors.procedure_by_code(code)
    spec = procedure.spec
    names = dict(selectors.published_procedures().filter(code__in=spec.linked_procedures)
                 .values_list("code", "name"))
    return {
        **_summary(procedure),
        "documents": [
            {"key": document.key, "name": document.name,
             "copy_kind": document.copy_kind.value, "count": document.count,
             "required": document.required, "form_field": document.form_field,
             "fetch_from": document.fetch_from.value if document.fetch_from else None}
            for document in spec.documents
        ],
        "form_schema": spec.form.form_schema,
        "form_layout": [section.model_dump() for section in spec.form.layout],
        "workflow_version": procedure.current_version.number,
        "legal_bases": [basis.model_dump() for basis in spec.legal_bases],
        "linked_procedures": [{"code": linked, "name": names.get(linked)}
                              for linked in spec.linked_procedures],
        "channels": [channel.value for channel in spec.channels],
        "result": {"name": spec.result.name, "kind": spec.result.kind.value,
                   "digital": spec.result.digital},
        "free_reason": spec.free_reason,
    }


@router.get("/procedures/{code}/example", response={200: ExampleOut, 404: ErrorOut},
            summary="A complete valid submission, ready for POST /api/v1/dossiers")
def get_example(request, code: str):
    procedure = selectors.procedure_by_code(code)
    return procedure.spec.example.body(procedure.code)


@router.post("/procedures/{code}/validate",
             response={200: ValidOut, 404: ErrorOut, 422: ErrorOut},
             summary="Check form data against the procedure's e-form (nothing is filed)")
def validate_form(request, code: str, payload: ValidateIn):
    procedure = selectors.procedure_by_code(code)
    cleaned, errors = validate_submission(
        procedure.spec.form.form_schema, payload.form, source="api", files=payload.documents)
    if errors:
        raise InvalidInput(
            _("The form is not valid; see details for each field."),
            code="invalid_form", details=errors,
        )
    return {"valid": True, "cleaned": cleaned}
