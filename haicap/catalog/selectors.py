"""Reads of the catalogue: search and look-up. The portal, the API and the assistant call these."""

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from haicap.catalog.models import Procedure, ProcedureVersion
from haicap.core import reference
from haicap.core.errors import NotFound
from haicap.core.text import fold

CODE_PREFIX = re.compile(r"^\d[\d.]*$")


def published_procedures() -> QuerySet[Procedure]:
    """Active procedures that have a published version, with that version joined."""
    return (
        Procedure.objects.filter(active=True, current_version__isnull=False)
        .select_related("current_version")
    )


def search_procedures(query: str = "", *, field: str | None = None,
                      life_event: str | None = None, level: str | None = None,
                      full_online: bool | None = None) -> QuerySet[Procedure]:
    """Procedures matching the words of `query` (with or without tone marks) or a code prefix.

    Every folded word must start a word of the name ("dang ky khai sinh" and "khai sinh" find
    "Đăng ký khai sinh"). Ranked: exact code, then names starting with the query, then names
    containing it as a phrase, then the others; ties by name.
    """
    procedures = published_procedures()
    if field:
        procedures = procedures.filter(field=field)
    if level:
        procedures = procedures.filter(level=level)
    if life_event:
        procedures = procedures.filter(life_event_keys__contains=f" {life_event} ")
    if full_online is not None:
        procedures = procedures.filter(full_online=full_online)

    text = (query or "").strip()
    if not text:
        return procedures.order_by("search_name", "code")
    if CODE_PREFIX.match(text):
        return procedures.filter(code__startswith=text).order_by("code")

    folded = fold(text)
    for word in folded.split():
        procedures = procedures.filter(
            Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
        )
    rank = Case(
        When(search_name=folded, then=Value(0)),
        When(search_name__startswith=folded, then=Value(1)),
        When(search_name__contains=f" {folded}", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank).order_by("rank", "search_name", "code")


def procedure_by_code(code: str) -> Procedure:
    """The active procedure with this national code and its current version, or NotFound.
    Kept a while by each worker (`core.reference`): every submission asks for it."""
    procedure = _published_procedure(code)
    if procedure is None:
        raise NotFound(
            _("No procedure has the code %(code)s.") % {"code": code},
            code="procedure_not_found",
        )
    return procedure


@reference.kept()
def procedure_names() -> dict[int, tuple[str, str]]:
    """Every procedure's (code, name) by id, kept a while by each worker (filter choices)."""
    return {pk: (code, name)
            for pk, code, name in Procedure.objects.values_list("pk", "code", "name")}


@reference.kept()
def _published_procedure(code: str) -> Procedure | None:
    return published_procedures().filter(code=code).first()


def version_by_id(version_id: int) -> ProcedureVersion:
    """A procedure version (for a dossier that keeps the version it started with)."""
    version = ProcedureVersion.objects.select_related("procedure").filter(pk=version_id).first()
    if version is None:
        raise NotFound(_("This procedure version does not exist."),
                       code="procedure_version_not_found")
    return version
