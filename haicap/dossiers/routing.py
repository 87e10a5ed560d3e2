"""File anywhere (Decree 118/2025/NĐ-CP): any desk receives, the system finds the competent unit.

Commune-level procedures go to the commune of the applicant's address; province-level ones to
the department that executes them, or else the province's one-stop centre.
"""

from django.utils.translation import gettext as _

from haicap.catalog.spec import ExecutingUnit, Level, ProcedureSpec
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
    province = applicant_commune.province_id
    if spec.level == Level.COMMUNE:
        office = Office.objects.filter(kind=OfficeKind.COMMUNE, commune=applicant_commune).first()
    else:
        prefix = DEPARTMENT_CODE_PREFIX.get(spec.executing_unit)
        office = None
        if prefix:
            office = Office.objects.filter(kind=OfficeKind.DEPARTMENT, province_id=province,
                                           code__startswith=f"{prefix}-").first()
        office = office or Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE,
                                                 province_id=province).first()
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
    centre = Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE,
                                   province_id=competent.province_id).first()
    return centre or competent
