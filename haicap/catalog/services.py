"""Writes on the catalogue: loading definitions and publishing versions.

`load_catalog` reads a directory of YAML definitions, lints them and publishes in ONE
transaction: a definition whose canonical JSON changed becomes a new published version, an
unchanged one keeps its version (loading twice changes nothing), and any error leaves the
catalogue exactly as it was.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.lint import check_catalog
from haicap.catalog.models import Procedure, ProcedureVersion, VersionStatus, checksum_of
from haicap.catalog.sources import Finding, LocatedSpec, read_directory
from haicap.core import audit, reference
from haicap.core.errors import InvalidInput


def default_directory() -> Path:
    """`catalog/procedures/` at the repository root."""
    return Path(settings.BASE_DIR).parent / "catalog" / "procedures"


@dataclass
class LoadReport:
    source: str
    findings: list[Finding] = field(default_factory=list)
    created: list[str] = field(default_factory=list)     # new procedures (codes)
    published: list[str] = field(default_factory=list)   # new versions, created ones included
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)   # files gone: procedure made inactive

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]

    def summary(self) -> str:
        return _("%(published)d published (%(created)d new), %(unchanged)d unchanged, "
                 "%(withdrawn)d withdrawn, %(warnings)d warnings") % {
            "published": len(self.published), "created": len(self.created),
            "unchanged": len(self.unchanged), "withdrawn": len(self.withdrawn),
            "warnings": len(self.warnings),
        }


class CatalogRejected(InvalidInput):
    """The catalogue has errors; nothing was loaded. `findings` lists them all."""

    code = "catalog_rejected"

    def __init__(self, findings: list[Finding]):
        errors = [finding for finding in findings if finding.is_error]
        super().__init__(
            _("The catalogue has %(count)d errors; nothing was loaded.") % {"count": len(errors)},
            details=[finding.as_dict() for finding in errors],
        )
        self.findings = findings


def province_offices() -> list | None:
    """The offices the level rule (CAT060) checks against; None when there are none yet."""
    from haicap.core.models import Office

    try:
        offices = list(Office.objects.only("kind"))
    except DatabaseError:  # no tables yet (the linter also runs before `migrate` in CI)
        return None
    return offices or None


def load_catalog(directory: Path | str | None = None) -> LoadReport:
    """Load every definition under `directory` (default: catalog/procedures/)."""
    directory = Path(directory) if directory else default_directory()
    specs, findings = read_directory(directory)
    return publish_catalog(specs, findings, source=str(directory), withdraw_missing=True)


@transaction.atomic
def publish_catalog(specs: list[LocatedSpec], findings: Iterable[Finding] = (), *,
                    source: str, withdraw_missing: bool) -> LoadReport:
    """Lint and publish definitions in one transaction; raise CatalogRejected on any error.

    `withdraw_missing`: the definitions are the whole catalogue (a directory), so procedures
    not among them are withdrawn; False for a partial source such as a spreadsheet of a few.
    """
    findings = list(findings)
    known_codes = None
    if not withdraw_missing:
        known_codes = set(Procedure.objects.filter(active=True).values_list("code", flat=True))
    findings += check_catalog(specs, offices=province_offices(), known_codes=known_codes)
    report = LoadReport(source=source, findings=sorted(findings))
    if report.errors:
        raise CatalogRejected(report.findings)

    existing = {
        procedure.code: procedure
        for procedure in Procedure.objects.select_for_update(of=("self",))
        .select_related("current_version")
    }
    last_numbers = dict(
        ProcedureVersion.objects.values_list("procedure__code").annotate(last=Max("number"))
    )
    now = timezone.now()
    for located in specs:
        spec = located.spec
        definition = spec.definition()
        checksum = checksum_of(definition)
        procedure = existing.get(spec.code)
        current = procedure.current_version if procedure else None
        if current is not None and current.checksum == checksum:
            if not procedure.active:
                procedure.active = True
                procedure.save(update_fields=["active", "updated_at"])
            report.unchanged.append(spec.code)
            continue
        if procedure is None:
            procedure = Procedure(code=spec.code)
            procedure.take_data_from(spec)
            procedure.save()
            report.created.append(spec.code)
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=last_numbers.get(spec.code, 0) + 1,
            status=VersionStatus.PUBLISHED,
            definition=definition,
            checksum=checksum,
            source_file=located.source.name[:255],
            published_at=now,
        )
        procedure.take_data_from(spec)
        procedure.current_version = version
        procedure.active = True
        procedure.save()
        report.published.append(spec.code)

    if withdraw_missing:
        loaded = {located.spec.code for located in specs}
        gone = [code for code, procedure in existing.items()
                if procedure.active and code not in loaded]
        Procedure.objects.filter(code__in=gone).update(active=False, updated_at=now)
        reference.changed()
        report.withdrawn = sorted(gone)

    audit.record(
        "catalog.load", object_type="catalog.procedure", summary=f"{source}: {report.summary()}",
        changes={"published": report.published, "created": report.created,
                 "withdrawn": report.withdrawn, "unchanged": len(report.unchanged),
                 "warnings": len(report.warnings)},
    )
    return report
