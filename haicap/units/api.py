"""Units API: provinces and communes since 1 July 2025, their predecessors, address conversion."""

from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from haicap.core.errors import ErrorOut, InvalidInput, PayloadTooLarge
from haicap.units import selectors
from haicap.units.address import MAX_LENGTH, normalize_addresses
from haicap.units.models import CommuneKind

router = Router(tags=["units"])


class ProvinceOut(Schema):
    code: str = Field(..., examples=["48"])
    name: str
    short_name: str
    kind: str


class CommuneOut(Schema):
    code: str = Field(..., examples=["20194"])
    name: str
    short_name: str
    kind: str
    province_code: str = Field(..., alias="province_id")
    province_name: str = Field(..., alias="province.name")


class LegacyProvinceOut(Schema):
    code: str
    name: str
    source: str
    legal_basis: str
    effective_date: date


class ProvinceDetailOut(ProvinceOut):
    predecessors: list[LegacyProvinceOut]

    @staticmethod
    def resolve_predecessors(obj):
        return list(obj.predecessors.all())


class UnitRefOut(Schema):
    code: str
    name: str


class PredecessorOut(Schema):
    code: str
    name: str
    kind: str
    district: UnitRefOut
    province: UnitRefOut
    is_split: bool = Field(..., description="The old commune was divided among several new ones.")
    is_default: bool = Field(..., description="This commune took the old commune's seat.")
    source: str
    legal_basis: str
    effective_date: date


class CommuneDetailOut(CommuneOut):
    predecessors: list[PredecessorOut]

    @staticmethod
    def resolve_predecessors(obj):
        return [
            {
                "code": item.legacy_commune.code, "name": item.legacy_commune.name,
                "kind": item.legacy_commune.kind,
                "district": item.legacy_commune.district,
                "province": item.legacy_commune.district.province,
                "is_split": item.is_split, "is_default": item.is_default,
                "source": item.source, "legal_basis": item.legal_basis,
                "effective_date": item.effective_date,
            }
            for item in obj.successions.all()
        ]


class SuccessorOut(Schema):
    code: str
    name: str
    province: UnitRefOut
    is_split: bool
    is_default: bool
    source: str
    legal_basis: str
    effective_date: date


class LegacyCommuneOut(Schema):
    code: str
    name: str
    kind: str
    district: UnitRefOut
    province: UnitRefOut = Field(..., alias="district.province")
    successors: list[SuccessorOut]

    @staticmethod
    def resolve_successors(obj):
        return [
            {
                "code": item.commune.code, "name": item.commune.name,
                "province": item.commune.province, "is_split": item.is_split,
                "is_default": item.is_default, "source": item.source,
                "legal_basis": item.legal_basis, "effective_date": item.effective_date,
            }
            for item in obj.successions.all()
        ]


class NormalizeIn(Schema):
    addresses: list[Any] = Field(
        ..., description=f"Free-text addresses, 1 to {settings.HAICAP_ADDRESS_BATCH_LIMIT}, "
                         f"each a string of at most {MAX_LENGTH} characters.",
        examples=[["12 Hàng Bạc, P. Hàng Bạc, Q. Hoàn Kiếm, Hà Nội"]])


class CandidateOut(Schema):
    commune_code: str
    commune_name: str
    province_code: str
    province_name: str
    score: float
    reason: str = Field(..., description="current_name, old_name, split, old_district_only; "
                                         "similar_… when matched despite a typo")


class OldUnitsOut(Schema):
    commune: UnitRefOut | None
    district: UnitRefOut | None
    province: UnitRefOut | None


class AddressOut(Schema):
    input: str
    status: str = Field(..., description="resolved, ambiguous or unresolved")
    street: str
    commune_code: str | None
    commune_name: str | None
    province_code: str | None
    province_name: str | None
    new_address: str
    confidence: float
    old_units: OldUnitsOut
    candidates: list[CandidateOut]


class NormalizeOut(Schema):
    results: list[AddressOut]


@router.get("/units/provinces", response=list[ProvinceOut], summary="The 34 provinces")
def list_provinces(request):
    return selectors.provinces()


@router.get("/units/provinces/{code}", response={200: ProvinceDetailOut, 404: ErrorOut},
            summary="A province with the provinces it was merged from")
def get_province(request, code: str):
    return selectors.province_with_predecessors(code)


@router.get("/units/communes", response=list[CommuneOut],
            summary="Search communes (with or without tone marks)")
@paginate(LimitOffsetPagination)
def list_communes(request, province: str = "", q: str = "", kind: CommuneKind | None = None):
    return selectors.communes(province=province, q=q, kind=kind or "")


@router.get("/units/communes/{code}", response={200: CommuneDetailOut, 404: ErrorOut},
            summary="A commune with the old communes it was formed from")
def get_commune(request, code: str):
    return selectors.commune_with_predecessors(code)


@router.get("/units/legacy-communes/{code}", response={200: LegacyCommuneOut, 404: ErrorOut},
            summary="An old commune (before 1 July 2025) with the new commune(s) it went into")
def get_legacy_commune(request, code: str):
    return selectors.legacy_commune_with_successors(code)


@router.post("/addresses/normalize",
             response={200: NormalizeOut, 413: ErrorOut, 422: ErrorOut},
             summary="Convert a batch of free-text addresses to the new units")
def normalize(request, payload: NormalizeIn):
    addresses = payload.addresses
    limit = settings.HAICAP_ADDRESS_BATCH_LIMIT
    if len(addresses) > limit:
        raise PayloadTooLarge(
            _("At most %(limit)d addresses per request; this one has %(count)d.")
            % {"limit": limit, "count": len(addresses)},
            code="batch_too_large", details={"limit": limit, "count": len(addresses)})
    if not addresses:
        raise InvalidInput(_("Send at least one address."), code="invalid_addresses",
                           details=[])
    bad = [
        {"index": position,
         "reason": _("not text") if not isinstance(item, str)
         else _("longer than %(max)d characters") % {"max": MAX_LENGTH}}
        for position, item in enumerate(addresses)
        if not isinstance(item, str) or len(item) > MAX_LENGTH
    ]
    if bad:
        raise InvalidInput(
            _("Some addresses are not valid: items %(indexes)s.")
            % {"indexes": ", ".join(str(item["index"]) for item in bad)},
            code="invalid_addresses", details=bad)
    return {"results": [result.as_dict() for result in normalize_addresses(addresses)]}
