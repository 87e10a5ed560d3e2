"""Reads of the unit tables: lists, search without tone marks, a unit with its predecessors."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from haicap.core import reference
from haicap.core.errors import NotFound
from haicap.units.folding import fold
from haicap.units.models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyProvince,
    Province,
)

UNIT_NOT_FOUND = "unit_not_found"


def _not_found(kind: str, code: str) -> NotFound:
    return NotFound(_("No %(kind)s has the code %(code)s.") % {"kind": kind, "code": code},
                    code=UNIT_NOT_FOUND, details={"code": code})


def provinces() -> QuerySet[Province]:
    return Province.objects.all()


def province_with_predecessors(code: str) -> Province:
    province = (Province.objects.prefetch_related(
        Prefetch("predecessors", queryset=LegacyProvince.objects.order_by("code")))
        .filter(code=code).first())
    if province is None:
        raise _not_found(_("province"), code)
    return province


def communes(*, province: str = "", q: str = "", kind: str = "") -> QuerySet[Commune]:
    """Communes, optionally of one province, of one kind, and whose name contains `q` — with or
    without tone marks ("hai chau", "Hải Châu")."""
    found = Commune.objects.select_related("province")
    if province:
        found = found.filter(province_id=province.zfill(2))
    if kind:
        found = found.filter(kind=kind)
    folded = fold(q)
    if folded.isdigit():
        found = found.filter(code__startswith=q.strip())
    elif folded:
        found = found.filter(codename__contains=folded.replace(" ", "_"))
    return found.order_by("province_id", "codename")


@reference.kept()
def commune_by_code(code: str) -> Commune:
    """A commune by its code, kept a while by each worker (`core.reference`)."""
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise _not_found(_("commune"), code)
    return commune


def commune_with_predecessors(code: str) -> Commune:
    commune = (Commune.objects.select_related("province").prefetch_related(
        Prefetch("successions", queryset=CommuneSuccession.objects.select_related(
            "legacy_commune__district__province").order_by("legacy_commune_id")))
        .filter(code=code).first())
    if commune is None:
        raise _not_found(_("commune"), code)
    return commune


def legacy_commune_with_successors(code: str) -> LegacyCommune:
    legacy = (LegacyCommune.objects.select_related("district__province").prefetch_related(
        Prefetch("successions", queryset=CommuneSuccession.objects.select_related(
            "commune__province").order_by("-is_default", "commune_id")))
        .filter(code=code).first())
    if legacy is None:
        raise _not_found(_("commune before 2025"), code)
    return legacy
