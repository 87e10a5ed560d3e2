"""The dashboards' tables, as the pages show them and as CSV / Excel files.

Every chart of the dashboards has a table (`Table`), built by one function of `TABLES` from the
request's checked filters (`Query`). The page renders it; the export writes the very same rows.
A table too large to write during the request (the dossier list over `ROWS_IN_REQUEST` rows) is
written by the background job `build_export` (django-tasks, database backend) into the user's
own folder under MEDIA_ROOT; its page polls the job's progress and offers the file only to the
user who asked (the job's first argument).
"""

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as background_task
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from haicap.core.errors import InvalidInput, NotFound
from haicap.core.models import Office
from haicap.core.roles import OfficeKind
from haicap.dossiers.models import Channel, Status, Task
from haicap.ioc import scores as score_selectors
from haicap.ioc import selectors
from haicap.tickets.selectors import crowding

# The dossier list above this many rows is written by the background job, not the request.
ROWS_IN_REQUEST = 5000
# The background job tells its page how far it is every this many rows.
PROGRESS_EVERY = 500
# A user's finished files are kept this long, then removed when they next export.
KEEP_FILES_HOURS = 24
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# A text cell starting so would be run as a formula by a spreadsheet: it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@")
BREAKDOWNS = ("office", "procedure", "channel")
LEVELS = ("commune", "department")
ALERT_HOURS = (24, 48, 72, 168)


@dataclass(frozen=True)
class Column:
    label: str
    # How the page shows a cell: text | name (a long name, given room) | code (never cut) |
    # number | percent | datetime.
    kind: str = "text"


@dataclass
class Table:
    """Rows of plain values (numbers stay numbers in the files); `links` optionally gives the
    page a link for each row's first cell (drill-down), never exported."""

    name: str
    title: str
    columns: list[Column]
    rows: Iterable[tuple]
    size: int
    links: list[str] = field(default_factory=list)

    def linked_rows(self) -> list[tuple[str, list[tuple]]]:
        """For the page: (the link of the row's first cell or "", [(value, kind), ...])."""
        kinds = [column.kind for column in self.columns]
        return [(self.links[index] if index < len(self.links) else "",
                 list(zip(row, kinds, strict=True))) for index, row in enumerate(self.rows)]


@dataclass(frozen=True)
class Query:
    """A dashboard request's filters, checked: who asks, what they may see, which period, and
    the accepted parameters (kept to rebuild links and to re-run an export in the worker)."""

    user: object
    scope: selectors.Scope
    period: selectors.Period
    params: dict

    def option(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)


FILTER_NAMES = ("period", "from", "to", "unit", "procedure", "by", "level", "late", "status",
                "hours", "page")


def parse_query(user, params: Mapping) -> Query:
    """The filters of `params` (a request's GET) for `user`: InvalidInput (422) for a period,
    unit or procedure that does not exist, PermissionDenied (403) for a unit outside theirs."""
    kept = {name: str(params.get(name, "")).strip()[:64] for name in FILTER_NAMES
            if str(params.get(name, "")).strip()}
    period = selectors.Period.parse(period_text(kept))
    scope = selectors.scope_from(user, kept.get("unit") or None, kept.get("procedure") or None)
    return Query(user=user, scope=scope, period=period, params=kept)


def period_text(params: Mapping) -> str | None:
    """A custom range (`from` and `to`, both dates) wins over the picked `period`."""
    start, end = params.get("from", ""), params.get("to", "")
    if start or end:
        if not (start and end):
            raise InvalidInput(_("Give both the first and the last day of the period."),
                               code="invalid_period")
        return f"{start}..{end}"
    return params.get("period") or None


# -- the tables -----------------------------------------------------------------------------------

def _rate(value) -> float | None:
    return None if value is None else round(float(value), 1)


def trend_table(query: Query, overview=None) -> Table:
    overview = overview or selectors.overview(query.scope, query.period)
    by_month = query.period.days > selectors.DAILY_TREND_DAYS
    rows = [(f"{point.day:%m/%Y}" if by_month else point.day, point.received, point.finished,
             point.on_time) for point in overview.trend]
    return Table("trend", _("Received and finished over the period"),
                 [Column(_("Month") if by_month else _("Day")), Column(_("Received"), "number"),
                  Column(_("Finished"), "number"), Column(_("Finished on time"), "number")],
                 rows, len(rows))


def backlog_table(query: Query, overview=None) -> Table:
    overview = overview or selectors.overview(query.scope, query.period)
    rows = [(bucket.label, bucket.count) for bucket in overview.backlog]
    return Table("backlog", _("Open dossiers by age"),
                 [Column(_("Age (calendar days)")), Column(_("Open dossiers"), "number")],
                 rows, len(rows))


def scores_table(query: Query, scores=None) -> Table:
    scores = scores or score_selectors.scores(query.scope, query.period)
    rows = [(group.name, _rate(group.rate), group.points, group.max_points, group.definition)
            for group in scores.groups]
    rows.append((_("Overall score"), None, scores.total, scores.max_points, ""))
    return Table("scores", _("Decision 766 score by group"),
                 [Column(_("Group"), "name"), Column(_("Rate (%)"), "percent"),
                  Column(_("Points"), "number"), Column(_("Out of"), "number"),
                  Column(_("How it is measured"), "name")],
                 rows, len(rows))


def breakdown_rows(query: Query) -> list:
    by = query.option("by", "office")
    if by not in BREAKDOWNS:
        raise InvalidInput(_("Unknown breakdown “%(by)s”: choose by unit, procedure or "
                             "channel.") % {"by": by}, code="invalid_dimension")
    return selectors.breakdown(query.scope, query.period, by)


def breakdown_table(query: Query, rows=None) -> Table:
    rows = breakdown_rows(query) if rows is None else rows
    by = query.option("by", "office")
    titles = {"office": _("By unit"), "procedure": _("By procedure"),
              "channel": _("By channel")}
    firsts = {"office": _("Unit"), "procedure": _("Procedure"), "channel": _("Channel")}
    codes = {"office": _("Unit code"), "procedure": _("Procedure code"),
             "channel": _("Channel code")}
    values = [(row.label, row.received, row.finished, row.on_time, row.late,
               _rate(row.on_time_rate), _rate(row.online_rate), row.in_process, row.key)
              for row in rows]
    return Table(f"breakdown-{by}", titles[by],
                 [Column(firsts[by], "name"), Column(_("Received"), "number"),
                  Column(_("Finished"), "number"), Column(_("On time"), "number"),
                  Column(_("Late"), "number"), Column(_("On time (%)"), "percent"),
                  Column(_("Online (%)"), "percent"), Column(_("In process"), "number"),
                  Column(codes[by])],
                 values, len(values))


def pareto_table(query: Query, rows=None) -> Table:
    rows = selectors.pareto(query.scope, query.period) if rows is None else rows
    rows = [(row.code, row.name, row.received, _share(row.share),
             _share(row.cumulative_share), _rate(row.online_rate)) for row in rows]
    return Table("pareto", _("Procedures by volume and their online rate"),
                 [Column(_("Procedure code"), "code"), Column(_("Procedure"), "name"),
                  Column(_("Received"), "number"),
                  Column(_("Share (%)"), "percent"), Column(_("Cumulative share (%)"), "percent"),
                  Column(_("Online (%)"), "percent")],
                 rows, len(rows))


def _share(value) -> float | None:
    """Shares are fractions in the selectors, percentages in the tables."""
    return None if value is None else round(float(value) * 100, 1)


def ranking_level(query: Query) -> str:
    """The level asked for; by default a leader's own (a department's leader is ranked
    among departments), communes for the province's viewers."""
    level = query.option("level")
    if not level:
        kind = Office.objects.filter(pk=query.scope.office_id).values_list("kind", flat=True)
        department = query.scope.office_id is not None and OfficeKind.COMMUNE not in kind
        level = "department" if department else "commune"
    if level not in LEVELS:
        raise InvalidInput(_("Unknown ranking level “%(level)s”: choose communes or "
                             "departments.") % {"level": level}, code="invalid_dimension")
    return level


def ranking_rows(query: Query) -> list:
    """All offices of the level for the province's viewers; a leader of one office sees only
    their own row (the scope rule: no other unit's figures)."""
    rows = score_selectors.ranking(ranking_level(query), query.period)
    if query.scope.office_id is not None:
        own = set(Office.objects.filter(pk=query.scope.office_id)
                  .values_list("code", flat=True))
        rows = [row for row in rows if row.office_code in own]
    return rows


def ranking_table(query: Query, rows=None) -> Table:
    rows = ranking_rows(query) if rows is None else rows
    level = ranking_level(query)
    values = [(row.rank, row.office_name, row.score, row.previous_rank, row.change,
               row.office_code) for row in rows]
    return Table(f"ranking-{level}",
                 _("Ranking of communes") if level == "commune" else
                 _("Ranking of departments"),
                 [Column(_("Rank"), "number"), Column(_("Unit"), "name"),
                  Column(_("Score"), "number"),
                  Column(_("Previous rank"), "number"), Column(_("Change"), "number"),
                  Column(_("Unit code"))],
                 values, len(values))


def alert_dossiers(query: Query):
    """Open dossiers due within the chosen hours or already past due, soonest first."""
    return selectors.alerts(query.scope, within_hours=_hours(query.option("hours", "24")))


def alerts_table(query: Query, found=None, size: int | None = None) -> Table:
    """The alerts (all of them, or the page `found` of `size`) with the unit and officer
    holding each one now."""
    if found is None:
        found = alert_dossiers(query)
        size = found.count()
    found = list(found)
    holders = _holders(query.user, [dossier.pk for dossier in found])
    now = timezone.now()
    rows = [(dossier.code, dossier.procedure.name, _holder_office(dossier, holders),
             _holder_person(holders.get(dossier.pk)), dossier.due_at,
             round((dossier.due_at - now).total_seconds() / 3600, 1) if dossier.due_at else None)
            for dossier in found]
    return Table("alerts", _("Dossiers about to be late"),
                 [Column(_("Dossier code"), "code"), Column(_("Procedure"), "name"),
                  Column(_("Held by unit")),
                  Column(_("Held by officer")), Column(_("Appointment"), "datetime"),
                  Column(_("Hours left"), "number")],
                 rows, size)


def _hours(text: str) -> int:
    if not text.isdigit() or int(text) not in ALERT_HOURS:
        raise InvalidInput(_("Choose a horizon of 24, 48, 72 or 168 hours."),
                           code="invalid_hours")
    return int(text)


def _holders(user, dossier_ids: list[int]) -> dict:
    """The open step of each dossier (its unit and assignee), in one query."""
    if not dossier_ids:
        return {}
    steps = (Task.objects.visible_to(user).active().filter(dossier_id__in=dossier_ids)
             .select_related("office", "assignee").order_by("due_at"))
    return {step.dossier_id: step for step in steps}


def _holder_office(dossier, holders: dict) -> str:
    step = holders.get(dossier.pk)
    if step is not None:
        return step.office.name
    # No open step: waiting for reception or a supplement, at the receiving desk.
    office = dossier.competent_office or dossier.receiving_office
    return office.name if office else ""


def _holder_person(step) -> str:
    if step is None:
        return ""
    return str(step.assignee) if step.assignee else _("(not claimed yet)")


def crowding_table(query: Query) -> Table:
    """Today's desk tickets at the province's one-stop centres (tickets app); a leader sees
    their own centre only."""
    rows = crowding(query.scope.province_id, timezone.localdate())
    if query.scope.office_id is not None:
        own = set(Office.objects.filter(pk=query.scope.office_id)
                  .values_list("code", flat=True))
        rows = [row for row in rows if row.office_code in own]
    values = [(row.office_name, row.issued, row.waiting, row.serving, row.served,
               row.average_wait_minutes) for row in rows]
    return Table("crowding", _("One-stop centres today"),
                 [Column(_("Centre"), "name"), Column(_("Tickets issued"), "number"),
                  Column(_("Waiting"), "number"), Column(_("At a counter"), "number"),
                  Column(_("Served"), "number"), Column(_("Average wait (minutes)"), "number")],
                 values, len(values))


DOSSIER_FIELDS = ("code", "procedure__code", "procedure__name", "receiving_office__name",
                  "competent_office__name", "channel", "status", "submitted_at", "due_at",
                  "finished_at")


def dossier_values(query: Query):
    """The dossiers behind a figure as plain values, in the order of the dossier index
    (newest first)."""
    found = selectors.dossiers(query.scope, query.period, late=_late(query.option("late")),
                               status=_status(query.option("status")))
    return found.values_list(*DOSSIER_FIELDS)


def dossier_rows(values: Iterable[tuple]) -> Iterator[tuple]:
    # the labels as plain text (lazy translations are not cell values for openpyxl)
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    for (code, procedure_code, procedure_name, receiving, competent, channel, status,
         submitted, due, finished) in values:
        yield (code, procedure_code, procedure_name, receiving or "", competent or "",
               channels.get(channel, channel), statuses.get(status, status), submitted, due,
               finished)


def dossiers_table(query: Query, values=None, size: int | None = None) -> Table:
    """All the dossiers (streamed when written to a file), or one page of them."""
    if values is None:
        found = dossier_values(query)
        values, size = found.iterator(chunk_size=2000), found.count()
    return Table("dossiers", _("Dossiers"),
                 [Column(_("Dossier code"), "code"), Column(_("Procedure code"), "code"),
                  Column(_("Procedure"), "name"),
                  Column(_("Received at unit")), Column(_("Competent unit")),
                  Column(_("Channel")), Column(_("Status")), Column(_("Submitted"), "datetime"),
                  Column(_("Appointment"), "datetime"), Column(_("Finished"), "datetime")],
                 dossier_rows(values), size)


def _late(text: str) -> bool | None:
    if text in ("", None):
        return None
    if text not in ("0", "1"):
        raise InvalidInput(_("The late filter is 1 (late) or 0 (on time)."),
                           code="invalid_filter")
    return text == "1"


def _status(text: str) -> str | None:
    if not text:
        return None
    if text not in Status.values:
        raise InvalidInput(_("Unknown dossier status “%(status)s”.") % {"status": text},
                           code="invalid_filter")
    return text


TABLES: dict[str, Callable[[Query], Table]] = {
    "trend": trend_table,
    "backlog": backlog_table,
    "scores": scores_table,
    "breakdown": breakdown_table,
    "pareto": pareto_table,
    "ranking": ranking_table,
    "alerts": alerts_table,
    "dossiers": dossiers_table,
    "crowding": crowding_table,
}


def build_table(name: str, query: Query) -> Table:
    builder = TABLES.get(name)
    if builder is None:
        raise NotFound(_("There is no such table."), code="unknown_table")
    return builder(query)


# -- files ----------------------------------------------------------------------------------------

def file_name(table: Table, query: Query, fmt: str) -> str:
    period = query.period
    return f"{table.name}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"


def write(table: Table, fmt: str, stream, on_progress: Callable[[int], None] | None = None):
    """Write the table to a binary stream as CSV (UTF-8 with a byte-order mark, which Excel
    needs to read Vietnamese) or an Excel workbook."""
    rows = _counted(table.rows, on_progress)
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([column.label for column in table.columns])
        writer.writerows([_csv_cell(value) for value in row] for row in rows)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append([column.label for column in table.columns])
    for row in rows:
        sheet.append([_excel_cell(sheet, value) for value in row])
    workbook.save(stream)


def _counted(rows: Iterable[tuple], on_progress) -> Iterator[tuple]:
    count = 0
    for row in rows:
        yield row
        count += 1
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if on_progress:
        on_progress(count)


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _excel_cell(sheet, value):
    """Excel keeps no time zones: local times, without their zone. Text stays text."""
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def write_bytes(table: Table, fmt: str) -> bytes:
    buffer = io.BytesIO()
    write(table, fmt, buffer)
    return buffer.getvalue()


# -- the background job ---------------------------------------------------------------------------

def export_folder(user_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "ioc-exports" / str(int(user_id))


def export_path(user_id: int, job_id, fmt: str) -> Path:
    return export_folder(user_id) / f"{job_id}.{fmt}"


def _progress_path(user_id: int, job_id) -> Path:
    return export_folder(user_id) / f"{job_id}.progress"


@background_task(takes_context=True)
def build_export(context, user_id: int, table: str, params: dict, fmt: str) -> dict:
    """Write the table for the user who asked (their filters and their scope, checked again
    here) into their export folder; the page reads the progress file meanwhile."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("office").get(pk=user_id)
    query = parse_query(user, params)
    built = build_table(table, query)
    job_id = context.task_result.id
    target = export_path(user_id, job_id, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_old_files(target.parent)
    progress = _progress_path(user_id, job_id)

    def report(done: int) -> None:
        progress.write_text(json.dumps({"done": done, "total": built.size}))

    report(0)
    partial = target.with_suffix(".part")
    with partial.open("wb") as stream:
        write(built, fmt, stream, on_progress=report)
    os.replace(partial, target)  # the page offers the file only once it is whole
    return {"rows": built.size, "file": file_name(built, query, fmt), "format": fmt}


def _remove_old_files(folder: Path) -> None:
    """Exports hold personal data (dossier lists): none is kept longer than needed."""
    limit = timezone.now().timestamp() - KEEP_FILES_HOURS * 3600
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def start_export(user, table: str, params: dict, fmt: str):
    """Enqueue the job; its result id names the job in the user's URLs."""
    return build_export.enqueue(user.pk, table, params, fmt)


@dataclass(frozen=True)
class ExportJob:
    id: str
    status: str  # waiting | running | done | failed
    done: int
    total: int
    download_name: str
    fmt: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


def export_job(user, job_id) -> ExportJob:
    """The user's own export job; anyone else's is NotFound (its existence is not revealed)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(id=job_id, task_path=build_export.module_path).first()
    args = (found.args_kwargs or {}).get("args", []) if found else []
    if not args or args[0] != user.pk:
        raise NotFound(_("There is no such export."), code="unknown_export")
    fmt = args[3] if len(args) > 3 else "csv"
    done, total = _read_progress(user.pk, found.id)
    status = {TaskResultStatus.READY: "waiting", TaskResultStatus.RUNNING: "running",
              TaskResultStatus.SUCCESSFUL: "done"}.get(found.status, "failed")
    name = (found.return_value or {}).get("file", "") if status == "done" else ""
    return ExportJob(id=str(found.id), status=status, done=done, total=total,
                     download_name=name, fmt=fmt)


def _read_progress(user_id: int, job_id) -> tuple[int, int]:
    try:
        progress = json.loads(_progress_path(user_id, job_id).read_text())
    except (OSError, ValueError):
        return 0, 0
    return int(progress.get("done", 0)), int(progress.get("total", 0))


def export_file(user, job_id) -> tuple[Path, ExportJob]:
    """The finished file of the user's own job."""
    job = export_job(user, job_id)
    path = export_path(user.pk, job.id, job.fmt)
    if job.status != "done" or not path.exists():
        raise NotFound(_("The file is not ready."), code="export_not_ready")
    return path, job
