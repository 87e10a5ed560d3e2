"""The national portal feed API (django-ninja router, mounted under /api/v1): the
synchronization report, the reconciliation and resending, for operations-centre viewers and
administrators (signed-in session). The portal behind it is a SANDBOX: every answer says so."""

from datetime import date

from ninja import Field, Router, Schema
from ninja.security import django_auth

from haicap.core.errors import ErrorOut
from haicap.core.periods import Period
from haicap.national_portal import selectors, services
from haicap.national_portal.portals import national_portal

router = Router(tags=["national-portal"], auth=django_auth)

PERIOD_HELP = ("A day (2026-11-26), a month (2026-11), a quarter (2026-Q4), a year (2026) or "
               "two days (2026-11-01..2026-11-26); the current month when left out")


class SyncRowOut(Schema):
    day: date | None = Field(description="None on the period's totals")
    procedure_code: str = Field(description="MaTTHC")
    procedure_name: str
    received: int = Field(description="Dossiers received for the first time (status 2)")
    in_process: int = Field(description="Dossiers open at the end (statuses 1, 2, 4, 5, 6)")
    finished_on_time: int = Field(description="Processed (status 9) on or before the "
                                              "appointment")
    finished_late: int
    returned: int = Field(description="Result returned (status 10)")
    ended_without_result: int = Field(description="Not received, withdrawn, stopped (3, 7, 8)")
    by_status: dict[int, int] = Field(description="Dossiers entering each national status "
                                                  "1–10")


class SyncReportOut(Schema):
    period: str
    start: date
    end: date
    sandbox: bool = Field(description="The feed goes to a sandbox portal, not the real one")
    totals: list[SyncRowOut] = Field(description="Per procedure over the period")
    rows: list[SyncRowOut] = Field(description="Per day × procedure")


class DayOut(Schema):
    day: date | None
    produced: int
    sent: int
    acknowledged: int
    rejected: int
    failed: int = Field(description="Given up after the allowed attempts")
    pending: int
    retried: int = Field(description="Sent more than once")


class DiscrepancyOut(Schema):
    kind: str = Field(description="sent_not_acknowledged (waiting for a retry), rejected, "
                                  "given_up, acknowledged_not_recorded (the portal holds it, "
                                  "we have no acknowledgement) or recorded_not_at_portal")
    item_id: int
    key: str = Field(description="MaDongBo")
    dossier_code: str
    national_status: int
    status: str
    attempts: int
    detail: str
    resendable: bool


class ReconciliationOut(Schema):
    period: str
    sandbox: bool
    portal_checked: bool = Field(description="Whether the portal said which items it holds")
    days: list[DayOut]
    totals: DayOut | None
    discrepancy_count: int
    discrepancies: list[DiscrepancyOut] = Field(description="The first 500")


class ResendIn(Schema):
    ids: list[int] = Field(min_length=1, description="Failed or rejected feed items")


class ResentOut(Schema):
    resent: int


@router.get("/national-portal/sync-report",
            response={200: SyncReportOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="The synchronization report the national portal expects (sandbox)")
def sync_report(request, period: str | None = None):
    """Per day × procedure and per procedure: dossiers received, in process, processed on
    time / late, returned, and entering each national status 1–10. A bad period answers 422
    with code `invalid_period`."""
    items = selectors.items_for(request.user)
    report = selectors.sync_report(items, Period.parse(period))
    return {"period": str(report.period), "start": report.period.start,
            "end": report.period.end, "sandbox": national_portal().is_sandbox,
            "totals": report.totals, "rows": report.rows}


@router.get("/national-portal/reconciliation",
            response={200: ReconciliationOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="What was sent to the national portal vs what it acknowledged (sandbox)")
def reconciliation(request, period: str | None = None):
    items = selectors.items_for(request.user)
    found = selectors.reconciliation(items, Period.parse(period))
    return {**found.__dict__, "period": str(found.period)}


@router.post("/national-portal/items/resend",
             response={200: ResentOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
             summary="Queue failed or rejected feed items again (audited)")
def resend(request, payload: ResendIn):
    return {"resent": services.resend(officer=request.user, item_ids=payload.ids)}
