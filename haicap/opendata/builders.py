"""The builders of the published tables: each reads the facts and returns a `Table`.

Only aggregate counts, the catalogue, the units and the offices are read — never a dossier, a
person or an officer — and the counts go through `disclosure.suppress`.
"""

import calendar
from collections.abc import Iterable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.catalog import presenters
from haicap.catalog.models import Procedure
from haicap.catalog.spec import ExecutingUnit, Level, ProcedureField
from haicap.core.models import Office
from haicap.core.roles import OfficeKind
from haicap.opendata import disclosure
from haicap.opendata.tables import BOOLEAN, DATE, DOUBLE, INTEGER, TEXT, Column, Table
from haicap.units.models import Commune, CommuneKind, CommuneSuccession, LegacyCommuneKind

# The communes, wards and special zones of the two-tier government exist since this day.
TWO_TIER_START = date(2025, 7, 1)

COUNTS = ("received", "finished", "on_time", "late", "online")

STATISTICS_COLUMNS = (
    Column("month", TEXT, gettext_lazy("Calendar month, YYYY-MM")),
    Column("commune_code", TEXT, gettext_lazy(
        "Code of the commune whose office is competent for the dossier; empty for "
        "province-level offices")),
    Column("commune_name", TEXT, gettext_lazy("Name of that commune, or “Province level”")),
    Column("procedure_code", TEXT, gettext_lazy("National code of the procedure")),
    Column("procedure_name", TEXT, gettext_lazy("Name of the procedure")),
    Column("received", INTEGER, gettext_lazy("Dossiers received in the month")),
    Column("finished", INTEGER, gettext_lazy("Dossiers finished in the month")),
    Column("on_time", INTEGER, gettext_lazy(
        "Of those finished, finished on or before the appointment date")),
    Column("late", INTEGER, gettext_lazy("Of those finished, finished after the appointment date")),
    Column("online", INTEGER, gettext_lazy("Of those received, submitted online")),
    Column("suppressed", BOOLEAN, gettext_lazy(
        "True when a count of this row is hidden (empty) to protect privacy")),
)


def dossier_statistics(province) -> Table:
    from haicap.ioc.selectors import monthly_statistics

    this_month = timezone.localdate().strftime("%Y-%m")
    return statistics_table(monthly_statistics(province.pk), before=this_month)


def statistics_table(stat_rows: Iterable, *, before: str) -> Table:
    """Rows of complete months only (before the month `before`, "YYYY-MM"): a month still under
    way would change day by day, and two days' files side by side would tell one dossier apart.
    A row whose counts are all zero (the facts saw only other actions) says nothing: left out."""
    rows = [_statistics_row(stat) for stat in stat_rows
            if stat.month < before and any(getattr(stat, name) for name in COUNTS)]
    rows.sort(key=lambda row: (row[0], row[1] or "", row[3]))
    months = sorted({row[0] for row in rows})
    return Table(STATISTICS_COLUMNS, rows,
                 temporal_start=_first_day(months[0]) if months else None,
                 temporal_end=_last_day(months[-1]) if months else None)


def _statistics_row(stat) -> tuple:
    counts, suppressed = disclosure.suppress({name: getattr(stat, name) for name in COUNTS})
    return (stat.month, stat.commune_code or None, stat.commune_name or _("Province level"),
            stat.procedure_code, stat.procedure_name,
            *(counts[name] for name in COUNTS), suppressed)


def _first_day(month: str) -> date:
    year, number = map(int, month.split("-"))
    return date(year, number, 1)


def _last_day(month: str) -> date:
    year, number = map(int, month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


PROCEDURE_COLUMNS = (
    Column("code", TEXT, gettext_lazy("National code of the procedure")),
    Column("name", TEXT, gettext_lazy("Name of the procedure")),
    Column("level", TEXT, gettext_lazy("Level: commune, province_department, province_centre")),
    Column("level_name", TEXT, gettext_lazy("Level in words")),
    Column("field", TEXT, gettext_lazy("Field code")),
    Column("field_name", TEXT, gettext_lazy("Field in words")),
    Column("executing_unit", TEXT, gettext_lazy("Code of the executing unit")),
    Column("executing_unit_name", TEXT, gettext_lazy("Executing unit in words")),
    Column("deadline_value", INTEGER, gettext_lazy("Deadline, in the unit of deadline_unit")),
    Column("deadline_unit", TEXT, gettext_lazy(
        "same_day, working_days, working_hours or calendar_days")),
    Column("deadline", TEXT, gettext_lazy("Deadline in words")),
    Column("full_online", BOOLEAN, gettext_lazy(
        "True when every step can be done online (Decree 42/2022)")),
    Column("free", BOOLEAN, gettext_lazy(
        "True when nothing is charged unless a condition applies")),
    Column("fee_vnd", INTEGER, gettext_lazy(
        "Fees of one dossier filed at the desk, one copy of one page, no condition (VND)")),
    Column("fees", TEXT, gettext_lazy("Fees and charges in words, with their conditions")),
)


def procedures(province) -> Table:
    rows = []
    query = Procedure.objects.filter(active=True).select_related("current_version")
    for procedure in query.order_by("code"):
        spec = procedure.spec
        rows.append((
            procedure.code, procedure.name,
            procedure.level, _label(Level, procedure.level),
            procedure.field, _label(ProcedureField, procedure.field),
            procedure.executing_unit, _label(ExecutingUnit, procedure.executing_unit),
            procedure.deadline_value, procedure.deadline_unit,
            presenters.deadline_text(spec.deadline) if spec else None,
            procedure.full_online,
            presenters.is_free(spec) if spec else None,
            spec.fee_for() if spec else None,
            presenters.fee_summary(spec) if spec else None,
        ))
    return Table(PROCEDURE_COLUMNS, rows)


def _label(choices, value: str) -> str:
    """The label of a choice in the current language; the raw value if the code is unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


COMMUNE_COLUMNS = (
    Column("code", TEXT, gettext_lazy("Code of the commune (since 1 July 2025)")),
    Column("name", TEXT, gettext_lazy("Name of the commune, ward or special zone")),
    Column("kind", TEXT, gettext_lazy("xa (commune), phuong (ward) or dac_khu (special zone)")),
    Column("kind_name", TEXT, gettext_lazy("Kind in words")),
    Column("latitude", DOUBLE, gettext_lazy("Latitude of the commune's seat, if known")),
    Column("longitude", DOUBLE, gettext_lazy("Longitude of the commune's seat, if known")),
)


def communes(province) -> Table:
    rows = [(commune.code, commune.name, commune.kind, _label(CommuneKind, commune.kind),
             commune.latitude, commune.longitude)
            for commune in Commune.objects.filter(province=province).order_by("code")]
    return Table(COMMUNE_COLUMNS, rows, temporal_start=TWO_TIER_START)


SUCCESSION_COLUMNS = (
    Column("legacy_province_code", TEXT, gettext_lazy("Code of the province before 2025")),
    Column("legacy_province_name", TEXT, gettext_lazy("Name of the province before 2025")),
    Column("legacy_district_code", TEXT, gettext_lazy("Code of the district (abolished)")),
    Column("legacy_district_name", TEXT, gettext_lazy("Name of the district (abolished)")),
    Column("legacy_commune_code", TEXT, gettext_lazy("Code of the commune before 2025")),
    Column("legacy_commune_name", TEXT, gettext_lazy("Name of the commune before 2025")),
    Column("legacy_commune_kind", TEXT, gettext_lazy("Kind of the commune before 2025 in words")),
    Column("commune_code", TEXT, gettext_lazy("Code of the commune it went into")),
    Column("commune_name", TEXT, gettext_lazy("Name of the commune it went into")),
    Column("is_split", BOOLEAN, gettext_lazy(
        "True when the old commune was divided among several new ones")),
    Column("is_main_successor", BOOLEAN, gettext_lazy(
        "Of a split commune, true for the new commune that took its seat")),
    Column("effective_date", DATE, gettext_lazy("Date the succession took effect")),
    Column("legal_basis", TEXT, gettext_lazy("Resolution that decided it")),
)


def commune_succession(province) -> Table:
    query = (CommuneSuccession.objects.filter(commune__province=province)
             .select_related("legacy_commune__district__province", "commune")
             .order_by("legacy_commune_id", "commune_id"))
    rows = [_succession_row(succession) for succession in query]
    starts = [row[11] for row in rows]
    return Table(SUCCESSION_COLUMNS, rows, temporal_start=min(starts) if starts else None)


def _succession_row(succession: CommuneSuccession) -> tuple:
    old = succession.legacy_commune
    district = old.district
    return (district.province.code, district.province.name, district.code, district.name,
            old.code, old.name, _label(LegacyCommuneKind, old.kind),
            succession.commune.code, succession.commune.name,
            succession.is_split, succession.is_default, succession.effective_date,
            succession.legal_basis or None)


# Dossiers are received at the commune People's Committees' one-stop desks and at the
# province's public-administration service centre; departments receive through the centre.
RECEIVING_KINDS = (OfficeKind.COMMUNE, OfficeKind.ONE_STOP_CENTRE)

OFFICE_COLUMNS = (
    Column("code", TEXT, gettext_lazy("Code of the office")),
    Column("name", TEXT, gettext_lazy("Name of the office")),
    Column("kind", TEXT, gettext_lazy("commune or one_stop_centre")),
    Column("kind_name", TEXT, gettext_lazy("Kind in words")),
    Column("commune_code", TEXT, gettext_lazy(
        "Code of its commune; empty for the province centre")),
    Column("commune_name", TEXT, gettext_lazy("Name of its commune")),
)


def receiving_offices(province) -> Table:
    query = (Office.objects.filter(province=province, kind__in=RECEIVING_KINDS)
             .select_related("commune").order_by("kind", "code"))
    rows = [(office.code, office.name, office.kind, _label(OfficeKind, office.kind),
             office.commune_id, office.commune.name if office.commune_id else None)
            for office in query]
    return Table(OFFICE_COLUMNS, rows)

