"""The operations centre API (django-ninja router, mounted under /api/v1): the KPI overview and
the Decision 766 scores of a unit and period, for a signed-in officer within their scope.

Partner bearer tokens are not accepted: a partner system has no unit to be scoped to, and
the figures of a unit are for its officers (open data publishes the aggregate counts)."""

from dataclasses import asdict
from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from haicap.core.errors import ErrorOut
from haicap.core.models import Office
from haicap.ioc import scores, selectors

router = Router(tags=["ioc"], auth=django_auth)


class IndicatorsIn(Schema):
    unit: str | None = Field(None, description="A province code or an office code; your own "
                                               "scope when left out")
    period: str | None = Field(None, description='"2026-11", "2026-Q4", "2026" or '
                                                 '"2026-11-01..2026-11-26"; this month when '
                                                 "left out")
    procedure: str | None = Field(None, description="A procedure code")


class PeriodOut(Schema):
    start: date
    end: date


class BucketOut(Schema):
    label: str
    count: int


class TrendPointOut(Schema):
    day: date = Field(description="The day, or the first day of the month for long periods")
    received: int
    finished: int
    on_time: int


class OverviewOut(Schema):
    received: int = Field(description="Dossiers filed in the period, any channel")
    finished: int = Field(description="Dossiers whose result was ready in the period")
    finished_on_time: int
    finished_late: int
    on_time_rate: float | None = Field(description="Percent of finished; null: none finished")
    late_rate: float | None
    in_process: int = Field(description="Open dossiers now")
    online: int
    online_rate: float | None
    full_online_rate: float | None
    backlog: list[BucketOut] = Field(description="Open dossiers by age in calendar days")
    overdue_open: int
    trend: list[TrendPointOut]


class PartOut(Schema):
    name: str
    numerator: int | None
    denominator: int | None
    rate: float | None = Field(description="Percent; null: no data")


class GroupOut(Schema):
    key: str
    name: str
    max_points: int
    points: float = Field(description="0 when the group has no data")
    rate: float | None = Field(description="Percent; null: no data (no points given)")
    has_data: bool
    definition: str
    parts: list[PartOut]


class ScoresOut(Schema):
    total: float
    max_points: int
    groups: list[GroupOut]


class IndicatorsOut(Schema):
    province: str
    unit: str | None = Field(description="The office code, or null for the whole province")
    procedure: str | None
    period: PeriodOut
    overview: OverviewOut
    scores: ScoresOut = Field(description="Decision 766/QĐ-TTg")


@router.get("/ioc/indicators", response={200: IndicatorsOut, 401: ErrorOut, 403: ErrorOut,
                                         422: ErrorOut},
            summary="KPI overview and Decision 766 scores of a unit and period")
def indicators(request, filters: Query[IndicatorsIn]):
    """Invalid filters answer 422 with a stable code (`invalid_period`, `invalid_unit`,
    `invalid_procedure`); a period without dossiers answers zeros and null rates."""
    period = selectors.Period.parse(filters.period)
    scope = selectors.scope_from(request.user, filters.unit, filters.procedure)
    found = scores.scores(scope, period)
    return {
        "province": scope.province_id,
        "unit": _office_code(scope),
        "procedure": filters.procedure if scope.procedure_id is not None else None,
        "period": {"start": period.start, "end": period.end},
        "overview": asdict(selectors.overview(scope, period)),
        "scores": {"total": found.total, "max_points": found.max_points,
                   "groups": [asdict(group) for group in found.groups]},
    }


def _office_code(scope: selectors.Scope) -> str | None:
    if scope.office_id is None:
        return None
    return Office.objects.filter(pk=scope.office_id).values_list("code", flat=True).first()
