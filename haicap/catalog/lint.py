"""The catalogue linter: configuration faults that real provincial catalogues have.

Each rule has a stable code (the table below and docs/adr/0004-procedure-catalogue.md), a
severity, and points at the YAML line of the part at fault. Errors block `haicap catalog load`;
warnings are reported.

| code   | severity | rule |
|--------|----------|------|
| CAT001 | error    | the file cannot be read as YAML (syntax, empty, a key written twice) |
| CAT002 | error    | the definition does not fit the format (unknown key, wrong type, missing) |
| CAT003 | warning  | the file is not named after the procedure code |
| CAT010 | warning  | an e-form field no step and no document uses |
| CAT011 | error    | a required document without a form field, or with one not in the e-form |
| CAT012 | error    | the layout or a step names a field that is not in the e-form |
| CAT020 | error    | the step shares do not add up to 1 (±0.001) |
| CAT030 | error    | no fees and no `free_reason` |
| CAT031 | error    | a fee inconsistent with its rule |
| CAT032 | error    | an online price given twice (amount and percent), above the price, or on |
|        |          | per-page tiers |
| CAT040 | error    | full-online, but an original or certified paper document is not fetched |
| CAT041 | error    | full-online, but a step needs the applicant in person |
| CAT042 | error    | full-online, but the online channel is missing |
| CAT050 | error    | a step no path from the first step reaches |
| CAT051 | error    | `next` names a step that does not exist, or two steps share a key |
| CAT052 | error    | a step (other than a hand-off) with no role |
| CAT053 | error    | no receive step or no return step |
| CAT060 | warning  | the level or executing unit has no office of that kind in the province |
| CAT070 | error    | two definitions with the same code |
| CAT071 | error    | a linked procedure or hand-off to a procedure not in the catalogue |
| CAT080 | error    | the example's `form` does not validate against the e-form (data fields), |
|        |          | or carries a file field (files belong in `documents`) |
| CAT081 | error    | the example's `documents` lack a required file field (a required upload |
|        |          | document or a required file property), name a field that is not a file |
|        |          | field, or describe a file the e-form refuses |
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.utils.translation import gettext as _

from haicap.catalog.sources import (
    ERROR,
    WARNING,
    Finding,
    LocatedSpec,
    catalogue_files,
    map_files,
    read_file,
)
from haicap.catalog.spec import (
    Channel,
    CopyKind,
    ExecutingUnit,
    FeeRule,
    Level,
    StepKind,
    example_errors,
    file_fields,
    file_schema,
)

__all__ = ["ERROR", "WARNING", "Finding", "check_catalog", "check_directory", "check_procedure"]

SHARE_TOLERANCE = 0.001

# Office kinds (haicap.core.roles.OfficeKind) a procedure needs in the province.
OFFICE_KIND_BY_LEVEL = {
    Level.COMMUNE: "commune",
    Level.PROVINCE_DEPARTMENT: "department",
    Level.PROVINCE_CENTRE: "one_stop_centre",
}
# Until offices carry a finer unit type (ADR 0004), police and social insurance count as
# province-level departments and commune police as part of the commune.
OFFICE_KIND_BY_EXECUTING_UNIT = {
    ExecutingUnit.COMMUNE_PEOPLE_COMMITTEE: "commune",
    ExecutingUnit.COMMUNE_POLICE: "commune",
    ExecutingUnit.PROVINCE_CENTRE: "one_stop_centre",
}


def check_catalog(specs: Iterable[LocatedSpec], *, offices=None,
                  known_codes: Iterable[str] | None = None) -> list[Finding]:
    """Every finding over a whole catalogue, sorted by file and line.

    `offices`: the province's offices (anything with a `kind`: haicap.core.models.Office rows);
    when given, procedures whose level or executing unit has no office of that kind are reported.
    `known_codes`: procedures already catalogued elsewhere that links may point to (when the
    specs are only part of the catalogue).
    """
    specs = list(specs)
    codes = {located.spec.code for located in specs} | set(known_codes or ())
    office_kinds = None if offices is None else {office.kind for office in offices}
    findings = _duplicated_codes(CodeEntry.of(located) for located in specs)
    for located in specs:
        findings += check_procedure(located, known_codes=codes, office_kinds=office_kinds)
    return sorted(findings)


def check_procedure(located: LocatedSpec, *, known_codes: set[str] | None = None,
                    office_kinds: set[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (_form_fields, _shares, _fees, _full_online, _workflow, _example):
        findings += rule(located)
    if known_codes is not None:
        findings += _links(located, known_codes)
    if office_kinds is not None:
        findings += _offices(located, office_kinds)
    return findings


# -- rules ---------------------------------------------------------------------------------------

def _form_fields(located: LocatedSpec) -> list[Finding]:
    spec = located.spec
    properties = spec.form.properties
    findings = []
    used = {field for step in spec.workflow.steps for field in step.uses_fields}
    used |= {document.form_field for document in spec.documents if document.form_field}
    for name in properties:
        if name not in used:
            findings.append(located.finding(
                "CAT010", WARNING, ("form", "schema", "properties", name),
                _("The e-form field %(field)s is used by no step and no document.")
                % {"field": name},
            ))
    for index, document in enumerate(spec.documents):
        if not document.required:
            continue
        if not document.form_field:
            findings.append(located.finding(
                "CAT011", ERROR, ("documents", index),
                _("The required document %(document)s has no form field.")
                % {"document": document.key},
            ))
        elif document.form_field not in properties:
            findings.append(located.finding(
                "CAT011", ERROR, ("documents", index, "form_field"),
                _("The document %(document)s names the form field %(field)s, which is not "
                  "in the e-form.") % {"document": document.key, "field": document.form_field},
            ))
    for index, section in enumerate(spec.form.layout):
        for position, name in enumerate(section.fields):
            if name not in properties:
                findings.append(located.finding(
                    "CAT012", ERROR, ("form", "layout", index, "fields", position),
                    _("The layout names the field %(field)s, which is not in the e-form.")
                    % {"field": name},
                ))
    for index, step in enumerate(spec.workflow.steps):
        for position, name in enumerate(step.uses_fields):
            if name not in properties:
                findings.append(located.finding(
                    "CAT012", ERROR, ("workflow", "steps", index, "uses_fields", position),
                    _("The step %(step)s uses the field %(field)s, which is not in the e-form.")
                    % {"step": step.key, "field": name},
                ))
    return findings


def _shares(located: LocatedSpec) -> list[Finding]:
    total = sum(step.share for step in located.spec.workflow.steps)
    if abs(total - 1) > SHARE_TOLERANCE:
        return [located.finding(
            "CAT020", ERROR, ("workflow", "steps"),
            _("The step shares add up to %(total)s, not 1: the step deadlines do not add up "
              "to the statutory deadline.") % {"total": f"{total:.3f}"},
        )]
    return []


def _fees(located: LocatedSpec) -> list[Finding]:
    spec = located.spec
    if not spec.fees:
        if not spec.free_reason.strip():
            return [located.finding(
                "CAT030", ERROR, ("fees",),
                _("The procedure has no fees and no free_reason saying why it is free."),
            )]
        return []
    findings = []
    for index, fee in enumerate(spec.fees):
        for problem, key in _fee_problems(fee):
            findings.append(located.finding(
                "CAT031", ERROR, ("fees", index, *key),
                _("The fee %(fee)s is inconsistent with its rule: %(problem)s")
                % {"fee": fee.key, "problem": problem},
            ))
        for problem, key in _online_price_problems(fee):
            findings.append(located.finding(
                "CAT032", ERROR, ("fees", index, *key),
                _("The online price of the fee %(fee)s is inconsistent: %(problem)s")
                % {"fee": fee.key, "problem": problem},
            ))
    return findings


def _online_price_problems(fee) -> list[tuple[str, tuple]]:
    if fee.online_amount is None:
        return []
    if fee.online_discount_percent:
        return [(_("give either online_amount or online_discount_percent, not both."),
                 ("online_amount",))]
    if fee.rule == FeeRule.PER_PAGE_TIERS:
        return [(_("per_page_tiers has no single amount to replace; use "
                   "online_discount_percent."), ("online_amount",))]
    if fee.amount is not None and fee.online_amount > fee.amount:
        return [(_("online_amount is above the amount."), ("online_amount",))]
    return []


def _fee_problems(fee) -> list[tuple[str, tuple]]:
    problems: list[tuple[str, tuple]] = []
    if fee.rule == FeeRule.PER_PAGE_TIERS:
        if not fee.tiers:
            problems.append((_("per_page_tiers needs tiers."), ("rule",)))
        else:
            if fee.tiers[0].from_page != 1:
                problems.append((_("the first tier must start at page 1."),
                                 ("tiers", 0, "from_page")))
            for position in range(1, len(fee.tiers)):
                if fee.tiers[position].from_page <= fee.tiers[position - 1].from_page:
                    problems.append((_("tiers must start at increasing pages."),
                                     ("tiers", position, "from_page")))
            first_page = fee.tiers[0].amount
            if fee.cap_per_copy is not None and fee.cap_per_copy < first_page:
                problems.append((_("the cap per copy is below the price of one page."),
                                 ("cap_per_copy",)))
        if fee.amount is not None:
            problems.append((_("per_page_tiers takes its amounts from the tiers, not amount."),
                             ("amount",)))
    else:
        if fee.tiers:
            problems.append((_("only per_page_tiers has tiers."), ("tiers",)))
        if fee.amount is None:
            problems.append((_("fixed and per_copy need an amount."), ("rule",)))
        if fee.cap_per_copy is not None and fee.amount is not None \
                and fee.cap_per_copy < fee.amount:
            problems.append((_("the cap per copy is below the amount."), ("cap_per_copy",)))
    amounts = [("amount",), ("cap_per_copy",)]
    values = [fee.amount, fee.cap_per_copy]
    for position, tier in enumerate(fee.tiers):
        amounts.append(("tiers", position, "amount"))
        values.append(tier.amount)
    amounts.append(("online_amount",))
    values.append(fee.online_amount)
    for key, value in zip(amounts, values, strict=True):
        if value is not None and value < 0:
            problems.append((_("amounts cannot be negative."), key))
    if not 0 <= fee.online_discount_percent <= 100:
        problems.append((_("the online discount must be between 0 and 100 percent."),
                         ("online_discount_percent",)))
    return problems


def _full_online(located: LocatedSpec) -> list[Finding]:
    spec = located.spec
    if not spec.full_online:
        return []
    findings = []
    for index, document in enumerate(spec.documents):
        paper = document.copy_kind in (CopyKind.ORIGINAL, CopyKind.CERTIFIED_COPY)
        if document.required and paper and document.fetch_from is None:
            findings.append(located.finding(
                "CAT040", ERROR, ("documents", index, "copy"),
                _("A full-online procedure cannot require the paper document %(document)s "
                  "(%(copy)s) unless it is fetched from a national database.")
                % {"document": document.key, "copy": document.copy_kind.value},
            ))
    for index, step in enumerate(spec.workflow.steps):
        if step.in_person:
            findings.append(located.finding(
                "CAT041", ERROR, ("workflow", "steps", index, "in_person"),
                _("A full-online procedure cannot have the in-person step %(step)s.")
                % {"step": step.key},
            ))
    if Channel.ONLINE not in spec.channels:
        findings.append(located.finding(
            "CAT042", ERROR, ("channels",),
            _("A full-online procedure must offer the online channel."),
        ))
    return findings


def _workflow(located: LocatedSpec) -> list[Finding]:
    steps = located.spec.workflow.steps
    findings = []
    keys = Counter(step.key for step in steps)
    for index, step in enumerate(steps):
        if keys[step.key] > 1:
            findings.append(located.finding(
                "CAT051", ERROR, ("workflow", "steps", index, "key"),
                _("Two steps have the key %(step)s.") % {"step": step.key},
            ))
        for position, target in enumerate(step.next):
            if target not in keys:
                findings.append(located.finding(
                    "CAT051", ERROR, ("workflow", "steps", index, "next", position),
                    _("The step %(step)s goes next to %(next)s, which is not a step.")
                    % {"step": step.key, "next": target},
                ))
        if step.kind != StepKind.HANDOFF and step.role is None:
            findings.append(located.finding(
                "CAT052", ERROR, ("workflow", "steps", index, "role"),
                _("The step %(step)s has no role.") % {"step": step.key},
            ))
    by_key = {step.key: step for step in steps}
    reached = {steps[0].key}
    frontier = [steps[0]]
    while frontier:
        step = frontier.pop()
        for target in step.next:
            if target in by_key and target not in reached:
                reached.add(target)
                frontier.append(by_key[target])
    for index, step in enumerate(steps):
        if step.key not in reached:
            findings.append(located.finding(
                "CAT050", ERROR, ("workflow", "steps", index),
                _("No path from the first step reaches the step %(step)s.") % {"step": step.key},
            ))
    kinds = {step.kind for step in steps}
    for kind, label in ((StepKind.RECEIVE, _("receive")), (StepKind.RETURN, _("return"))):
        if kind not in kinds:
            findings.append(located.finding(
                "CAT053", ERROR, ("workflow", "steps"),
                _("The workflow has no %(kind)s step.") % {"kind": label},
            ))
    return findings


def _example(located: LocatedSpec) -> list[Finding]:
    """The example is the body of POST /api/v1/dossiers: data in `form`, files in `documents`.

    Its `documents` go through the e-form validator itself (`validate_submission` with the file
    fields only: no database needed), so the linter and the API cannot disagree on them.
    """
    from haicap.catalog.eforms import API, validate_submission

    spec = located.spec
    schema = spec.form.form_schema
    findings = []
    for path, reason in example_errors(schema, spec.example.form):
        findings.append(located.finding(
            "CAT080", ERROR, ("example", "form", *path),
            _("The example submission does not fit the e-form: %(reason)s") % {"reason": reason},
        ))
    files = set(file_fields(schema))
    needed = {}  # file field -> where the need comes from
    for index, document in enumerate(spec.documents):
        if document.required and document.fetch_from is None and document.form_field in files:
            needed.setdefault(document.form_field, ("documents", index))
    for name in file_schema(schema)["required"]:
        needed.setdefault(name, ("example", "documents"))
    for name, path in needed.items():
        if name not in spec.example.documents:
            findings.append(located.finding(
                "CAT081", ERROR, path,
                _("The example lacks a file for the required document field %(field)s.")
                % {"field": name},
            ))
    described = {name: document.model_dump(exclude_none=True)
                 for name, document in spec.example.documents.items()}
    _cleaned, errors = validate_submission(file_schema(schema), {}, source=API, files=described)
    for name, problems in errors.items():
        if name in needed and name not in described:
            continue  # reported above, where the need comes from
        for problem in problems:
            findings.append(located.finding(
                "CAT081", ERROR, ("example", "documents", name),
                _("The example's document %(field)s is refused: %(reason)s")
                % {"field": name, "reason": problem["message"]},
            ))
    return findings


def references(located: LocatedSpec) -> list[tuple[str | None, Finding]]:
    """Every procedure this one points to, each with the finding to report if it is missing."""
    spec = located.spec
    found: list[tuple[str | None, Finding]] = []
    for index, code in enumerate(spec.linked_procedures):
        found.append((code, located.finding(
            "CAT071", ERROR, ("linked_procedures", index),
            _("The linked procedure %(code)s is not in the catalogue.") % {"code": code},
        )))
    for index, step in enumerate(spec.workflow.steps):
        if step.kind != StepKind.HANDOFF:
            continue
        if step.procedure is None:
            found.append((None, located.finding(
                "CAT071", ERROR, ("workflow", "steps", index),
                _("The hand-off step %(step)s names no procedure.") % {"step": step.key},
            )))
        else:
            found.append((step.procedure, located.finding(
                "CAT071", ERROR, ("workflow", "steps", index, "procedure"),
                _("The hand-off step %(step)s goes to %(code)s, which is not in the "
                  "catalogue.") % {"step": step.key, "code": step.procedure},
            )))
    return found


def _links(located: LocatedSpec, known_codes: set[str]) -> list[Finding]:
    return [finding for target, finding in references(located) if target not in known_codes]


def _offices(located: LocatedSpec, office_kinds: set[str]) -> list[Finding]:
    spec = located.spec
    findings = []
    needed = [(("level",), OFFICE_KIND_BY_LEVEL[spec.level], spec.level.label)]
    unit_kind = OFFICE_KIND_BY_EXECUTING_UNIT.get(spec.executing_unit, "department")
    needed.append((("executing_unit",), unit_kind, spec.executing_unit.label))
    for index, step in enumerate(spec.workflow.steps):
        if step.unit_level is not None:
            needed.append((("workflow", "steps", index, "unit_level"),
                           OFFICE_KIND_BY_LEVEL[step.unit_level], step.unit_level.label))
    for path, kind, label in needed:
        if kind not in office_kinds:
            findings.append(located.finding(
                "CAT060", WARNING, path,
                _("No office of the province is of the kind this needs (%(unit)s).")
                % {"unit": label},
            ))
    return findings


@dataclass(frozen=True)
class CodeEntry:
    """Where a file defines its procedure code."""

    code: str
    file: str
    line: int

    @classmethod
    def of(cls, located: LocatedSpec) -> "CodeEntry":
        return cls(located.spec.code, located.source.name, located.source.line_of(("code",)))


def _duplicated_codes(entries: Iterable[CodeEntry]) -> list[Finding]:
    first_file: dict[str, str] = {}
    findings = []
    for entry in entries:
        if entry.code in first_file:
            findings.append(Finding(
                file=entry.file, line=entry.line, code="CAT070", severity=ERROR, path="code",
                message=_("The code %(code)s is already defined in %(file)s.")
                % {"code": entry.code, "file": first_file[entry.code]},
            ))
        else:
            first_file[entry.code] = entry.file
    return findings


# -- a whole directory, file by file -------------------------------------------------------------

@dataclass
class FileCheck:
    """What checking one file leaves for the catalogue-wide rules; small, so that files can be
    checked in worker processes and only this travels back."""

    findings: list[Finding]
    entry: CodeEntry | None = None
    references: list[tuple[str | None, Finding]] = field(default_factory=list)


def check_file(path: Path, *, root: Path, office_kinds: set[str] | None) -> FileCheck:
    located, findings = read_file(path, root=root)
    if located is None:
        return FileCheck(findings)
    findings += check_procedure(located, office_kinds=office_kinds)
    return FileCheck(findings, CodeEntry.of(located), references(located))


def check_directory(directory: Path, *, offices=None) -> tuple[int, list[Finding]]:
    """`haicap catalog check`: how many procedures are valid, and every finding, sorted."""
    office_kinds = None if offices is None else {office.kind for office in offices}
    files, findings = catalogue_files(directory)
    checks = map_files(files, partial(check_file, root=Path(directory),
                                      office_kinds=office_kinds))
    entries = [check.entry for check in checks if check.entry is not None]
    known = {entry.code for entry in entries}
    findings += _duplicated_codes(entries)
    for check in checks:
        findings += check.findings
        findings += [finding for target, finding in check.references if target not in known]
    return len(entries), sorted(findings)
