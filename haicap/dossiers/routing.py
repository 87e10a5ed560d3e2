"""File anywhere (Decree 118/2025/NĐ-CP): any desk receives, the system finds the competent unit.

Commune-level procedures go to the commune of the applicant's address; province-level ones to
the department that executes them, or else the province's one-stop centre.
"""

from django.utils.translation import gettext as _

from haicap.catalog.spec import ExecutingUnit, Level, ProcedureSpec
from haicap.core import reference
from haicap.core.errors import InvalidInput
from haicap.core.models import Office
from haicap.core.roles import OfficeKind
from haicap.units.models import Commune

# Until offices carry their executing-unit type (ADR 0004), departments are known by the
# prefix of their office code, as the demo and the province's office register name them.
DEPARTMENT_CODE_PREFIX = {
    ExecutingUnit.DEPARTMENT_JUSTICE: "STP",
    ExecutingUnit.DEPARTMENT_CONSTRUCTION: "SXD",
    ExecutingUnit.DEPARTMENT_FINANCE: "STC",
    ExecutingUnit.DEPARTMENT_HOME_AFFAIRS: "SNV",
    ExecutingUnit.DEPARTMENT_HEALTH: "SYT",
    ExecutingUnit.DEPARTMENT_AGRICULTURE_ENVIRONMENT: "SNNMT",
}


def competent_office(spec: ProcedureSpec, applicant_commune: Commune) -> Office:
    """The office that decides a dossier of this procedure for an applicant living there."""
    office = _deciding_office(spec.level, spec.executing_unit, applicant_commune.pk,
                              applicant_commune.province_id)
    if office is None:
        raise InvalidInput(
            _("No unit of the province can decide this procedure for this address."),
            code="no_competent_unit",
        )
    return office


def reception_desk(competent: Office) -> Office:
    """Where a dossier filed from afar (online, partner, linked) waits to be received: the
    commune's own desk, or for a province-level unit the province's one-stop centre."""
    if competent.kind == OfficeKind.COMMUNE:
        return competent
    return _one_stop_centre(competent.province_id) or competent


# Offices change a few times a year: each worker keeps what it found a while (core.reference).
@reference.kept()
def _deciding_office(level: Level, executing_unit: ExecutingUnit, commune: str,
                     province: str) -> Office | None:
    if level == Level.COMMUNE:
        return Office.objects.filter(kind=OfficeKind.COMMUNE, commune_id=commune).first()
    prefix = DEPARTMENT_CODE_PREFIX.get(executing_unit)
    office = None
    if prefix:
        office = Office.objects.filter(kind=OfficeKind.DEPARTMENT, province_id=province,
                                       code__startswith=f"{prefix}-").first()
    return office or _one_stop_centre(province)


@reference.kept()
def _one_stop_centre(province: str) -> Office | None:
    return Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE, province_id=province).first()
