"""The public catalogue: browse and search procedures, read one, fill in its e-form.

Pages work without JavaScript; with htmx the search box swaps in only the results.
"""

import secrets
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from haicap.catalog import presenters, selectors
from haicap.catalog.eforms import (
    cleaned_summary,
    eform_fields,
    eform_sections,
    needs_multipart,
    validate_submission,
)
from haicap.catalog.models import Procedure
from haicap.catalog.spec import Level, LifeEvent, ProcedureField, ProcedureSpec
from haicap.core.errors import DomainError, NotFound
from haicap.core.roles import Role
from haicap.portal import services as portal_services
from haicap.registries.population import RegistryUnavailable, population_registry

MAX_QUERY = 200
PAGE_SIZE = 50
FILING_TOKEN = "filing_token"  # the form's idempotency key: a double click files once
KEPT_ANSWERS = "eform_answers"
NOT_ANSWERS = {"csrfmiddlewaretoken", FILING_TOKEN}
# The dossier service's refusals of the applicant's address (the e-form's applicant_address).
APPLICANT_ADDRESS_ERRORS = {"invalid_applicant_address", "address_outside_province"}


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int
    url: str
    active: bool


@dataclass(frozen=True)
class ProcedureRow:
    """One search result, everything in words."""

    code: str
    name: str
    level: str
    deadline: str
    fees: str
    full_online: bool


def _row(procedure: Procedure) -> ProcedureRow:
    spec = procedure.spec
    return ProcedureRow(
        code=procedure.code,
        name=procedure.name,
        level=str(Level(procedure.level).label),
        deadline=presenters.deadline_text(spec.deadline),
        fees=presenters.fee_summary(spec),
        full_online=procedure.full_online,
    )


def _filters(request) -> dict:
    """The filters of the query string; values the catalogue does not know are dropped."""
    params = request.GET
    filters = {
        "q": params.get("q", "").strip()[:MAX_QUERY],
        "field": params.get("field", ""),
        "life_event": params.get("life_event", ""),
        "level": params.get("level", ""),
        "full_online": params.get("full_online", ""),
    }
    if filters["field"] not in ProcedureField.values:
        filters["field"] = ""
    if filters["life_event"] not in LifeEvent.values:
        filters["life_event"] = ""
    if filters["level"] not in Level.values:
        filters["level"] = ""
    if filters["full_online"] not in ("", "1"):
        filters["full_online"] = ""
    return filters


def _url(filters: dict, **changes) -> str:
    params = {key: value for key, value in {**filters, **changes}.items() if value}
    return "?" + urlencode(params) if params else "?"


def _facets(filters: dict) -> tuple[list[Facet], list[Facet]]:
    """Life events and fields with how many procedures each has (two queries)."""
    published = selectors.published_procedures().select_related(None)
    event_counts = Counter(
        event for events in published.values_list("life_events", flat=True) for event in events)
    field_counts = dict(published.order_by().values_list("field").annotate(n=Count("id")))
    events = [
        Facet(value, str(label), event_counts[value],
              _url(filters, life_event="" if filters["life_event"] == value else value),
              filters["life_event"] == value)
        for value, label in LifeEvent.choices if event_counts[value]
    ]
    fields = [
        Facet(value, str(label), field_counts[value],
              _url(filters, field="" if filters["field"] == value else value),
              filters["field"] == value)
        for value, label in ProcedureField.choices if field_counts.get(value)
    ]
    return events, fields


def procedure_list(request):
    """/thu-tuc/: search box, life events and fields with counts, the matching procedures."""
    filters = _filters(request)
    procedures = selectors.search_procedures(
        filters["q"], field=filters["field"] or None, life_event=filters["life_event"] or None,
        level=filters["level"] or None, full_online=True if filters["full_online"] else None,
    )
    rows = [_row(procedure) for procedure in procedures[:PAGE_SIZE + 1]]
    context = {
        "filters": filters,
        "rows": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "searched": any(filters.values()),
        "levels": Level.choices,
    }
    context["events"], context["fields"] = _facets(filters)
    if request.htmx:
        return render(request, "catalog/_results.html", context)
    return render(request, "catalog/procedure_list.html", context)


def _procedure(code: str) -> tuple[Procedure, ProcedureSpec]:
    procedure = selectors.procedure_by_code(code)
    return procedure, procedure.spec


def _not_found(request, error: NotFound):
    return render(request, "catalog/not_found.html", {"message": error.message}, status=404)


def procedure_detail(request, code: str):
    """/thu-tuc/<code>/: documents, fees, deadline, where to file, result, legal bases."""
    try:
        procedure, spec = _procedure(code)
    except NotFound as error:
        return _not_found(request, error)
    linked = {item.code: item for item in
              selectors.published_procedures().filter(code__in=spec.linked_procedures)}
    context = {
        "procedure": procedure,
        "spec": spec,
        "level": Level(procedure.level).label,
        "field": ProcedureField(procedure.field).label,
        "deadline": presenters.deadline_text(spec.deadline),
        "deadline_extension": presenters.deadline_extension_text(spec.deadline),
        "expected_date": presenters.expected_date(spec),
        "documents": presenters.document_rows(spec),
        "fees": [(fee, presenters.fee_rule_text(fee)) for fee in spec.fees],
        "free": presenters.is_free(spec),
        "channels": presenters.channel_labels(spec),
        "online": "online" in spec.channels,
        "linked": [(code, linked.get(code)) for code in spec.linked_procedures],
        "life_events": [LifeEvent(event).label for event in spec.life_events],
    }
    return render(request, "catalog/procedure_detail.html", context)


def procedure_form(request, code: str):
    """/thu-tuc/<code>/nop/: the e-form. A signed-in citizen files it: a dossier, then its
    confirmation page. Anyone else can fill it in and check it; a visitor is offered VNeID
    sign-in, and the answers (not the files) wait in the session until they are back."""
    try:
        procedure, spec = _procedure(code)
    except NotFound as error:
        return _not_found(request, error)
    schema, layout = spec.form.form_schema, [section.model_dump() for section in spec.form.layout]
    can_file = _can_file_online(request.user, spec)
    errors, summary, alert = {}, None, ""
    token = request.POST.get(FILING_TOKEN, "")
    if request.method == "POST":
        data = request.POST
        cleaned, errors = validate_submission(schema, data, source="form", files=request.FILES)
        if not errors and can_file:
            try:
                submission = portal_services.file_online(
                    citizen=request.user, procedure_code=procedure.code, schema=schema,
                    cleaned=cleaned, files=request.FILES, token=token)
            except DomainError as error:
                errors, alert = _filing_errors(error, schema)
            else:
                return redirect("portal:filed", code=submission.dossier.code)
        elif not errors:
            summary = cleaned_summary(schema, cleaned)
            if not request.user.is_authenticated:
                _keep_answers(request, procedure.code, data)
    else:
        data = _answers_for(request, procedure.code, schema, can_file)
    if not portal_services.TOKEN.match(token):
        token = secrets.token_urlsafe(24)
    context = {
        "procedure": procedure,
        "spec": spec,
        "sections": eform_sections(schema, layout, data=data, errors=errors),
        "errors": errors,
        "error_count": len(errors),
        "alert": alert,
        "multipart": needs_multipart(schema),
        "summary": summary,
        "once_only": [row for row in presenters.document_rows(spec) if row.once_only],
        "online": "online" in spec.channels,
        "can_file": can_file,
        "token": token,
        "sign_in_url": f"{reverse('core:vneid_start')}?{urlencode({'next': request.path})}",
    }
    status = 422 if errors or alert else 200
    return render(request, "catalog/procedure_form.html", context, status=status)


def _can_file_online(user, spec: ProcedureSpec) -> bool:
    """A citizen signed in with VNeID, for a procedure that takes online dossiers."""
    return ("online" in spec.channels and user.is_authenticated and user.role == Role.CITIZEN
            and bool(user.national_id))


def _keep_answers(request, code: str, data) -> None:
    """A visitor's checked answers, kept for after the VNeID sign-in (files cannot be)."""
    answers = {name: values for name, values in data.lists() if name not in NOT_ANSWERS}
    request.session[KEPT_ANSWERS] = {code: answers}


def _answers_for(request, code: str, schema, can_file: bool):
    """A citizen's answers to start from: those kept from before the sign-in, blanks about
    the applicant filled from VNeID (once-only); a visitor's form starts empty."""
    if not can_file:
        return None
    kept = request.session.get(KEPT_ANSWERS, {})
    answers = QueryDict(mutable=True)
    for name, values in kept.get(code, {}).items():
        answers.setlist(name, values)
    if code in kept:
        del request.session[KEPT_ANSWERS]
        if needs_multipart(schema):
            messages.info(request, _("Your answers were kept. Attach the documents again, "
                                     "then file the dossier."))
    names = {item.name for item in eform_fields(schema)}
    for name, value in _identity(request.user).items():
        if name in names and value and not answers.get(name, "").strip():
            answers[name] = value
    return answers


def _identity(citizen) -> dict:
    """What VNeID and the population database say about the signed-in applicant: the account's
    own details first, blanks from the population database (once-only; an outage only leaves
    them blank)."""
    known = {"applicant_full_name": citizen.full_name,
             "applicant_national_id": citizen.national_id,
             "applicant_phone": citizen.phone,
             "applicant_address": portal_services.registered_address(citizen)}
    if citizen.national_id and not (known["applicant_phone"] and known["applicant_address"]):
        try:
            person = population_registry().person(citizen.national_id)
        except RegistryUnavailable:
            person = None
        if person is not None:
            known["applicant_phone"] = known["applicant_phone"] or person.phone
            known["applicant_address"] = known["applicant_address"] or person.address
    return known


def _filing_errors(error: DomainError, schema) -> tuple[dict, str]:
    """The dossier service's refusal next to the fields it names; anything else above the
    form."""
    names = {item.name for item in eform_fields(schema)}
    details = error.details if isinstance(error.details, dict) else {}
    if error.code in APPLICANT_ADDRESS_ERRORS:
        details = {"applicant_address": [{"code": error.code}]}
    errors = {name: [
        {"code": item.get("code", error.code), "message": item.get("message") or error.message}
        for item in items] for name, items in details.items()}
    if errors and set(errors) <= names:
        return errors, ""
    return {}, error.message
