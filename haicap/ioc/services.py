"""Writes of the KPI facts: `refresh` folds what the event log gained since the watermark,
`rebuild` folds everything again. Both fold a dossier with the same function (facts.fold),
recompute DailyFact rows from DossierFact with the same GROUP BY, and MonthlyFact rows from
DailyFact with another (docs/adr/0011-kpi-facts.md).
"""

import dataclasses
import operator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from haicap.core import bulk
from haicap.dossiers.models import Dossier, DossierDocument, DossierEvent
from haicap.ioc import conf, facts
from haicap.ioc.models import DAILY_MEASURES, DailyFact, DossierFact, MonthlyFact, Watermark

WATERMARK = "facts"


@dataclass(frozen=True)
class RefreshReport:
    events: int
    dossiers: int
    daily_keys: int
    watermark: int

    def as_dict(self) -> dict:
        return {"events": self.events, "dossiers": self.dossiers,
                "daily_keys": self.daily_keys, "watermark": self.watermark}


@dataclass(frozen=True)
class RebuildReport:
    dossiers: int
    daily_rows: int
    monthly_rows: int
    watermark: int


# -- incremental refresh ---------------------------------------------------------------------------

def refresh(*, batch: int | None = None) -> RefreshReport:
    """Fold the events after the watermark, pass after pass until the log is drained. Each pass
    reads on from where the last one stopped: a hole holding the watermark back does not make
    the passes read the same events again."""
    batch = batch or conf.batch_events()
    total, cursor = RefreshReport(0, 0, 0, 0), None
    while True:
        report, read, cursor = refresh_once(batch=batch, after=cursor)
        total = RefreshReport(total.events + report.events, total.dossiers + report.dossiers,
                              total.daily_keys + report.daily_keys, report.watermark)
        if read < batch:
            return total


def refresh_once(*, batch: int, after: int | None = None) -> tuple[RefreshReport, int, int]:
    """One pass: up to `batch` events after the watermark (or after `after`, where an earlier
    pass stopped); their dossiers are folded again from all their events, and the DailyFact
    keys they touch are recomputed. Returns the report, how many events were read, and the
    last id read."""
    started = timezone.now()
    with transaction.atomic():
        mark = _locked_watermark()
        start = mark.event_id if after is None else max(after, mark.event_id)
        rows = list(DossierEvent.objects.filter(id__gt=start).order_by("id")
                    .values_list("id", "dossier_id", "at")[:batch])
        dossier_ids = sorted({dossier_id for _id, dossier_id, _at in rows})
        keys = fold_dossiers(dossier_ids)
        mark.event_id = next_watermark(mark.event_id, [(i, at) for i, _d, at in rows],
                                       started - timedelta(seconds=conf.gap_seconds()))
        mark.updated_at = started
        mark.save(update_fields=["event_id", "updated_at"])
    report = RefreshReport(len(rows), len(dossier_ids), keys, mark.event_id)
    return report, len(rows), rows[-1][0] if rows else start


def next_watermark(current: int, events: list, hole_limit) -> int:
    """The highest event id up to which nothing can still appear.

    `events` are (id, at) read after `current` (or after events read before), ids ascending; an
    id that is not the next one is a hole before it. Ids are taken in order but on
    PostgreSQL transactions commit in any order: a hole (a missing id) may be a transaction
    still open, whose event will appear later — the watermark stops before it. A hole whose
    next event was recorded before `hole_limit` is older than any open transaction may be:
    a rolled-back id, passed over. The events after a hole are folded meanwhile and folded
    again on the next pass (folding a dossier twice gives the same fact)."""
    mark = current
    for event_id, at in events:
        if event_id != mark + 1 and at > hole_limit:
            break
        mark = event_id
    return mark


def _locked_watermark() -> Watermark:
    """The watermark row, locked: one refresh or rebuild at a time."""
    Watermark.objects.get_or_create(name=WATERMARK)
    return Watermark.objects.select_for_update().get(name=WATERMARK)


# -- rebuild ---------------------------------------------------------------------------------------

def rebuild(*, chunk: int | None = None) -> RebuildReport:
    """Every fact again from the event log: dossiers folded chunk by chunk (by id), the fact
    table's secondary indexes set aside meanwhile and built once after, then all DailyFact
    rows by one GROUP BY and all MonthlyFact rows by another. The watermark is set
    so that the next refresh reads every event that may have committed while this ran (it
    folds those dossiers again)."""
    chunk = chunk or conf.rebuild_chunk()
    started = timezone.now()
    with transaction.atomic():
        mark = _locked_watermark()
        safe = (DossierEvent.objects
                .filter(at__lte=started - timedelta(seconds=conf.gap_seconds()))
                .aggregate(top=Max("id"))["top"] or 0)
        DossierFact.objects.all().delete()
        with bulk.secondary_indexes_set_aside(DossierFact):
            dossiers = _fold_all(chunk)
        daily_rows = rebuild_daily()
        monthly_rows = MonthlyFact.objects.count()
        mark.event_id, mark.updated_at = safe, started
        mark.save(update_fields=["event_id", "updated_at"])
    return RebuildReport(dossiers, daily_rows, monthly_rows, safe)


def rebuild_daily() -> int:
    """All DailyFact rows again from DossierFact (one GROUP BY), then all MonthlyFact rows
    from them (rebuild_monthly); returns how many DailyFact rows."""
    DailyFact.objects.all().delete()
    rows = _recompute_daily(None)
    rebuild_monthly()
    return rows


def rebuild_monthly() -> int:
    """All MonthlyFact rows again from DailyFact (one GROUP BY); returns how many."""
    MonthlyFact.objects.all().delete()
    return _recompute_monthly(None)


def _fold_all(chunk: int) -> int:
    top = Dossier.objects.aggregate(top=Max("id"))["top"] or 0
    done = 0
    for start in range(0, top + 1, chunk):
        found = _folded(Q(id__gte=start, id__lt=start + chunk),
                        Q(dossier_id__gte=start, dossier_id__lt=start + chunk))
        _insert_facts(found)
        done += len(found)
    return done


# -- folding ---------------------------------------------------------------------------------------

def fold_dossiers(dossier_ids: list[int]) -> int:
    """Fold these dossiers again and recompute the DailyFact keys their old and new facts
    count in, then the MonthlyFact keys of those days' months; returns how many DailyFact
    keys. In the caller's transaction."""
    if not dossier_ids:
        return 0
    old = DossierFact.objects.filter(dossier_id__in=dossier_ids)
    touched = {(row.office_id, row.procedure_id, row.channel, day)
               for row in old for day in (getattr(row, name) for name in facts.DAY_FIELDS)
               if day is not None}
    found = _folded(Q(id__in=dossier_ids), Q(dossier_id__in=dossier_ids))
    for fact in found:
        touched |= facts.daily_keys(fact)
    DossierFact.objects.filter(dossier_id__in=dossier_ids).delete()
    _insert_facts(found)
    for keys in _chunks(sorted(touched, key=str), 500):
        _recompute_daily(keys)
    months = {(office, procedure, channel, day.replace(day=1))
              for office, procedure, channel, day in touched}
    for keys in _chunks(sorted(months, key=str), 500):
        _recompute_monthly(keys)
    return len(touched)


def _insert_facts(found: list[facts.Fact]) -> None:
    """COPY on PostgreSQL: the ORM's bulk_create spends most of a rebuild preparing values."""
    columns = tuple(field.name for field in dataclasses.fields(facts.Fact))
    values = operator.attrgetter(*columns)
    bulk.bulk_insert(DossierFact._meta.db_table, columns, [values(fact) for fact in found])


def _folded(dossiers: Q, events: Q) -> list[facts.Fact]:
    """The facts of the dossiers `dossiers` selects (`events`: the same, on the event log)."""
    documents = {row["dossier_id"]: row for row in
                 DossierDocument.objects.filter(events).order_by().values("dossier_id")
                 .annotate(total=Count("id"), hashed=Count("id", filter=~Q(sha256="")))}
    by_dossier: dict[int, list[facts.Event]] = {}
    for row in (DossierEvent.objects.filter(events).order_by("dossier_id", "id")
                .values_list("id", "dossier_id", "at", "action", "to_status", "note", "data")):
        by_dossier.setdefault(row[1], []).append(
            facts.Event(id=row[0], at=row[2], action=row[3], to_status=row[4], note=row[5],
                        data=row[6] or {}))
    found = []
    for row in (Dossier.objects.filter(dossiers).order_by("id")
                .values_list("id", "province_id", "competent_office_id", "receiving_office_id",
                             "procedure_id", "channel", "submitted_at")):
        docs = documents.get(row[0], {"total": 0, "hashed": 0})
        dims = facts.DossierDims(*row, documents=docs["total"], hashed_documents=docs["hashed"])
        found.append(facts.fold(dims, by_dossier.get(row[0], [])))
    return found


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- DailyFact from DossierFact --------------------------------------------------------------------

def _recompute_daily(keys: list | None) -> int:
    """Replace the DailyFact rows of `keys` ((office, procedure, channel, day); None: all)
    by the sums over DossierFact, one GROUP BY (a UNION ALL of each day column's counts)."""
    quote = connection.ops.quote_name
    daily, fact = quote(DailyFact._meta.db_table), quote(DossierFact._meta.db_table)
    measures = list(DAILY_MEASURES)
    key_sql, key_params = _keys_values(keys)
    parts, params = [], []
    for day_field in dict.fromkeys(day for day, _expression in DAILY_MEASURES.values()):
        values = ", ".join(f"{expression if day == day_field else 0} AS m{i}"
                           for i, (day, expression) in enumerate(DAILY_MEASURES.values()))
        where = f"{day_field} IS NOT NULL"
        if keys is not None:
            where += f" AND (office_id, procedure_id, channel, {day_field}) IN ({key_sql})"
            params += key_params
        parts.append(f"SELECT {day_field} AS day, province_id, office_id, procedure_id, "
                     f"channel, {values} FROM {fact} WHERE {where}")
    columns = ", ".join(quote(name) for name in measures)
    sums = ", ".join(f"SUM(m{i})" for i in range(len(measures)))
    union = " UNION ALL ".join(parts)
    insert = (f"INSERT INTO {daily} (day, province_id, office_id, procedure_id, channel, "
              f"{columns}) SELECT day, MIN(province_id), office_id, procedure_id, channel, "
              f"{sums} FROM ({union}) AS counted GROUP BY day, office_id, procedure_id, channel")
    with connection.cursor() as cursor:
        if keys is not None:
            cursor.execute(f"DELETE FROM {daily} WHERE (office_id, procedure_id, channel, day) "
                           f"IN ({key_sql})", key_params)
        cursor.execute(insert, params)
        return cursor.rowcount


def _keys_values(keys: list | None) -> tuple[str, list]:
    if not keys:
        return "", []
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
    return f"VALUES {rows}", [value for key in keys for value in key]


# -- MonthlyFact from DailyFact --------------------------------------------------------------------

def _recompute_monthly(keys: list | None) -> int:
    """Replace the MonthlyFact rows of `keys` ((office, procedure, channel, first day of the
    month); None: all) by the sums of their DailyFact rows, one GROUP BY. A key selects its
    DailyFact rows by a join on a VALUES list with the month's day range, which the DailyFact
    key index answers."""
    quote = connection.ops.quote_name
    monthly, daily = quote(MonthlyFact._meta.db_table), quote(DailyFact._meta.db_table)
    columns = ", ".join(quote(name) for name in DAILY_MEASURES)
    sums = ", ".join(f"SUM(d.{quote(name)})" for name in DAILY_MEASURES)
    month, params = connection.ops.date_trunc_sql("month", "d.day", ())
    source = f"{daily} AS d"
    if keys is not None:
        rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
        source += (f" JOIN (VALUES {rows}) AS k ON d.office_id = k.column1 AND "
                   "d.procedure_id = k.column2 AND d.channel = k.column3 AND "
                   "d.day >= k.column4 AND d.day < k.column5")
    insert = (f"INSERT INTO {monthly} (month, province_id, office_id, procedure_id, channel, "
              f"{columns}) SELECT {month}, MIN(d.province_id), d.office_id, d.procedure_id, "
              f"d.channel, {sums} FROM {source} "
              "GROUP BY 1, d.office_id, d.procedure_id, d.channel")
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(insert, params)
            return cursor.rowcount
        key_sql, key_params = _keys_values(keys)
        cursor.execute(f"DELETE FROM {monthly} WHERE (office_id, procedure_id, channel, month) "
                       f"IN ({key_sql})", key_params)
        ranges = [value for office, procedure, channel, first in keys
                  for value in (office, procedure, channel, first, _next_month(first))]
        cursor.execute(insert, [*params, *ranges])
        return cursor.rowcount


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)
