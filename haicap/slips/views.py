"""Slips of a dossier as PDF or HTML for officers (scoped by unit), and the citizen's receipt.

`/can-bo/phieu/<code>/<form>.pdf|html` for forms 01, 02, 03, 04 (the latest apology) and 06;
`/can-bo/phieu/so-theo-doi.pdf?from=…&to=…` for the register (form 07) of the officer's own
office. Another unit's dossier, or a slip that does not apply to the dossier, is a 404.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haicap.core.errors import NotFound
from haicap.dossiers.models import Dossier
from haicap.slips import builders
from haicap.slips.render import slip_response

FORMS = {
    "01": builders.receipt_slip,
    "02": builders.supplement_request_slip,
    "03": builders.refusal_slip,
    "04": lambda dossier, base_url: builders.apology_slip(
        dossier, builders.latest_extension(dossier), base_url),
    "06": builders.control_sheet,
}
# The applicant may download their own receipt; every other slip is for officers.
APPLICANT_FORMS = ("01",)
# A register longer than a year belongs in a task, not a request.
MAX_REGISTER_DAYS = 366


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _dossier(request, code: str, form: str) -> Dossier:
    user = request.user
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure_version", "receiving_office__province",
        "competent_office__province")
    if user.is_officer or user.is_administrator:
        dossiers = dossiers.visible_to(user)
    elif form in APPLICANT_FORMS:
        dossiers = dossiers.filter(applicant=user)
    else:
        raise Http404
    dossier = dossiers.filter(code=code).first()
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_GET
def dossier_slip(request, code: str, form: str, fmt: str):
    dossier = _dossier(request, code, form)
    try:
        slip = FORMS[form](dossier, _base_url(request))
    except NotFound as error:
        raise Http404 from error
    return slip_response(slip, fmt, f"{dossier.code}-mau-{form}")


@login_required
@require_GET
def register(request, fmt: str):
    """Form 07 of the officer's own office for the days `from`–`to` (YYYY-MM-DD, included)."""
    user = request.user
    if not user.is_officer or user.office is None:
        raise Http404
    try:
        date_from = date.fromisoformat(request.GET.get("from", ""))
        date_to = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return _bad_request(_("Give the period as from=YYYY-MM-DD and to=YYYY-MM-DD."))
    if date_to < date_from:
        return _bad_request(_("The end of the period is before its start."))
    if date_to - date_from > timedelta(days=MAX_REGISTER_DAYS):
        return _bad_request(_("The period is longer than a year."))
    slip = builders.dossier_register(user.office, date_from, date_to, _base_url(request))
    return slip_response(slip, fmt, f"so-theo-doi-{date_from:%Y%m%d}-{date_to:%Y%m%d}")


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
