"""The master-data API (django-ninja router under /api/v1/mdm/) for data stewards and
administrators signed in: sources, import batches and their bad rows, golden records (by golden
id or by CCCD number) with their lineage, the review queue and decisions on it.

Every read goes through the scoped selectors; a decision through the same verb as the pages.
Errors are `DomainError`s: JSON with a stable `code` and a Vietnamese `message`, 4xx.
"""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from haicap.core.errors import ErrorOut, NotFound
from haicap.mdm import review, selectors
from haicap.mdm.models import GoldenRecord, ReviewPair
from haicap.mdm.services import require_steward

router = Router(tags=["mdm"], auth=django_auth)
REFUSED = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _steward(request):
    require_steward(request.user)
    return request.user


class SourceSystemOut(Schema):
    code: str
    name: str
    system: str
    province: str = Field(alias="province_id")
    legacy_province: str | None = Field(None, alias="legacy_province_id")
    trust: int
    batches: int = Field(alias="batch_count")
    last_import: datetime | None
    mapping_version: int | None = Field(description="The latest saved mapping's version")


class ImportBatchOut(Schema):
    id: int
    source: str = Field(alias="source.code")
    mapping_version: int = Field(alias="mapping.version")
    format: str
    origin: str
    encoding: str
    digest: str = Field(description="SHA-256 of the file; empty for a database table")
    rows_read: int
    rows_imported: int
    rows_bad: int
    imported_at: datetime


class BadRowReasonOut(Schema):
    code: str
    message: str
    field: str = ""


class BadRowOut(Schema):
    row_number: int = Field(description="The row's line in the file (the header is line 1)")
    content: str
    reasons: list[BadRowReasonOut]


class GoldenFieldOut(Schema):
    field: str
    value: str | None
    source: str | None = Field(description='The record key the value came from, "override" '
                                           "for a steward's value, null if no source has it")


class SourceRecordOut(Schema):
    record_key: str
    source: str
    batch: int | None
    row_number: int | None
    raw: dict = Field(description="The row as received, the source's own columns")
    canonical: dict = Field(description="The row's values by the batch's mapping")


class FieldOverrideOut(Schema):
    field: str
    value: str
    note: str
    decided_by: str
    decided_at: datetime


class GoldenRecordOut(Schema):
    golden_id: str
    province: str
    retired_into: str | None = Field(description="The golden id that took this one's records")
    full_name: str
    birth_date: date | None
    gender: str
    national_id: str
    old_id_number: str
    phone: str
    address: str
    commune: str | None
    father_name: str
    mother_name: str
    household_ref: str
    members: int
    run: int = Field(description="The match run that last changed it")
    lineage: list[GoldenFieldOut]
    source_records: list[SourceRecordOut]
    overrides: list[FieldOverrideOut]


class ComparisonWeightOut(Schema):
    comparison: str
    level: str
    match_weight: float | None


class ReviewPairOut(Schema):
    id: int
    record_a: str
    record_b: str
    probability: float
    match_weight: float
    run: int = Field(alias="run_id")
    explanation: list[ComparisonWeightOut] = Field(
        description="Each comparison's level and its match weight (Splink's explanation)")

    @staticmethod
    def resolve_explanation(pair) -> list[dict]:
        return [vars(weight) for weight in selectors.weights(pair.explanation)]


class PairVerdictIn(Schema):
    verdict: str = Field(description='"same" or "not_same"')
    note: str = Field("", max_length=300)


class RecordPairVerdictIn(PairVerdictIn):
    record_a: str
    record_b: str


class PairDecisionOut(Schema):
    id: int
    record_a: str
    record_b: str
    verdict: str
    action: str
    note: str
    decided_by: str
    decided_at: datetime


def _decision(decision) -> dict:
    return {"id": decision.pk, "record_a": decision.record_a, "record_b": decision.record_b,
            "verdict": decision.verdict, "action": decision.action, "note": decision.note,
            "decided_by": decision.decided_by.get_username(), "decided_at": decision.decided_at}


@router.get("/mdm/sources", response={200: list[SourceSystemOut], **REFUSED},
            summary="Source systems of my province")
def list_sources(request):
    return list(selectors.sources(_steward(request)))


@router.get("/mdm/sources/{code}/batches", response={200: list[ImportBatchOut], **REFUSED},
            summary="A source's import batches, newest first")
@paginate(LimitOffsetPagination)
def list_batches(request, code: str):
    return selectors.batches(selectors.source(_steward(request), code))


@router.get("/mdm/batches/{batch_id}", response={200: ImportBatchOut, **REFUSED},
            summary="One import batch")
def get_batch(request, batch_id: int):
    return selectors.batch(_steward(request), batch_id)


@router.get("/mdm/batches/{batch_id}/bad-rows", response={200: list[BadRowOut], **REFUSED},
            summary="The rows an import refused, with their reasons")
@paginate(LimitOffsetPagination)
def list_bad_rows(request, batch_id: int):
    return selectors.bad_rows(selectors.batch(_steward(request), batch_id))


def _golden(request, golden: GoldenRecord) -> dict:
    detail = selectors.golden_detail(request.user, golden.golden_id)
    record = detail.record
    return {
        "golden_id": record.golden_id, "province": record.province_id,
        "retired_into": record.retired_into or None,
        **{name: getattr(record, name) for name in (
            "full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
            "address", "father_name", "mother_name", "household_ref", "members")},
        "commune": record.commune_id, "run": record.run_id,
        "lineage": [{"field": item.name, "value": _api_value(record, item.name),
                     "source": item.source} for item in detail.fields],
        "source_records": [{"record_key": row.record_key, "source": row.source_code,
                            "batch": row.batch_id, "row_number": row.row_number,
                            "raw": row.raw, "canonical": row.canonical}
                           for row in detail.members],
        "overrides": [{"field": item.field, "value": item.value, "note": item.note,
                       "decided_by": item.decided_by.get_username(),
                       "decided_at": item.decided_at} for item in detail.overrides],
    }


def _api_value(record: GoldenRecord, name: str) -> str | None:
    value = record.commune_id if name == "commune_code" else getattr(record, name)
    if isinstance(value, date):
        return value.isoformat()
    return value or None


@router.get("/mdm/golden-records/{golden_id}", response={200: GoldenRecordOut, **REFUSED},
            summary="A golden record with its lineage and source records")
def get_golden(request, golden_id: str):
    return _golden(request, selectors.golden_by_id(_steward(request), golden_id))


@router.get("/mdm/golden-records/by-national-id/{national_id}",
            response={200: GoldenRecordOut, **REFUSED},
            summary="The golden record holding a personal identification number")
def get_golden_by_national_id(request, national_id: str):
    return _golden(request, selectors.golden_by_national_id(_steward(request), national_id))


@router.get("/mdm/review-pairs", response={200: list[ReviewPairOut], **REFUSED},
            summary="The review queue: pairs waiting for a decision, most likely first")
@paginate(LimitOffsetPagination)
def list_review_pairs(request):
    return selectors.review_queue(_steward(request))


@router.post("/mdm/review-pairs/{pair_id}/decision",
             response={201: PairDecisionOut, 422: ErrorOut, **REFUSED},
             summary="Decide a queued pair: the same person or not")
def decide_review_pair(request, pair_id: int, body: PairVerdictIn):
    user = _steward(request)
    pair = ReviewPair.objects.visible_to(user).filter(pk=pair_id).first()
    if pair is None:
        raise NotFound(_("There is no such pair in your queue."), code="unknown_pair")
    return HttpStatus(201, _decision(review.decide_pair(pair, body.verdict, user, body.note)))


@router.post("/mdm/decisions", response={201: PairDecisionOut, 422: ErrorOut, **REFUSED},
             summary="Decide any two source records: the same person or not")
def decide_records(request, body: RecordPairVerdictIn):
    user = _steward(request)
    decision = review.decide_pair((body.record_a, body.record_b), body.verdict, user, body.note)
    return HttpStatus(201, _decision(decision))
