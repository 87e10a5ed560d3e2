"""The public catalogue: browse and search procedures, read one, fill in its e-form.

Pages work without JavaScript; with htmx the search box swaps in only the results.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import render
from django.utils.http import urlencode

from haicap.catalog import presenters, selectors
from haicap.catalog.eforms import (
    cleaned_summary,
    eform_sections,
    needs_multipart,
    validate_submission,
)
from haicap.catalog.models import Procedure
from haicap.catalog.spec import Level, LifeEvent, ProcedureField, ProcedureSpec
from haicap.core.errors import NotFound

MAX_QUERY = 200
PAGE_SIZE = 50


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
    """/thu-tuc/<code>/nop/: the e-form; a valid POST is confirmed, not yet filed."""
    try:
        procedure, spec = _procedure(code)
    except NotFound as error:
        return _not_found(request, error)
    schema, layout = spec.form.form_schema, [section.model_dump() for section in spec.form.layout]
    errors, summary, data = {}, None, None
    if request.method == "POST":
        data = request.POST
        cleaned, errors = validate_submission(schema, data, source="form", files=request.FILES)
        if not errors:
            summary = cleaned_summary(schema, cleaned)
    context = {
        "procedure": procedure,
        "spec": spec,
        "sections": eform_sections(schema, layout, data=data, errors=errors),
        "errors": errors,
        "error_count": len(errors),
        "multipart": needs_multipart(schema),
        "summary": summary,
        "once_only": [row for row in presenters.document_rows(spec) if row.once_only],
    }
    status = 422 if errors else 200
    return render(request, "catalog/procedure_form.html", context, status=status)
