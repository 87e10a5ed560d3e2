"""/cong-quoc-gia/: the national portal feed for the operations centre — the reconciliation
(with resending) and the synchronization report (page and CSV). Thin: selectors and services."""

import csv
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haicap.core.errors import DomainError
from haicap.core.periods import Period
from haicap.dossiers.models import NationalStatus
from haicap.national_portal import selectors, services
from haicap.national_portal.portals import national_portal
from haicap.national_portal.services import FEED_ROLES


def feed_viewer_required(view):
    """Operations-centre viewers and administrators; anyone else is told so (403)."""
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role not in FEED_ROLES:
            return render(request, "national_portal/refused.html", status=403)
        return view(request, *args, **kwargs)
    return wrapper


def _period(request) -> tuple[Period, str]:
    """The asked period, or the current month with the reason it was not taken."""
    text = request.GET.get("period") or request.POST.get("period") or ""
    try:
        return Period.parse(text), ""
    except DomainError as error:
        return Period.parse(None), error.message


@feed_viewer_required
@require_GET
def reconciliation(request):
    period, error = _period(request)
    return _reconciliation_page(request, period, error)


def _reconciliation_page(request, period: Period, error: str = "", done: str = ""):
    found = selectors.reconciliation(selectors.items_for(request.user), period)
    template = ("national_portal/_reconciliation.html" if request.htmx
                else "national_portal/reconciliation.html")
    return render(request, template, {"found": found, "period": period, "error": error,
                                      "done": done, "statuses": NationalStatus})


@feed_viewer_required
@require_POST
def resend(request):
    period, _error = _period(request)
    ids = [int(value) for value in request.POST.getlist("item") if value.isdigit()]
    try:
        count = services.resend(officer=request.user, item_ids=ids)
        done = _("%(count)d item(s) queued again; they leave with the next pass.") % {
            "count": count}
    except DomainError as error:
        done = error.message
    if not request.htmx:
        return redirect(f"{reverse('national_portal:reconciliation')}?period={period}")
    return _reconciliation_page(request, period, done=done)


@feed_viewer_required
@require_GET
def sync_report(request):
    period, error = _period(request)
    report = selectors.sync_report(selectors.items_for(request.user), period)
    if request.GET.get("format") == "csv":
        return _csv(report)
    template = ("national_portal/_sync_report.html" if request.htmx
                else "national_portal/sync_report.html")
    return render(request, template, {
        "report": report, "period": period, "error": error, "statuses": NationalStatus,
        "sandbox": national_portal().is_sandbox})


def _csv(report: selectors.SyncReport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="national-sync-report-'
                                       f'{report.period}.csv"')
    response.write("\ufeff")  # Excel reads UTF-8 Vietnamese only with the BOM
    writer = csv.writer(response)
    for row in selectors.rows_for_csv(report):
        writer.writerow(row)
    return response
