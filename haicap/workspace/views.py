"""Officer workspace pages: my queue and my unit's, a dossier with its actions, the counter
reception screen. Thin: selectors read (always from the scoped queues), the engine acts."""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from haicap.catalog.eforms import (
    api_answers,
    cleaned_summary,
    eform_fields,
    eform_sections,
    needs_multipart,
    validate_submission,
)
from haicap.catalog.selectors import procedure_by_code, search_procedures
from haicap.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from haicap.core.models import Office
from haicap.core.paging import BoundedPaginator
from haicap.core.roles import Role
from haicap.core.tokens import Caller
from haicap.documents.services import stored_descriptor
from haicap.dossiers import actions
from haicap.dossiers import selectors as dossier_selectors
from haicap.dossiers import services as dossier_services
from haicap.dossiers.models import Task
from haicap.workspace import selectors
from haicap.workspace.forms import ActionForm, ApplicantForm, QueueFilterForm

# Earliest due first: the rows an officer works on now. Each row costs rendering time on every
# page load; 25 keep the page within its 50 ms budget at 1M dossiers (benchmarks/RESULTS.md).
PAGE_SIZE = 25
# A queue is counted no further (an officer filters rather than pages through hundreds).
QUEUE_COUNT_CAP = 20 * PAGE_SIZE
PROCEDURE_RESULTS = 20
# The e-form fields that repeat the applicant block (the catalogue's usual names): left blank
# at the counter, they are filled in from it, so nothing is typed twice.
APPLICANT_FIELDS = {"applicant_full_name": "applicant-full_name",
                    "applicant_national_id": "applicant-id_number",
                    "applicant_phone": "applicant-phone",
                    "applicant_address": "applicant-address"}
# What each event-log action is called on the control sheet.
EVENT_LABELS = {
    "submit": gettext_lazy("Filed"),
    "receive": gettext_lazy("Received"),
    "claim": gettext_lazy("Claimed"),
    "forward": gettext_lazy("Forwarded"),
    "approve": gettext_lazy("Approved"),
    "sign": gettext_lazy("Signed"),
    "finish": gettext_lazy("Result ready"),
    "send_back": gettext_lazy("Sent back"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "supplement_submitted": gettext_lazy("Supplement sent online by the applicant"),
    "receive_supplement": gettext_lazy("Supplement received"),
    # Refused at reception or while in process (then it stops), unlike the status "Refused".
    "refuse": pgettext_lazy("control sheet event", "Refused"),
    "return_result": gettext_lazy("Result returned"),
    "hand_off": gettext_lazy("Handed off"),
    "extend": gettext_lazy("Apology and new appointment"),
    "withdraw": gettext_lazy("Withdrawn at the applicant's request"),
    "rate": gettext_lazy("Rated by the applicant"),
    "complain": gettext_lazy("Complaint from the applicant"),
    "answer_complaint": gettext_lazy("Complaint answered"),
}


def officer_required(view):
    """Signed-in officers with a unit; anyone else is told so (403)."""
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_officer or request.user.office_id is None:
            return _refused(request, _("This page is for officers of a unit."), 403)
        return view(request, *args, **kwargs)
    return wrapper


def _refused(request, message: str, status: int):
    return render(request, "workspace/refused.html", {"message": message}, status=status)


def _conflict_message() -> str:
    return _("The dossier was just updated by someone else — reload")


# -- the queue ------------------------------------------------------------------------------------

@officer_required
def queue(request):
    """/can-bo/ho-so/: my queue (or ?tab=unit, my unit's), filtered, earliest due first."""
    officer = request.user
    unit = request.GET.get("tab") == "unit"
    form = QueueFilterForm(request.GET or None,
                           procedures=selectors.queue_procedures(officer), unit=unit)
    filters = form.filters()
    page = BoundedPaginator(selectors.queue(officer, filters), PAGE_SIZE,
                            cap=QUEUE_COUNT_CAP).get_page(request.GET.get("page"))
    rows = selectors.queue_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "unit": unit,
               "query": query.urlencode(), "tab_query": _without(request.GET, "tab", "page")}
    template = "workspace/_queue_rows.html" if request.htmx else "workspace/queue.html"
    return render(request, template, context)


@officer_required
def awaiting_reception(request):
    """/can-bo/ho-so/cho-tiep-nhan/: dossiers filed online, by partners or linked, waiting for
    this desk to receive them (oldest first); each opens on its page with the actions."""
    if request.user.role != Role.DESK_OFFICER:
        return _refused(request, _("This page is for one-stop desk officers."), 403)
    page = Paginator(selectors.awaiting_reception(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "workspace/awaiting_reception.html", {"page": page})


def _without(params, *names) -> str:
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@officer_required
@require_POST
def bulk_claim(request):
    """Claim the ticked tasks: one transaction each; report which were taken and which had
    changed meanwhile."""
    officer = request.user
    wanted = {}
    for value in request.POST.getlist("task"):
        task_id, _sep, version = value.partition(":")
        if task_id.isdigit() and version.isdigit():
            wanted[int(task_id)] = int(version)
    tasks = (Task.objects.queue_of_unit(officer).filter(pk__in=wanted)
             .select_related("dossier"))
    claimed, conflicted = [], []
    for task in tasks:
        try:
            actions.perform("claim", officer=officer, dossier=task.dossier, task=task,
                            lock_version=wanted[task.pk])
        except DomainError:
            conflicted.append(task.dossier.code)
        else:
            claimed.append(task.dossier.code)
    missing = len(wanted) - len(claimed) - len(conflicted)
    if claimed:
        messages.success(request, _("Claimed: %(codes)s.") % {"codes": ", ".join(claimed)})
    if conflicted or missing:
        codes = ", ".join(conflicted) or "—"
        messages.error(request, _("Not claimed (changed or taken meanwhile): %(codes)s.")
                       % {"codes": codes})
    if not wanted:
        messages.error(request, _("Tick the dossiers to claim first."))
    back = reverse("workspace:queue")
    return redirect(f"{back}?{request.POST.get('back', '')}" if request.POST.get("back")
                    else back)


# -- one dossier ----------------------------------------------------------------------------------

def _dossier_or_404(request, code: str):
    try:
        return dossier_selectors.dossier_for(Caller(user=request.user), code)
    except NotFound as error:
        raise _NotVisible(error.message) from None


class _NotVisible(Exception):
    pass


@officer_required
def dossier(request, code: str):
    """/can-bo/ho-so/<code>/: form data, documents, open step, history, allowed actions."""
    try:
        found = _dossier_or_404(request, code)
    except _NotVisible as error:
        return _refused(request, str(error), 404)
    return _dossier_page(request, found, ActionForm(), status=200)


def _dossier_page(request, found, action_form, *, status: int, alert: str = "",
                  failed_action: str = "", conflict: bool = False):
    officer = request.user
    task = selectors.current_task(officer, found)
    spec = found.procedure_version.spec
    events = list(found.events.all())
    office_ids = {event.office_id for event in events} | {
        event.data.get(key) for event in events for key in ("from_office", "to_office")}
    offices = Office.objects.in_bulk([pk for pk in office_ids if isinstance(pk, int)])
    history = [{"event": event, "office": offices.get(event.office_id),
                "label": EVENT_LABELS.get(event.action, event.action),
                "note": "" if event.action == "submit" else event.note,
                "from_office": offices.get(event.data.get("from_office")),
                "to_office": offices.get(event.data.get("to_office")),
                "on_time": event.data.get("on_time")} for event in events]
    now, soon = selectors.badge_clock()
    context = {
        "dossier": found, "task": task, "spec": spec,
        "summary": cleaned_summary(spec.form.form_schema, found.form_data),
        "documents": list(found.documents.all()),
        "history": history,
        "actions": actions.available(officer, found, task),
        "action_form": action_form, "alert": alert, "failed_action": failed_action,
        "conflict": conflict,
        "badge": selectors.deadline_badge(found.due_at, found.status, now, soon),
        "task_badge": selectors.deadline_badge(task.due_at, found.status, now, soon)
        if task else "",
        "slip_url": slip_url(found.code),
    }
    return render(request, "workspace/dossier.html", context, status=status)


def slip_url(code: str, form: str = "01") -> str:
    """The slip's PDF (the slips app), or "" while that page does not exist."""
    try:
        return reverse("slips:slip", kwargs={"code": code, "form": form, "fmt": "pdf"})
    except NoReverseMatch:
        return ""


@officer_required
@require_POST
def dossier_action(request, code: str):
    """POST an action on the dossier (htmx or a plain form) with the lock version it was
    read at; a stale one is 409 and the page says to reload."""
    try:
        found = _dossier_or_404(request, code)
    except _NotVisible as error:
        return _refused(request, str(error), 404)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _dossier_page(request, found, form, status=422,
                             failed_action=request.POST.get("action", ""))
    data = form.cleaned_data
    task = None
    if data.get("task"):
        task = Task.objects.visible_to(request.user).filter(
            pk=data["task"], dossier=found).select_related("office").first()
    try:
        actions.perform(data["action"], officer=request.user, dossier=found, task=task,
                        lock_version=data["lock_version"], reason=data.get("reason") or "",
                        new_due_at=data.get("new_due_at"))
    except dossier_services.Conflict:
        if request.htmx:
            messages.error(request, _conflict_message())
            response = HttpResponse(status=409)
            response["HX-Refresh"] = "true"
            return response
        found = _dossier_or_404(request, code)
        return _dossier_page(request, found, ActionForm(), status=409,
                             alert=_conflict_message(), conflict=True)
    except PermissionDenied as error:
        return _dossier_page(request, found, ActionForm(), status=403, alert=error.message)
    except InvalidInput as error:
        return _dossier_page(request, found, form, status=422, alert=error.message,
                             failed_action=data["action"])
    messages.success(request, _("Done: %(action)s.") % {
        "action": actions.ALL[data["action"]].label})
    target = reverse("workspace:dossier", args=[found.code])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


# -- counter reception ----------------------------------------------------------------------------

@officer_required
@require_http_methods(["GET", "POST"])
def reception(request):
    """/can-bo/tiep-nhan/: pick the procedure, type the applicant and the e-form, Enter files
    it (channel in person, received at the officer's desk)."""
    officer = request.user
    if officer.role != Role.DESK_OFFICER:
        return _refused(request, _("Only one-stop desk officers receive dossiers."), 403)
    params = request.POST if request.method == "POST" else request.GET
    query = params.get("q", "").strip()[:100]
    procedure = _chosen_procedure(params.get("procedure", ""), query)
    if procedure is None:
        results = list(search_procedures(query)[:PROCEDURE_RESULTS]) if query else []
        context = {"query": query, "results": results,
                   "received": _received(request)}
        template = ("workspace/_procedure_results.html" if request.htmx
                    else "workspace/reception.html")
        return render(request, template, context)

    spec = procedure.spec
    schema = spec.form.form_schema
    layout = [section.model_dump() for section in spec.form.layout]
    applicant_form = ApplicantForm(request.POST or None)
    errors, alert, status = {}, "", 200
    answers = _with_applicant(request.POST, schema) if request.method == "POST" else None
    if request.method == "POST":
        cleaned, errors = validate_submission(schema, answers, source="form",
                                              files=request.FILES)
        if applicant_form.is_valid() and not errors:
            try:
                submission = _submit(officer, procedure.code, schema, applicant_form, cleaned,
                                     request.FILES)
            except InvalidInput as error:
                errors = _file_errors(error, cleaned)
                alert = "" if errors else _place_error(applicant_form, error)
            else:
                return redirect(f"{reverse('workspace:reception')}?received="
                                f"{submission.dossier.code}")
        status = 422
    context = {
        "procedure": procedure, "query": query, "applicant_form": applicant_form,
        "sections": eform_sections(schema, layout, data=answers, errors=errors),
        "error_count": len(errors) + len(applicant_form.errors), "alert": alert,
        "multipart": needs_multipart(schema),
    }
    return render(request, "workspace/reception.html", context, status=status)


def _with_applicant(posted, schema):
    """The posted answers, blank applicant fields of the e-form taken from the applicant."""
    answers = posted.copy()
    names = {item.name for item in eform_fields(schema)}
    for field, source in APPLICANT_FIELDS.items():
        if field in names and not answers.get(field, "").strip():
            answers[field] = posted.get(source, "")
    return answers


def _chosen_procedure(code: str, query: str):
    """The procedure picked from the list, or typed by its exact code."""
    for candidate in (code, query):
        if candidate and re.fullmatch(r"[\d.]+", candidate):
            try:
                return procedure_by_code(candidate)
            except NotFound:
                continue
    return None


def _received(request):
    code = request.GET.get("received", "")
    if not code:
        return None
    found = selectors.received_dossier(request.user, code)
    return {"dossier": found, "slip_url": slip_url(found.code)} if found else None


def _submit(officer, procedure_code: str, schema, applicant_form, cleaned, files):
    """The checked HTML answers as the dossier service takes them (the API's shape); the
    scanned documents are stored (checked, hashed, virus-scanned) and linked to the dossier."""
    data = applicant_form.cleaned_data
    form, file_fields = api_answers(schema, cleaned)
    documents = {name: stored_descriptor(files[name], uploader=officer, field=name)
                 for name in file_fields}
    applicant = dossier_services.Applicant(
        id_number=re.sub(r"[\s.]", "", data["id_number"]),
        full_name=data["full_name"], address=data["address"], phone=data["phone"])
    return dossier_services.submit_dossier(
        procedure_code=procedure_code, channel="in_person", applicant=applicant, form=form,
        documents=documents, receiving_office=officer.office, submitted_by=officer)


def _file_errors(error: InvalidInput, cleaned) -> dict:
    """A refused scan (too large, not what it says, infected), shown next to its field."""
    details = error.details if isinstance(error.details, dict) else {}
    return {name: problems for name, problems in details.items() if name in cleaned}


def _place_error(applicant_form, error: InvalidInput) -> str:
    """Put the service's refusal next to the field it is about; else above the form."""
    details = error.details if isinstance(error.details, dict) else {}
    if "address" in details or "address" in error.code:
        applicant_form.add_error("address", error.message)
        return ""
    if "national_id" in error.code or "id_number" in error.code:
        applicant_form.add_error("id_number", error.message)
        return ""
    if "name" in error.code:
        applicant_form.add_error("full_name", error.message)
        return ""
    if "phone" in error.code:
        applicant_form.add_error("phone", error.message)
        return ""
    return error.message

