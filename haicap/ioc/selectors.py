"""Reads of the operations centre, from the KPI facts (never the dossier table's flags).

Definitions used by every figure here (docs/adr/0011-kpi-facts.md):
- received: dossiers filed in the period, through any channel (an online filing is received
  online; the national portal counts it so). Day = the submission's local day.
- finished, on time, late: dossiers whose result was ready in the period (facts.fold says
  when and whether on time). Rates are percentages of finished, None when nothing finished.
- online: filed through the portal, a partner system (API) or a kiosk: the applicant filed
  electronically. In person, by post, and linked dossiers (started by another unit's
  hand-off) are not online. Full-online: online filings of procedures the catalogue marks
  full-online (Decree 42/2022).
- in process / backlog / overdue: open dossiers now (not bound to the period); age in
  calendar days since filing; overdue = clock running and past the current appointment.

Sums over a period read its whole calendar months from MonthlyFact and only the days at its
edges from DailyFact (`cut`), in one query: the same figures as summing DailyFact alone.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.models import Procedure
from haicap.core import reference
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import Office
from haicap.core.periods import Period
from haicap.core.roles import Role
from haicap.dossiers.models import OPEN_STATUSES, RUNNING_STATUSES, Channel, Dossier, Status
from haicap.ioc.models import DailyFact, DossierFact, MonthlyFact
from haicap.units.models import Province

ONLINE_CHANNELS = (Channel.ONLINE, Channel.API, Channel.KIOSK)
# Trends longer than this are by month.
DAILY_TREND_DAYS = 92
PROVINCE_ROLES = (Role.OPS_VIEWER, Role.ADMINISTRATOR)


# -- scope and period -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    province_id: str
    office_id: int | None = None
    procedure_id: int | None = None

    def filter(self, queryset):
        """Facts (DailyFact or DossierFact) of this scope."""
        queryset = queryset.filter(province_id=self.province_id)
        if self.office_id is not None:
            queryset = queryset.filter(office_id=self.office_id)
        if self.procedure_id is not None:
            queryset = queryset.filter(procedure_id=self.procedure_id)
        return queryset


def scope_for(user) -> Scope:
    """Operations-centre viewers and administrators see the province; leaders and other
    officers their own office; citizens nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied()
    office = user.office
    province = office.province_id if office else settings.HAICAP_PROVINCE_CODE
    if user.role in PROVINCE_ROLES or user.is_administrator:
        return Scope(province_id=province)
    if not user.is_officer or office is None:
        raise PermissionDenied(_("The operations centre is for officers."))
    return Scope(province_id=province, office_id=office.pk)


def scope_from(user, unit_code: str | None = None, procedure_code: str | None = None) -> Scope:
    """The user's scope narrowed to a unit (province or office code) and a procedure."""
    scope = scope_for(user)
    if unit_code:
        scope = _narrowed(scope, unit_code)
    if procedure_code:
        procedure = Procedure.objects.filter(code=procedure_code).values_list("pk", flat=True)
        if not procedure:
            raise InvalidInput(_("Unknown procedure code."), code="invalid_procedure")
        scope = Scope(scope.province_id, scope.office_id, procedure[0])
    return scope


def _narrowed(scope: Scope, unit_code: str) -> Scope:
    if Province.objects.filter(pk=unit_code).exists():
        if unit_code != scope.province_id or scope.office_id is not None:
            raise PermissionDenied(_("You may not see this unit's figures."))
        return scope
    office = Office.objects.filter(code=unit_code).values_list("pk", "province_id").first()
    if office is None:
        raise InvalidInput(_("Unknown unit code."), code="invalid_unit")
    office_id, province_id = office
    if province_id != scope.province_id or scope.office_id not in (None, office_id):
        raise PermissionDenied(_("You may not see this unit's figures."))
    return Scope(scope.province_id, office_id, scope.procedure_id)


# -- overview -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    label: str
    count: int


@dataclass(frozen=True)
class TrendPoint:
    day: date  # the first day of the month when the trend is by month
    received: int
    finished: int
    on_time: int


@dataclass(frozen=True)
class Overview:
    received: int
    finished: int
    finished_on_time: int
    finished_late: int
    on_time_rate: float | None
    late_rate: float | None
    in_process: int
    online: int
    online_rate: float | None
    full_online_rate: float | None
    backlog: list[Bucket]
    overdue_open: int
    trend: list[TrendPoint]


# Age buckets of open dossiers in calendar days: (label, first day, last day or None).
BACKLOG_BUCKETS = (("≤ 5", 0, 5), ("6–10", 6, 10), ("11–20", 11, 20), ("21–30", 21, 30),
                   ("> 30", 31, None))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _in_period(queryset, period: Period, field: str = "day"):
    return queryset.filter(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


@dataclass(frozen=True)
class Cut:
    """A period as its whole calendar months and the days at its edges (in partial months)."""

    months: Period | None  # from the first day of the first whole month to that of the last
    edges: tuple[Period, ...]


def cut(period: Period) -> Cut:
    """The whole months of the period and its edge days (no months: the period itself)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    # The first day after the whole months.
    after = (_next_month(period.end) if (period.end + timedelta(days=1)).day == 1
             else period.end.replace(day=1))
    if first >= after:
        return Cut(None, (period,))
    edges = []
    if period.start < first:
        edges.append(Period(period.start, first - timedelta(days=1)))
    if after <= period.end:
        edges.append(Period(after, period.end))
    return Cut(Period(first, (after - timedelta(days=1)).replace(day=1)), tuple(edges))


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _summed(scope: Scope, period: Period, key: str, sums: dict, *,
            months: bool = True) -> list[dict]:
    """The period's facts summed by `key` ("day" or a DailyFact dimension column), one query:
    the whole months from MonthlyFact (with `months`; their "day" is the month's first day),
    the rest from DailyFact, each part's rows in a UNION ALL. A key may come once per part:
    callers add the rows up (`_added`)."""
    split = cut(period) if months else Cut(None, (period,))
    parts = [_in_period(scope.filter(DailyFact.objects.all()), edge).order_by()
             .values(key).annotate(**sums) for edge in split.edges]
    if split.months is not None:
        monthly = _in_period(scope.filter(MonthlyFact.objects.all()), split.months,
                             "month").order_by()
        grouped = monthly.values(day=F("month")) if key == "day" else monthly.values(key)
        parts.append(grouped.annotate(**sums))
    first, *others = parts
    return list(first.union(*others, all=True) if others else first)


def _added(rows: list[dict], key: str, names) -> dict:
    """{key value: {name: sum}}, the rows of one key value added up (None counts 0)."""
    found: dict = {}
    for row in rows:
        total = found.setdefault(row[key], dict.fromkeys(names, 0))
        for name in names:
            total[name] += row[name] or 0
    return found


def _open(scope: Scope):
    return scope.filter(DossierFact.objects.filter(status__in=OPEN_STATUSES))


_ONLINE = Q(channel__in=ONLINE_CHANNELS)
_DAILY_SUMS = {
    "received": Sum("submitted"), "finished": Sum("finished"), "on_time": Sum("on_time"),
    "late": Sum("late"), "online": Sum("submitted", filter=_ONLINE),
}


def overview(scope: Scope, period: Period) -> Overview:
    """Two queries: the period's facts summed by day, or for a trend by month by whole month
    and the edge days (the totals and the trend come from those sums), and the open dossiers
    now. The full-online procedures are a kept read (a third query once a minute)."""
    days = _by_day(scope, period)
    sums = dict.fromkeys((*_DAILY_SUMS, "full_online"), 0)
    for row in days.values():
        for name in sums:
            sums[name] += row[name]
    backlog, in_process, overdue = _backlog(scope)
    return Overview(
        received=sums["received"], finished=sums["finished"],
        finished_on_time=sums["on_time"], finished_late=sums["late"],
        on_time_rate=percent(sums["on_time"], sums["finished"]),
        late_rate=percent(sums["late"], sums["finished"]),
        in_process=in_process, online=sums["online"],
        online_rate=percent(sums["online"], sums["received"]),
        full_online_rate=percent(sums["full_online"], sums["received"]),
        backlog=backlog, overdue_open=overdue, trend=_trend(days, period))


def _by_day(scope: Scope, period: Period) -> dict:
    """{day: sums} of the period's facts (indexes (province, day) or (office, day), and the
    same by month). When the trend is by month, a whole month is one key, its first day."""
    sums = {**_DAILY_SUMS, "full_online": Sum(
        "submitted", filter=_ONLINE & Q(procedure_id__in=full_online_procedures()))}
    rows = _summed(scope, period, "day", sums, months=period.days > DAILY_TREND_DAYS)
    return {_as_date(day): row for day, row in _added(rows, "day", sums).items()}


@reference.kept()
def full_online_procedures() -> tuple[int, ...]:
    """Ids of the procedures the catalogue marks full-online, kept a while by each worker."""
    return tuple(Procedure.objects.filter(full_online=True).order_by("pk")
                 .values_list("pk", flat=True))


def _backlog(scope: Scope) -> tuple[list[Bucket], int, int]:
    """Open dossiers by age, how many, and how many past their appointment: one query over
    the open-dossier index alone (an index-only scan: it counts `status`, a column of the
    index that is never null, rather than the key, which is not in it)."""
    today, now = timezone.localdate(), timezone.now()
    counts = {}
    for index, (_label, first, last) in enumerate(BACKLOG_BUCKETS):
        ages = Q(submitted_day__lte=today - timedelta(days=first))
        if last is not None:
            ages &= Q(submitted_day__gte=today - timedelta(days=last))
        counts[f"b{index}"] = Count("status", filter=ages)
    counts["open"] = Count("status")
    counts["overdue"] = Count("status", filter=Q(status__in=RUNNING_STATUSES, due_at__lt=now))
    found = _open(scope).aggregate(**counts)
    buckets = [Bucket(label, found[f"b{index}"])
               for index, (label, _first, _last) in enumerate(BACKLOG_BUCKETS)]
    return buckets, found["open"], found["overdue"]


def _trend(days: dict, period: Period) -> list[TrendPoint]:
    """Each day of the period (each month when longer than DAILY_TREND_DAYS), zeros where
    nothing happened."""
    by_month = period.days > DAILY_TREND_DAYS
    points: dict[date, list[int]] = {day: [0, 0, 0] for day in _points(period, by_month)}
    for day, row in days.items():
        point = points[day.replace(day=1) if by_month else day]
        point[0] += row["received"]
        point[1] += row["finished"]
        point[2] += row["on_time"]
    return [TrendPoint(day, *counts) for day, counts in points.items()]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _points(period: Period, by_month: bool) -> Iterator[date]:
    day = period.start.replace(day=1) if by_month else period.start
    while day <= period.end:
        yield day
        if by_month:
            day = (day + timedelta(days=32)).replace(day=1)
        else:
            day += timedelta(days=1)


# -- breakdown and pareto -------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    key: str
    label: str
    received: int
    finished: int
    on_time: int
    late: int
    on_time_rate: float | None
    online_rate: float | None
    in_process: int


DIMENSIONS = {"office": "office_id", "procedure": "procedure_id", "channel": "channel"}


def breakdown(scope: Scope, period: Period, by: str) -> list[Row]:
    """The period's figures by office, procedure or channel, most received first."""
    if by not in DIMENSIONS:
        raise InvalidInput(_("Unknown breakdown: choose office, procedure or channel."),
                           code="invalid_dimension")
    column = DIMENSIONS[by]
    sums = _added(_summed(scope, period, column, _DAILY_SUMS), column, _DAILY_SUMS)
    open_now = dict(_open(scope).order_by().values(column).annotate(n=Count("pk"))
                    .values_list(column, "n"))
    names = _labels(by, set(sums) | set(open_now))
    rows = []
    for value in set(sums) | set(open_now):
        found = sums.get(value, dict.fromkeys(_DAILY_SUMS, 0))
        key, label = names.get(value, (str(value), str(value)))
        rows.append(Row(key=key, label=label, received=found["received"],
                        finished=found["finished"], on_time=found["on_time"],
                        late=found["late"],
                        on_time_rate=percent(found["on_time"], found["finished"]),
                        online_rate=percent(found["online"], found["received"]),
                        in_process=open_now.get(value, 0)))
    return sorted(rows, key=lambda row: (-row.received, -row.in_process, row.label))


def _labels(by: str, values: set) -> dict:
    """{dimension value: (key, label)}: codes and names of offices and procedures."""
    if by == "channel":
        names = dict(Channel.choices)
        return {value: (value, str(names.get(value, value))) for value in values}
    model = Office if by == "office" else Procedure
    return {pk: (code, name) for pk, code, name in
            model.objects.filter(pk__in=values).values_list("pk", "code", "name")}


@dataclass(frozen=True)
class ParetoRow:
    code: str
    name: str
    received: int
    share: float  # a fraction of all received (0..1)
    cumulative_share: float
    online_rate: float | None  # a percentage


def pareto(scope: Scope, period: Period) -> list[ParetoRow]:
    """Procedures by dossiers received, most first, with their share and running share: the
    few procedures that carry most of the load, and how much of each is online."""
    sums = {"received": Sum("submitted"), "online": Sum("submitted", filter=_ONLINE)}
    rows = [{"procedure_id": procedure_id, **row} for procedure_id, row in
            _added(_summed(scope, period, "procedure_id", sums), "procedure_id", sums).items()
            if row["received"] > 0]
    total = sum(row["received"] for row in rows)
    names = _labels("procedure", {row["procedure_id"] for row in rows})
    rows.sort(key=lambda row: (-row["received"], names.get(row["procedure_id"], ("", ""))[0]))
    found, running = [], 0
    for row in rows:
        running += row["received"]
        code, name = names.get(row["procedure_id"], (str(row["procedure_id"]), ""))
        found.append(ParetoRow(code=code, name=name, received=row["received"],
                               share=row["received"] / total, cumulative_share=running / total,
                               online_rate=percent(row["online"], row["received"])))
    return found


# -- dossier lists --------------------------------------------------------------------------------

def dossiers(scope: Scope, period: Period, *, late: bool | None = None,
             status: str | None = None):
    """The dossiers behind a figure: filed in the period, or — with `late` — finished in the
    period late (True) or on time (False); optionally in one status now."""
    found = scope.filter(DossierFact.objects.all())
    if late is None:
        found = _in_period(found, period, "submitted_day")
    else:
        found = _in_period(found, period, "finished_day").filter(late=late)
    if status:
        if status not in Status.values:
            raise InvalidInput(_("Unknown dossier status."), code="invalid_status")
        found = found.filter(status=status)
    return Dossier.objects.filter(pk__in=found.values("dossier_id"))


def alerts(scope: Scope, within_hours: int = 24):
    """Open dossiers whose clock runs and whose appointment is within `within_hours` or past,
    soonest first (the live dossier rows: an alert must not wait for the facts)."""
    limit = timezone.now() + timedelta(hours=within_hours)
    found = Dossier.objects.filter(province_id=scope.province_id, status__in=RUNNING_STATUSES,
                                   due_at__lte=limit)
    if scope.office_id is not None:
        found = found.filter(competent_office_id=scope.office_id)
    if scope.procedure_id is not None:
        found = found.filter(procedure_id=scope.procedure_id)
    return (found.select_related("procedure", "competent_office", "receiving_office")
            .order_by("due_at", "id"))


# -- open data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatRow:
    month: str
    commune_code: str
    commune_name: str
    procedure_code: str
    procedure_name: str
    received: int
    finished: int
    on_time: int
    late: int
    online: int


def monthly_statistics(province_id: str) -> Iterator[StatRow]:
    """Counts per month × competent office's commune × procedure (province-level offices: commune
    ""), oldest month first, from MonthlyFact. Only counts: no personal data."""
    rows = (MonthlyFact.objects.filter(province_id=province_id).order_by()
            .values("month", "office_id", "procedure_id").annotate(**_DAILY_SUMS))
    communes = {pk: (code or "", name or "") for pk, code, name in
                Office.objects.filter(province_id=province_id)
                .values_list("pk", "commune__code", "commune__name")}
    procedures = {pk: (code, name) for pk, code, name in
                  Procedure.objects.values_list("pk", "code", "name")}
    merged: dict = {}
    for row in rows:
        commune = communes.get(row["office_id"], ("", ""))
        key = (_as_date(row["month"]).strftime("%Y-%m"), commune,
               procedures.get(row["procedure_id"], ("", "")))
        total = merged.setdefault(key, dict.fromkeys(_DAILY_SUMS, 0))
        for name in _DAILY_SUMS:
            total[name] += row[name] or 0
    for (month, commune, procedure), total in sorted(merged.items()):
        yield StatRow(month=month, commune_code=commune[0], commune_name=commune[1],
                      procedure_code=procedure[0], procedure_name=procedure[1],
                      received=total["received"], finished=total["finished"],
                      on_time=total["on_time"], late=total["late"], online=total["online"])
