"""Decision 766/QĐ-TTg scores of a province, a department or a commune for a period.

Six groups, 100 points. Each group's rate is a percentage measured from the KPI facts (and,
for publicity, the national-portal feed and the catalogue); its points are its share of the
group's maximum: points = max_points × rate / 100. A group with several parts takes the mean
of the parts that have data. A part or group with nothing to measure has NO DATA: it is shown
so, gets no points, and nothing is invented for it (docs/adr/0011-kpi-facts.md).

The definitions, as measured here (the period's dossiers = filed in the period, except where
"finished in the period" is said):

- publicity (18): (a) dossiers published to the national portal = the period's dossiers
  whose every feed item the national portal acknowledged (a dossier with none is not
  published); (b) procedures published in the catalogue = of the procedures the unit received
  dossiers for in the period, those active with a published version.
- progress (20): on time = finished in the period no later than the original appointment
  (supplement time excluded, apology extensions counted late, more than one supplement
  request late; haicap.ioc.facts) over all finished in the period.
- online service (12): (a) dossiers filed online (portal, partner API, kiosk) over all the
  period's dossiers; (b) full-online: of the period's dossiers of full-online procedures
  (Decree 42/2022), those filed online.
- online payment (10): dossiers paid online (a `pay` event with data.method "online") over
  dossiers paid at all. No payments app records payments yet: until one does, this group
  has no data.
- satisfaction (18): 100 % − (late rate + complaint rate); late rate = late over finished in
  the period, complaint rate = the period's dossiers with a complaint over the period's
  dossiers. No data unless both rates have data. Floored at 0.
- digitization (22): (a) the period's dossiers with documents whose documents are all stored
  files with a SHA-256; (b) results digitized = dossiers finished in the period whose result
  was signed (a `sign` event); (c) results reused: not measured yet (no reuse is recorded), no
  data.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.catalog.models import Procedure
from haicap.core.models import Office
from haicap.core.roles import OfficeKind
from haicap.ioc.models import DailyFact, DossierFact
from haicap.ioc.selectors import ONLINE_CHANNELS, Period, Scope, full_online_procedures, percent
from haicap.national_portal.models import FeedItem

MAX_POINTS = 100
LEVELS = {"commune": (OfficeKind.COMMUNE,),
          "department": (OfficeKind.DEPARTMENT, OfficeKind.ONE_STOP_CENTRE)}


@dataclass(frozen=True)
class Part:
    name: str
    numerator: int | None
    denominator: int | None
    rate: float | None  # None: no data


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    max_points: int
    points: float  # 0 when there is no data
    rate: float | None  # None: no data
    has_data: bool
    definition: str
    parts: list[Part]


@dataclass(frozen=True)
class Scores:
    groups: list[Group]
    total: float
    max_points: int = MAX_POINTS

    @property
    def has_data(self) -> bool:
        return any(group.has_data for group in self.groups)


@dataclass(frozen=True)
class RankRow:
    office_code: str
    office_name: str
    score: float | None  # None: no data at all in the period
    rank: int | None
    previous_rank: int | None
    change: int | None  # places gained since the previous period (negative: lost)


GROUPS = (
    ("publicity", gettext_lazy("Publicity and transparency"), 18,
     gettext_lazy("Dossiers whose every status the national portal acknowledged, over the "
                  "period's dossiers; and procedures handled that are published in the "
                  "catalogue.")),
    ("progress", gettext_lazy("Progress of handling"), 20,
     gettext_lazy("Dossiers finished no later than the original appointment (supplement "
                  "time excluded; an apology or a second supplement request counts late), "
                  "over dossiers finished in the period.")),
    ("online", gettext_lazy("Online public services"), 12,
     gettext_lazy("Dossiers filed online (portal, partner systems, kiosks) over all; and "
                  "dossiers of full-online procedures filed online.")),
    ("payment", gettext_lazy("Online payment"), 10,
     gettext_lazy("Dossiers paid online over dossiers paid. No data until payments are "
                  "recorded.")),
    ("satisfaction", gettext_lazy("Satisfaction"), 18,
     gettext_lazy("100 % minus the late rate and the rate of dossiers with a complaint.")),
    ("digitization", gettext_lazy("Digitization"), 22,
     gettext_lazy("Dossiers whose documents are all stored files with a SHA-256; results "
                  "signed digitally; results reused (not recorded yet: no data).")),
)

_SUMS = {
    "received": Sum("submitted"),
    "online": Sum("submitted", filter=Q(channel__in=ONLINE_CHANNELS)),
    "finished": Sum("finished"), "on_time": Sum("on_time"), "late": Sum("late"),
    "complained": Sum("complained"), "with_documents": Sum("with_documents"),
    "digitized": Sum("digitized"), "signed": Sum("signed"), "paid": Sum("paid"),
    "paid_online": Sum("paid_online"),
}


def scores(scope: Scope, period: Period) -> Scores:
    """The six groups and the total of one unit (or the province) for the period."""
    rows = _daily(scope, period)
    sums = _zeros(rows.aggregate(**_SUMS, **_full_online_sums()))
    sums.update(_procedures_published(rows))
    sums.update(_published(scope.filter(DossierFact.objects.all()), period)
                .get(None, {"published": 0, "dossiers": 0}))
    return from_sums(sums)


def ranking(level: str, period: Period, province_id: str | None = None) -> list[RankRow]:
    """The offices of a level ("commune" or "department") by total score, best first, with
    their rank in the previous period of the same length. Offices with no data at all are
    listed last, unranked."""
    province_id = province_id or settings.HAICAP_PROVINCE_CODE
    offices = list(Office.objects.filter(province_id=province_id, kind__in=LEVELS[level])
                   .order_by("code").values_list("pk", "code", "name"))
    now = _ranked(_office_scores(province_id, period))
    before = _ranked(_office_scores(province_id, period.previous()))
    rows = []
    for pk, code, name in offices:
        score, rank = now.get(pk, (None, None))
        previous = before.get(pk, (None, None))[1]
        change = previous - rank if rank is not None and previous is not None else None
        rows.append(RankRow(code, name, score, rank, previous, change))
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.office_code))


def _ranked(totals: dict) -> dict:
    """{office: (score, rank)}; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    found, rank = {}, 0
    for index, (office, score) in enumerate(ordered, start=1):
        if index == 1 or score != ordered[index - 2][1]:
            rank = index
        found[office] = (score, rank)
    return found


def _office_scores(province_id: str, period: Period) -> dict:
    """{office id: total} of the offices with any data in the period: the same sums as
    `scores`, grouped by office in one query each."""
    scope = Scope(province_id)
    rows = _daily(scope, period)
    sums = {row["office_id"]: _zeros(row) for row in
            rows.order_by().values("office_id").annotate(**_SUMS, **_full_online_sums())}
    for office_id, found in _procedures_published_by_office(rows).items():
        sums.setdefault(office_id, _zeros(dict.fromkeys(_SUMS, 0))).update(found)
    published = _published(DossierFact.objects.filter(province_id=province_id), period,
                           by_office=True)
    for office_id, found in published.items():
        sums.setdefault(office_id, _zeros(dict.fromkeys(_SUMS, 0))).update(found)
    totals = {}
    for office_id, found in sums.items():
        result = from_sums(found)
        if result.has_data:
            totals[office_id] = result.total
    return totals


def _daily(scope: Scope, period: Period):
    return scope.filter(DailyFact.objects.filter(day__gte=period.start, day__lte=period.end))


def _zeros(sums: dict) -> dict:
    return {name: value or 0 for name, value in sums.items()}


def _full_online_sums() -> dict:
    full = Q(procedure_id__in=full_online_procedures())
    return {"full_online_received": Sum("submitted", filter=full),
            "full_online_online": Sum("submitted", filter=full & Q(channel__in=ONLINE_CHANNELS))}


def _published_procedure() -> Q:
    return Q(active=True, current_version__isnull=False)


def _procedures_published(rows) -> dict:
    handled = rows.filter(submitted__gt=0).values("procedure_id")
    found = Procedure.objects.filter(pk__in=handled).aggregate(
        handled=Count("pk"), catalogued=Count("pk", filter=_published_procedure()))
    return {"procedures": found["handled"], "procedures_published": found["catalogued"]}


def _procedures_published_by_office(rows) -> dict:
    published = set(Procedure.objects.filter(_published_procedure())
                    .values_list("pk", flat=True))
    found: dict = {}
    for office_id, procedure_id in (rows.filter(submitted__gt=0).order_by()
                                    .values_list("office_id", "procedure_id").distinct()):
        counts = found.setdefault(office_id, {"procedures": 0, "procedures_published": 0})
        counts["procedures"] += 1
        counts["procedures_published"] += procedure_id in published
    return found


def _published(facts, period: Period, *, by_office: bool = False) -> dict:
    """{office id (None: all): {"published", "dossiers"}} of the dossiers filed in the period:
    published = every feed item acknowledged by the national portal (at least one)."""
    items = FeedItem.objects.filter(dossier_id=OuterRef("dossier_id"))
    facts = facts.filter(submitted_day__gte=period.start, submitted_day__lte=period.end).annotate(
        fed=Exists(items), pending=Exists(items.filter(acknowledged_at__isnull=True)))
    counts = {"published": Count("pk", filter=Q(fed=True, pending=False)),
              "dossiers": Count("pk")}
    if not by_office:
        return {None: facts.aggregate(**counts)}
    return {row["office_id"]: {"published": row["published"], "dossiers": row["dossiers"]}
            for row in facts.order_by().values("office_id").annotate(**counts)}


# -- from sums to points ---------------------------------------------------------------------------

def from_sums(sums: dict) -> Scores:
    """The groups from the counts of one unit and period (all plain integers)."""
    parts = _parts(sums)
    groups = []
    for key, name, max_points, definition in GROUPS:
        found = parts[key]
        rates = [part.rate for part in found if part.rate is not None]
        rate = round(sum(rates) / len(rates), 2) if rates else None
        points = round(max_points * rate / 100, 2) if rate is not None else 0.0
        groups.append(Group(key, str(name), max_points, points, rate, rate is not None,
                            str(definition), found))
    return Scores(groups, round(sum(group.points for group in groups), 2))


def _part(name: str, numerator: int, denominator: int) -> Part:
    return Part(name, numerator, denominator, percent(numerator, denominator))


def _no_data(name: str) -> Part:
    return Part(name, None, None, None)


def _parts(s: dict) -> dict:
    late_rate = percent(s["late"], s["finished"])
    complaint_rate = percent(s["complained"], s["received"])
    if late_rate is None or complaint_rate is None:
        satisfaction = _no_data(_("100 % − (late rate + complaint rate)"))
    else:
        satisfaction = Part(_("100 % − (late rate + complaint rate)"), None, None,
                            round(max(0.0, 100 - late_rate - complaint_rate), 2))
    return {
        "publicity": [
            _part(_("Dossiers published to the national portal"), s.get("published", 0),
                  s.get("dossiers", 0)),
            _part(_("Procedures published in the catalogue"),
                  s.get("procedures_published", 0), s.get("procedures", 0))],
        "progress": [_part(_("Finished on time"), s["on_time"], s["finished"])],
        "online": [
            _part(_("Dossiers filed online"), s["online"], s["received"]),
            _part(_("Full-online procedures' dossiers filed online"),
                  s.get("full_online_online", 0), s.get("full_online_received", 0))],
        "payment": [_part(_("Dossiers paid online"), s["paid_online"], s["paid"])],
        "satisfaction": [satisfaction],
        "digitization": [
            _part(_("Dossiers with all documents stored digitally"), s["digitized"],
                  s["with_documents"]),
            _part(_("Results signed digitally"), s["signed"], s["finished"]),
            _no_data(_("Results reused (not recorded yet)"))],
    }
