"""/du-lieu-chu/: the data steward's pages — sources and their imports (a file or a database
table, the column mapping with a preview of the first rows and their problems, the batch with
its bad rows), golden records with their lineage and overrides, the review queue with the
side-by-side comparison, the audit of decisions, match runs and the data-quality report.

Thin: `selectors` read (scoped to the user), `services` / `review` / `tasks` act, `staging`
keeps an import between its two steps.
"""

from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haicap.core.errors import DomainError
from haicap.core.paging import BoundedPaginator
from haicap.mdm import review, selectors, services, staging, tasks
from haicap.mdm.forms import (
    BulkDecisionForm,
    DecisionForm,
    ImportForm,
    MappingForm,
    OverrideForm,
    RunForm,
    SourceForm,
    SplitForm,
)
from haicap.mdm.models import EntityKind, MatchRun, Verdict
from haicap.mdm.sources import SourceTable, check_mapping

ROWS_PER_PAGE = 50
# Long lists are counted no further (a steward searches rather than pages through them).
COUNT_CAP = 10_000


def steward_page(view):
    """Signed-in data stewards and administrators; anyone else is refused (403). A refusal of
    a verb or a selector is shown as a page with its message and status."""
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            services.require_steward(request.user)
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "mdm/refused.html", {"message": error.message},
                          status=error.status)
    return wrapper


def _paged(request, queryset, per_page: int = ROWS_PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _paged_up_to(request, queryset, per_page: int = ROWS_PER_PAGE):
    """A page of a list that may hold a million rows (golden records, the queue after a first
    run): counted no further than COUNT_CAP."""
    return BoundedPaginator(queryset, per_page, cap=COUNT_CAP).get_page(request.GET.get("page"))


def _pager_query(request, *names) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for name in list(query):
        if names and name not in names:
            query.pop(name)
    return query.urlencode()


# -- sources --------------------------------------------------------------------------------------

@steward_page
@require_http_methods(["GET", "POST"])
def source_list(request):
    """/du-lieu-chu/: the sources of the steward's province, and a form for a new one."""
    province_id = selectors.steward_province(request.user)
    form = SourceForm(request.POST if request.method == "POST" else None,
                      province_id=province_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_source(
                province=data.get("province") or request.user.office.province,
                code=data["code"], name=data["name"], system=data["system"],
                trust=data["trust"], legacy_province=data["legacy_province"],
                user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Source %(code)s created.") % {"code": created.code})
            return redirect("mdm:source", code=created.code)
    return render(request, "mdm/sources.html", {
        "page": "sources", "sources": list(selectors.sources(request.user)), "form": form,
    }, status=422 if form.errors else 200)


@steward_page
@require_GET
def source_detail(request, code: str):
    """A source: its batches, its mapping versions, the import form."""
    source = selectors.source(request.user, code)
    return render(request, "mdm/source.html", {
        "page": "sources", "source": source, "import_form": ImportForm(),
        "batches": _paged(request, selectors.batches(source)),
        "mappings": list(selectors.mappings(source)[:20]),
    })


@steward_page
@require_POST
def import_start(request, code: str):
    """Step one of an import: the file is kept (or the database read once to check it) and
    the mapping page opens."""
    source = selectors.source(request.user, code)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                token = staging.stage_file(request, source, data["file"])
            else:
                token = staging.stage_database(request, source, data["database_url"], data["table"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("mdm:import_mapping", code=source.code, token=token)
    return render(request, "mdm/source.html", {
        "page": "sources", "source": source, "import_form": form,
        "batches": _paged(request, selectors.batches(source)),
        "mappings": list(selectors.mappings(source)[:20]),
    }, status=422)


@steward_page
@require_http_methods(["GET", "POST"])
def import_mapping(request, code: str, token: str):
    """Step two: the mapping of the source's columns, a preview of the first rows with their
    problems (re-drawn by HTMX as the mapping changes), then the import itself."""
    source = selectors.source(request.user, code)
    staged = staging.staged(request, source, token)
    table = staging.staged_table(staged)
    kind = request.POST.get("kind") or request.GET.get("kind") or EntityKind.PERSON
    if kind not in EntityKind.values:
        kind = EntityKind.PERSON
    chosen = _chosen_mapping(request, source, table, kind)
    if request.method == "POST":
        form = MappingForm(request.POST, columns=table.columns, kind=kind)
    else:
        form = MappingForm(initial=MappingForm.initial_for(chosen.key_column, chosen.columns,
                                                           kind),
                           columns=table.columns, kind=kind)
    error = ""
    if request.method == "POST" and form.is_valid():
        key_column, columns = form.cleaned_data["key_column"], form.columns()
        if request.POST.get("action") == "import":
            try:
                batch = _import(request, source, staged, table, key_column, columns, kind)
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(request, _("%(imported)d rows imported, %(bad)d bad rows.")
                                 % {"imported": batch.rows_imported, "bad": batch.rows_bad})
                return redirect("mdm:batch", pk=batch.pk)
        chosen = Chosen(key_column, columns, None)
    preview, preview_error = _preview(table, chosen, kind)
    context = {"page": "sources", "source": source, "token": token, "form": form,
               "staged": staged, "preview": preview, "preview_error": preview_error,
               "preview_rows": _problems_named(preview),
               "error": error, "kind": kind,
               "mappings": list(selectors.mappings(source)[:20]), "chosen": chosen}
    if request.htmx and request.method == "POST" and not error:
        return render(request, "mdm/_preview.html", context)
    return render(request, "mdm/import_mapping.html", context, status=422 if error else 200)


@dataclass(frozen=True)
class Chosen:
    key_column: str
    columns: dict[str, str]
    version: int | None  # the saved mapping it came from


def _chosen_mapping(request, source, table: SourceTable, kind: str) -> Chosen:
    """A saved version asked for (?mapping=3), else the latest saved one if the source's
    columns still fit it, else one guessed from the column names."""
    from haicap.mdm.inspection import suggest_mapping

    asked = request.GET.get("mapping", "")
    saved = None
    if asked.isdigit():
        saved = selectors.mapping(source, int(asked))
    else:
        saved = selectors.mappings(source).filter(kind=kind).first()
        if saved is not None and not _fits(saved, table.columns):
            saved = None
    if saved is not None:
        columns = {name: column for name, column in saved.columns.items()
                   if column in table.columns}
        key = saved.key_column if saved.key_column in table.columns else table.columns[0]
        return Chosen(key, columns, saved.version)
    guessed = suggest_mapping(table.columns) if kind == EntityKind.PERSON else {}
    return Chosen(table.columns[0], guessed, None)


def _problems_named(preview) -> list[tuple[object, list[tuple[str, str]]]]:
    """Each previewed row with its problems as (the field's name on the page, message)."""
    if preview is None:
        return []
    return [(row, [(selectors.label(problem.get("field", "")) if problem.get("field") else "",
                    problem.get("message", "")) for problem in row.problems])
            for row in preview.rows]


def _fits(mapping, columns: list[str]) -> bool:
    return mapping.key_column in columns and all(column in columns
                                                 for column in mapping.columns.values())


def _preview(table: SourceTable, chosen: Chosen, kind: str) -> tuple[object, str]:
    """The preview, or why the mapping cannot give one (a required field unmapped)."""
    try:
        check_mapping(kind, chosen.key_column, chosen.columns, table.columns)
        return services.preview(table, chosen.columns, chosen.key_column, kind), ""
    except DomainError as error:
        return None, error.message


def _import(request, source, staged: dict, table: SourceTable, key_column: str,
            columns: dict, kind: str):
    mapping = services.save_mapping(source, key_column=key_column, columns=columns,
                                    available=table.columns, kind=kind, user=request.user)
    if staged["kind"] == "file":
        path = Path(staged["path"])
        batch = services.import_file(source, mapping, data=path.read_bytes(),
                                     filename=staged["filename"], user=request.user)
    else:
        batch = services.import_database(source, mapping, url=staged["url"],
                                         table_name=staged["table"], user=request.user)
    staging.unstage(request, staged)
    return batch


# -- batches --------------------------------------------------------------------------------------

@steward_page
@require_GET
def batch_detail(request, pk: int):
    """An import batch: what was read and imported, and each bad row with its reasons."""
    batch = selectors.batch(request.user, pk)
    return render(request, "mdm/batch.html", {
        "page": "sources", "batch": batch, "source": batch.source,
        "bad_rows": _paged(request, selectors.bad_rows(batch)),
        "field_labels": selectors.FIELD_LABELS,
    })


# -- golden records -------------------------------------------------------------------------------

@steward_page
@require_GET
def golden_list(request):
    """Golden records, searched by golden id, CCCD number or name."""
    q = request.GET.get("q", "").strip()[:100]
    records = _paged_up_to(request, selectors.golden_records(request.user, q)
                           .select_related("commune"))
    context = {"page": "golden", "q": q, "records": records,
               "pager_query": _pager_query(request, "q")}
    template = "mdm/_golden_rows.html" if request.htmx else "mdm/golden_list.html"
    return render(request, template, context)


@steward_page
@require_GET
def golden_detail(request, golden_id: str):
    detail = selectors.golden_detail(request.user, golden_id)
    return _golden_page(request, detail, OverrideForm(), SplitForm())


def _golden_page(request, detail, override_form, split_form, status: int = 200):
    return render(request, "mdm/golden.html", {
        "page": "golden", "detail": detail, "record": detail.record,
        "override_form": override_form, "split_form": split_form,
    }, status=status)


@steward_page
@require_POST
def golden_override(request, golden_id: str):
    record = selectors.golden_by_id(request.user, golden_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review.override_field(record, data["field"], data["value"], request.user,
                                  data["note"])
        except DomainError as error:
            form.add_error("value", error.message)
        else:
            messages.success(request, _("The value is set; it wins over every source."))
            return redirect("mdm:golden", golden_id=golden_id)
    detail = selectors.golden_detail(request.user, golden_id)
    return _golden_page(request, detail, form, SplitForm(), status=422)


@steward_page
@require_POST
def golden_clear(request, golden_id: str, field: str):
    record = selectors.golden_by_id(request.user, golden_id)
    review.clear_override(record, field, request.user, request.POST.get("note", ""))
    messages.success(request, _("The override is removed; the sources' value is back."))
    return redirect("mdm:golden", golden_id=golden_id)


@steward_page
@require_POST
def golden_split(request, golden_id: str):
    record = selectors.golden_by_id(request.user, golden_id)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            review.split_record(record, form.cleaned_data["record_key"], request.user,
                                form.cleaned_data["note"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The record will be split off at the next run."))
            return redirect("mdm:golden", golden_id=golden_id)
    detail = selectors.golden_detail(request.user, golden_id)
    return _golden_page(request, detail, OverrideForm(), form, status=422)


# -- review ---------------------------------------------------------------------------------------

@steward_page
@require_GET
def review_queue(request):
    """The pairs waiting for a decision, 50 a page, with bulk decisions on the ticked ones."""
    pairs = _paged_up_to(request, selectors.review_queue(request.user))
    return render(request, "mdm/queue.html", {
        "page": "review", "pairs": pairs, "rows": selectors.queue_rows(pairs.object_list),
        "verdicts": Verdict.choices, "pager_query": _pager_query(request),
    })


@steward_page
@require_POST
def review_bulk(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick at least one pair and choose a decision."))
        return redirect("mdm:queue")
    data = form.cleaned_data
    decisions = review.decide_pairs(data["pairs"], data["verdict"], request.user, data["note"])
    messages.success(request, _("%(count)d pairs decided; the next run applies them.")
                     % {"count": len(decisions)})
    return redirect(request.POST.get("next") or "mdm:queue")


@steward_page
@require_http_methods(["GET", "POST"])
def review_pair(request, pk: int):
    """Two source records side by side, each comparison's weight, and the decision."""
    detail = selectors.pair_detail(request.user, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        review.decide_pair(detail.pair, form.cleaned_data["verdict"], request.user,
                           form.cleaned_data["note"])
        messages.success(request, _("Decision saved; the next run applies it."))
        following = selectors.review_queue(request.user).exclude(pk=pk).first()
        if following is not None:
            return redirect("mdm:pair", pk=following.pk)
        return redirect("mdm:queue")
    return render(request, "mdm/pair.html", {"page": "review", "detail": detail, "form": form},
                  status=422 if form.errors else 200)


@steward_page
@require_GET
def audit_log(request):
    """Who decided what and when."""
    action = request.GET.get("action", "")
    entries = _paged(request, selectors.audit_entries(request.user, action))
    names = dict(_audit_actions())
    rows = [AuditRow(entry, names.get(entry.action, entry.action),
                     selectors.label(entry.changes.get("field", "")) if entry.changes.get("field")
                     else "", entry.changes.get("pairs") or [])
            for entry in entries.object_list]
    return render(request, "mdm/audit.html", {
        "page": "audit", "entries": entries, "rows": rows, "action": action,
        "actions": _audit_actions(), "pager_query": _pager_query(request, "action"),
    })


@dataclass(frozen=True)
class AuditRow:
    entry: object
    action: str
    field: str
    pairs: list


def _audit_actions() -> list[tuple[str, str]]:
    return [("mdm.decide_pair", _("Pair decisions")), ("mdm.decide_pairs", _("Bulk decisions")),
            ("mdm.split_record", _("Splits")), ("mdm.override_field", _("Overrides")),
            ("mdm.clear_override", _("Overrides cleared")),
            ("mdm.start_run", _("Runs started"))]


# -- runs and quality -----------------------------------------------------------------------------

@steward_page
@require_http_methods(["GET", "POST"])
def run_list(request):
    """Match runs with their figures; a button starts one in the background."""
    province_id = selectors.steward_province(request.user)
    form = RunForm(request.POST if request.method == "POST" else None)
    if province_id is not None:
        del form.fields["province"]
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("province")
        target = province_id or (chosen.pk if chosen else None)
        if target is None:
            form.add_error("province", _("Choose the province."))
        else:
            try:
                tasks.start_run(target, request.user, retrain=form.cleaned_data["retrain"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The run is started; this page shows it when it "
                                            "ends."))
                return redirect("mdm:runs")
    runs = _paged(request, selectors.runs(request.user), 25)
    busy = province_id is not None and tasks.waiting_or_running(province_id)
    context = {"page": "runs", "runs": runs, "form": form, "busy": busy,
               "rows": [_run_row(item) for item in runs.object_list],
               "pager_query": _pager_query(request)}
    template = "mdm/_runs.html" if request.htmx else "mdm/runs.html"
    return render(request, template, context, status=422 if form.errors else 200)


@dataclass(frozen=True)
class RunRow:
    run: MatchRun
    figures: list[tuple[str, object]]
    seconds: float | None


RUN_FIGURES = (("records", "Records"), ("pairs", "Pairs"),
               ("auto_merged_pairs", "Merged automatically"), ("to_review", "To review"),
               ("golden", "Golden records"), ("new", "New"), ("changed", "Changed"),
               ("retired", "Retired"))


def _run_row(match_run: MatchRun) -> RunRow:
    figures = match_run.figures or {}
    seconds = figures.get("seconds") or {}
    total = round(sum(seconds.values()), 1) if isinstance(seconds, dict) and seconds else None
    return RunRow(match_run, [(name, figures.get(name)) for name, _label in RUN_FIGURES], total)


@steward_page
@require_GET
def quality(request):
    """The data-quality report of each source of a run (the latest by default)."""
    asked = request.GET.get("run", "")
    if asked.isdigit():
        match_run = selectors.run(request.user, int(asked))
    else:
        match_run = selectors.latest_reported_run(request.user)
    reports = selectors.quality_reports(match_run) if match_run else []
    sections = [_quality_section(report) for report in reports]
    return render(request, "mdm/quality.html", {
        "page": "quality", "run": match_run, "sections": sections,
        "overview": _duplicates_chart(reports) if reports else None,
        "charts_on_page": bool(reports),
        "runs": list(selectors.runs(request.user).filter(status=MatchRun.Status.FINISHED)[:20]),
    })


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    figure: dict  # plotly JSON, drawn by ioc/charts.js

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


@dataclass(frozen=True)
class QualitySection:
    report: object
    chart: Chart
    fields: list[dict]
    fixes: list[tuple[str, int]]


def _layout(**extra) -> dict:
    layout = {"template": "none", "height": 320, "margin": {"l": 8, "r": 16, "t": 32, "b": 40},
              "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                       "size": 13, "color": "#1d2733"},
              "legend": {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
              "separators": ",.", "paper_bgcolor": "rgba(0,0,0,0)",
              "plot_bgcolor": "rgba(0,0,0,0)"}
    layout.update(extra)
    return layout


def _figure(traces, **layout) -> dict:
    return go.Figure(data=traces, layout=_layout(**layout)).to_plotly_json()


def _quality_section(report) -> QualitySection:
    """Per field of a source: the share filled and, of those, the share valid."""
    figures = report.figures or {}
    fields = [{**row, "label": selectors.label(row.get("field", ""))}
              for row in figures.get("fields", [])]
    labels = [row["label"] for row in fields]
    traces = [
        go.Bar(y=labels, x=[row.get("filled") for row in fields], orientation="h",
               name=_("Filled (%)"), marker={"color": "#1f5fa8"}),
        go.Bar(y=labels, x=[row.get("valid") for row in fields], orientation="h",
               name=_("Valid, of the filled (%)"), marker={"color": "#2e8b57"}),
    ]
    chart = Chart(f"chart-quality-{report.source.code}",
                  _("Completeness and validity: %(source)s") % {"source": report.source.name},
                  _figure(traces, barmode="group", hovermode="closest",
                          height=max(240, 60 + 26 * len(fields)),
                          xaxis={"range": [0, 104], "dtick": 20, "ticksuffix": " %"},
                          yaxis={"autorange": "reversed", "automargin": True}))
    fixes = sorted((figures.get("fixes") or {}).items(), key=lambda item: -item[1])
    return QualitySection(report, chart, fields, fixes)


def _duplicates_chart(reports) -> Chart:
    names = [report.source.code for report in reports]
    traces = [
        go.Bar(x=names, y=[report.records for report in reports], name=_("Records"),
               marker={"color": "#7b8794"}),
        go.Bar(x=names, y=[(report.figures or {}).get("duplicates_in_source", 0)
                           for report in reports], name=_("Duplicates in the source"),
               marker={"color": "#c0392b"}),
        go.Bar(x=names, y=[(report.figures or {}).get("found_in_other_sources", 0)
                           for report in reports], name=_("Found in other sources"),
               marker={"color": "#e08a00"}),
    ]
    return Chart("chart-duplicates", _("Records and duplicates per source"),
                 _figure(traces, barmode="group", hovermode="x unified",
                         yaxis={"rangemode": "tozero", "tickformat": ",d"},
                         margin={"l": 56, "r": 16, "t": 32, "b": 40}))

