"""/dieu-hanh/: the operations-centre dashboards for leaders (their office), the operations
centre and administrators (the province). Thin: the filters are checked by `exports.parse_query`,
the figures come from `ioc.selectors` and `ioc.scores`, the charts from `ioc.charts`, and every
chart's table is `exports.TABLES`' — the table the page shows is the one the files contain."""

from dataclasses import dataclass
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haicap.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from haicap.core.models import Office
from haicap.core.roles import OfficeKind, Role
from haicap.dossiers.models import Status
from haicap.ioc import charts, exports, selectors
from haicap.ioc import scores as score_selectors
from haicap.units.models import Province

ROWS_PER_PAGE = 50
ALERTS_ON_OVERVIEW = 10
# The filters that follow the user from page to page (the page's own ones are added to them).
CARRIED = ("period", "from", "to", "unit")
# A page's own choices, kept as hidden fields when the period or unit form is sent.
PAGE_CHOICES = ("by", "level", "hours", "procedure", "late", "status")


def may_view_dashboards(user) -> bool:
    return user.is_administrator or user.role in (Role.LEADER, Role.OPS_VIEWER)


def dashboard(view):
    """Signed-in leaders, operations-centre viewers and administrators; citizens and other
    officers are refused (403). A bad filter is a 422 page saying what is wrong, a unit outside
    the user's a 403 page."""
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_view_dashboards(request.user):
            return _refused(request, _("The dashboards are for leaders and the operations "
                                       "centre."), 403)
        try:
            return view(request, *args, **kwargs)
        except InvalidInput as error:
            return _refused(request, error.message, 422)
        except PermissionDenied as error:
            return _refused(request, error.message, 403)
        except NotFound as error:
            return _refused(request, error.message, 404)
    return wrapper


def _refused(request, message: str, status: int):
    """The error in words, above a fresh filter form (the user's own scope, this month)."""
    context = {"message": message, "status": status}
    if may_view_dashboards(request.user):
        try:
            query = exports.parse_query(request.user, {})
        except DomainError:
            query = None
        if query is not None:
            context.update(_frame(request, query, "refused"))
    return render(request, "ioc/refused.html", context, status=status)


# -- what every page shares -----------------------------------------------------------------------

def _frame(request, query: exports.Query, page: str) -> dict:
    """The filter form, the unit and period named, and the sub-navigation's links."""
    units = _unit_choices(request.user, query.scope)
    carried = {name: query.params[name] for name in CARRIED if name in query.params}
    return {
        "query": query, "page": page, "units": units,
        "unit_name": _unit_name(units),
        "unit_groups": _unit_groups(units),
        "procedure_code": query.params.get("procedure", ""),
        "periods": _period_choices(timezone.localdate(), query),
        "carried": urlencode(carried),
        "extra": [(name, query.params[name]) for name in PAGE_CHOICES if name in query.params],
        "crowding_url": _crowding_url(),
        "charts_on_page": page in ("overview", "breakdown", "pareto", "ranking"),
    }


def _unit_choices(user, scope) -> list[dict]:
    """The units the user may pick: the province and all its offices for the province's
    viewers, their own office for a leader."""
    own_scope = selectors.scope_for(user)
    offices = Office.objects.filter(province_id=own_scope.province_id).order_by("kind", "name")
    if own_scope.office_id is not None:
        offices = offices.filter(pk=own_scope.office_id)
    choices = [{"code": code, "name": name, "kind": kind, "selected": pk == scope.office_id}
               for pk, code, name, kind in offices.values_list("pk", "code", "name", "kind")]
    if own_scope.office_id is None:
        province = Province.objects.filter(pk=own_scope.province_id).values_list(
            "code", "name").first() or ("", "")
        choices.insert(0, {"code": province[0], "name": province[1], "kind": "province",
                           "selected": scope.office_id is None})
    return choices


def _unit_groups(units: list[dict]) -> list[tuple[str, list[dict]]]:
    """The picker's options under three headings: the province, its departments and
    centres, its communes."""
    groups = [(_("Province"), [unit for unit in units if unit["kind"] == "province"]),
              (_("Departments and centres"),
               [unit for unit in units if unit["kind"] not in ("province", OfficeKind.COMMUNE)]),
              (_("Communes"), [unit for unit in units if unit["kind"] == OfficeKind.COMMUNE])]
    return [(label, members) for label, members in groups if members]


def _unit_name(units: list[dict]) -> str:
    for unit in units:
        if unit["selected"]:
            return unit["name"]
    return ""


def _period_choices(today: date, query: exports.Query) -> list[tuple[str, str]]:
    """This month and the eleven before, this quarter and the three before, this year and the
    last one: (value for `Period.parse`, label); first the period asked for if it is none of
    those (an older month, a link from elsewhere)."""
    choices = []
    asked = query.params.get("period", "")
    if asked:
        choices.append((asked, f"{query.period.start:%d/%m/%Y} – {query.period.end:%d/%m/%Y}"))
    year, month = today.year, today.month
    for _step in range(12):
        choices.append((f"{year}-{month:02d}", _("Month %(month)s/%(year)s")
                        % {"month": month, "year": year}))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _step in range(4):
        choices.append((f"{year}-Q{quarter}", _("Quarter %(quarter)s/%(year)s")
                        % {"quarter": quarter, "year": year}))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for year in (today.year, today.year - 1):
        choices.append((str(year), _("Year %(year)s") % {"year": year}))
    if asked and any(value == asked for value, _label in choices[1:]):
        choices.pop(0)
    return choices


def _crowding_url() -> str:
    """The one-stop centres' crowding page (tickets app), or "" while it does not exist."""
    try:
        return reverse("tickets:crowding")
    except NoReverseMatch:
        return ""


def _link(name: str, carried: str, **params) -> str:
    extra = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    query = "&".join(part for part in (carried, extra) if part)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _exports(name: str, query: exports.Query, **params) -> dict:
    """The CSV and Excel links of one table, with the page's filters."""
    carried = {key: value for key, value in query.params.items() if key != "page"}
    carried.update({key: value for key, value in params.items() if value})
    suffix = f"?{urlencode(carried)}" if carried else ""
    return {fmt: reverse("ioc:export", kwargs={"table": name, "fmt": fmt}) + suffix
            for fmt in exports.FORMATS}


# -- pages ----------------------------------------------------------------------------------------

@dashboard
@require_GET
def overview(request):
    """/dieu-hanh/: the headline figures, their trend, the backlog by age, the 766 score, the
    dossiers about to be late."""
    query = exports.parse_query(request.user, request.GET)
    figures = selectors.overview(query.scope, query.period)
    before = selectors.overview(query.scope, query.period.previous())
    scores = score_selectors.scores(query.scope, query.period)
    soon = exports.alert_dossiers(_with(query, hours="24"))
    alerts = exports.alerts_table(query, soon[:ALERTS_ON_OVERVIEW], soon.count())
    context = {
        **_frame(request, query, "overview"),
        "figures": figures, "scores": scores,
        "changes": {name: Change.between(getattr(figures, name), getattr(before, name))
                    for name in COMPARED},
        "sections": [
            _section(charts.trend(figures.trend,
                                  by_month=query.period.days > selectors.DAILY_TREND_DAYS),
                     exports.trend_table(query, figures), query),
            _section(charts.backlog(figures.backlog), exports.backlog_table(query, figures),
                     query),
        ],
        "scores_section": _section(charts.score_groups(scores.groups),
                                   exports.scores_table(query, scores), query),
        "alerts": alerts,
        "crowding": _crowding(query),
    }
    return render(request, "ioc/overview.html", context)


def _crowding(query: exports.Query) -> dict | None:
    """Today's one-stop centres, shown when the scope has any."""
    table = exports.crowding_table(query)
    if not table.size:
        return None
    return {"table": table, "exports": _exports("crowding", query)}


# The overview's figures shown with their change since the period before (same length).
COMPARED = ("received", "finished", "on_time_rate", "late_rate", "online_rate",
            "full_online_rate")


@dataclass(frozen=True)
class Change:
    """How a figure moved since the previous period (percentage points for rates)."""

    amount: float | None

    @classmethod
    def between(cls, now, before) -> "Change":
        if now is None or before is None:
            return cls(None)
        return cls(round(now - before, 1))

    @property
    def direction(self) -> str:
        if not self.amount:
            return "same"
        return "up" if self.amount > 0 else "down"

    @property
    def size(self):
        return abs(self.amount) if self.amount is not None else None


def _with(query: exports.Query, **params) -> exports.Query:
    return exports.Query(user=query.user, scope=query.scope, period=query.period,
                         params={**query.params, **params})


def _section(chart, table: exports.Table, query: exports.Query, **params) -> dict:
    table.rows = list(table.rows)
    export_name = table.name.split("-")[0]  # "breakdown-office" is exported as "breakdown"
    return {"chart": chart, "table": table, "exports": _exports(export_name, query, **params)}


@dashboard
@require_GET
def breakdown(request):
    """/dieu-hanh/phan-tich/?by=office|procedure|channel: the figures per unit, procedure or
    channel; a unit opens its procedures, a procedure its dossiers."""
    query = exports.parse_query(request.user, request.GET)
    by = query.option("by", "office")
    rows = exports.breakdown_rows(query)
    table = exports.breakdown_table(query, rows)
    frame = _frame(request, query, "breakdown")
    table.links = [_drill_link(by, row.key, query, frame["carried"]) for row in rows]
    chart = charts.breakdown(rows, f"chart-{table.name}", table.title)
    context = {**frame, "by": by, "dimensions": _dimensions(),
               "section": _section(chart, table, query, by=by)}
    return render(request, "ioc/breakdown.html", context)


def _dimensions() -> list[tuple[str, str]]:
    return [("office", _("By unit")), ("procedure", _("By procedure")),
            ("channel", _("By channel"))]


def _drill_link(by: str, key, query: exports.Query, carried: str) -> str:
    """A unit row opens that unit's procedures; a procedure row opens its dossiers."""
    if by == "office" and key:
        carried_without_unit = urlencode({name: value for name, value in query.params.items()
                                          if name in CARRIED and name != "unit"})
        return _link("ioc:breakdown", carried_without_unit, by="procedure", unit=key)
    if by == "procedure" and key:
        return _link("ioc:dossiers", carried, procedure=key)
    return ""


@dashboard
@require_GET
def pareto(request):
    """/dieu-hanh/thu-tuc/: procedures by volume with their online rate."""
    query = exports.parse_query(request.user, request.GET)
    rows = selectors.pareto(query.scope, query.period)
    table = exports.pareto_table(query, rows)
    frame = _frame(request, query, "pareto")
    table.links = [_link("ioc:dossiers", frame["carried"], procedure=row.code) for row in rows]
    context = {**frame, "section": _section(charts.pareto(rows), table, query)}
    return render(request, "ioc/pareto.html", context)


@dashboard
@require_GET
def ranking(request):
    """/dieu-hanh/xep-hang/?level=commune|department: offices by their 766 score, with the
    change since the previous period."""
    query = exports.parse_query(request.user, request.GET)
    level = exports.ranking_level(query)
    rows = exports.ranking_rows(query)
    table = exports.ranking_table(query, rows)
    own_only = query.scope.office_id is not None
    context = {**_frame(request, query, "ranking"), "level": level, "own_only": own_only,
               "charts_on_page": not own_only,
               "ranked": [_ranked(row) for row in rows],
               "section": _section(charts.ranking(rows), table, query, level=level)}
    return render(request, "ioc/ranking.html", context)


def _ranked(row) -> dict:
    """A ranking row as the table shows it: the change as an arrow and a number of places."""
    return {"rank": row.rank, "name": row.office_name, "score": row.score,
            "previous": row.previous_rank, "change": row.change,
            "places": abs(row.change) if row.change is not None else None}


@dashboard
@require_GET
def alerts(request):
    """/dieu-hanh/canh-bao/?hours=24: open dossiers about to be late or past due, soonest
    first, with who holds each one."""
    query = exports.parse_query(request.user, request.GET)
    hours = query.option("hours", "24")
    page = Paginator(exports.alert_dossiers(query), ROWS_PER_PAGE).get_page(
        query.option("page"))
    table = exports.alerts_table(query, page.object_list, page.paginator.count)
    table.links = [_dossier_link(request.user, row[0]) for row in table.rows]
    frame = _frame(request, query, "alerts")
    context = {**frame, "hours": hours, "horizons": exports.ALERT_HOURS, "table": table,
               "page_obj": page, "pager_query": _pager_query(frame, query, "hours"),
               "exports": _exports("alerts", query, hours=hours)}
    return render(request, "ioc/alerts.html", context)


def _pager_query(frame: dict, query: exports.Query, *names) -> str:
    """The page's filters for its pager links (the page number is added to them)."""
    own = urlencode({name: query.params[name] for name in names if name in query.params})
    return "&".join(part for part in (frame["carried"], own) if part)


def _dossier_link(user, code: str) -> str:
    """The officer dossier page, for officers of a unit (administrators have none)."""
    if user.is_officer and user.office_id:
        return reverse("workspace:dossier", args=[code])
    return ""


@dashboard
@require_GET
def dossiers(request):
    """/dieu-hanh/ho-so/?procedure=&late=&status=: the dossiers behind a figure, 50 a page."""
    query = exports.parse_query(request.user, request.GET)
    page = Paginator(exports.dossier_values(query), ROWS_PER_PAGE).get_page(
        query.option("page"))
    table = exports.dossiers_table(query, page.object_list, page.paginator.count)
    table.rows = list(table.rows)
    table.links = [_dossier_link(request.user, row[0]) for row in table.rows]
    frame = _frame(request, query, "dossiers")
    frame["extra"] = [(name, value) for name, value in frame["extra"]
                      if name not in ("late", "status")]  # the form's own selects
    context = {**frame, "table": table, "page_obj": page,
               "statuses": Status.choices, "late": query.option("late"),
               "status": query.option("status"),
               "pager_query": _pager_query(frame, query, "late", "status", "procedure"),
               "exports": _exports("dossiers", query)}
    return render(request, "ioc/dossiers.html", context)


# -- exports --------------------------------------------------------------------------------------

@dashboard
@require_http_methods(["GET", "POST"])
def export(request, table: str, fmt: str):
    """/dieu-hanh/xuat/<table>.<csv|xlsx>?<the page's filters>: the file at once; a table over
    `ROWS_IN_REQUEST` rows is written in the background (POST starts it) and its page followed."""
    params = request.POST if request.method == "POST" else request.GET
    query = exports.parse_query(request.user, params)
    built = exports.build_table(table, query)
    if built.size > exports.ROWS_IN_REQUEST:
        if request.method == "POST":
            job = exports.start_export(request.user, table, query.params, fmt)
            return redirect("ioc:export_status", job_id=job.id)
        return render(request, "ioc/export_large.html",
                      {**_frame(request, query, "export"), "table": built, "fmt": fmt,
                       "params": query.params})
    response = HttpResponse(exports.write_bytes(built, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.file_name(built, query, fmt)}"')
    return response


@dashboard
@require_GET
def export_status(request, job_id):
    """The background export's progress (HTMX polls the partial) and, once done, its link."""
    job = exports.export_job(request.user, job_id)
    context = {"job": job}
    if request.htmx:
        return render(request, "ioc/_export_status.html", context)
    query = exports.parse_query(request.user, {})
    return render(request, "ioc/export_status.html",
                  {**_frame(request, query, "export"), **context})


@dashboard
@require_GET
def export_download(request, job_id):
    path, job = exports.export_file(request.user, job_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name,
                        content_type=exports.FORMATS[job.fmt])
