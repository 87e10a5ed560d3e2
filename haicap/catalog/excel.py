"""The catalogue as an Excel workbook, both ways (officers maintain catalogues in spreadsheets).

Four sheets, one row per item, the procedure code as the key: Procedures, Documents, Fees,
Steps. Nested parts (legal bases, the e-form schema and layout, the example, fee tiers) sit in
cells as JSON; lists of codes or keys are comma-separated. An import is read back into the same
typed specs and goes through the same validation, linter and one-transaction publishing as a
YAML load; a finding points at `FILE.xlsx[Sheet]:row`.
"""

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from haicap.catalog.selectors import published_procedures
from haicap.catalog.services import LoadReport, publish_catalog
from haicap.catalog.sources import ERROR, Finding, LocatedSpec, SourceFile, validate_source
from haicap.catalog.spec import ProcedureSpec

LIST = "list"    # comma-separated
JSON = "json"    # a JSON value in the cell
CODE = "code"    # a procedure code (Excel may have made it a number)
PLAIN = "plain"
KEY_COLUMN = "procedure_code"  # on the part sheets: the procedure a row belongs to

PROCEDURE_COLUMNS = [
    ("code", CODE), ("name", PLAIN), ("field", PLAIN), ("life_events", LIST), ("level", PLAIN),
    ("executing_unit", PLAIN), ("legal_bases", JSON), ("result", JSON), ("channels", LIST),
    ("full_online", PLAIN), ("deadline", JSON), ("free_reason", PLAIN),
    ("form_schema", JSON), ("form_layout", JSON), ("workflow_version_note", PLAIN),
    ("linked_procedures", LIST), ("example", JSON),
]
DOCUMENT_COLUMNS = [
    ("key", PLAIN), ("name", PLAIN), ("copy", PLAIN), ("count", PLAIN), ("form_field", PLAIN),
    ("fetch_from", PLAIN), ("required", PLAIN),
]
FEE_COLUMNS = [
    ("key", PLAIN), ("name", PLAIN), ("kind", PLAIN), ("rule", PLAIN), ("amount", PLAIN),
    ("tiers", JSON), ("cap_per_copy", PLAIN), ("online_amount", PLAIN),
    ("online_discount_percent", PLAIN), ("applies_when", PLAIN), ("exemptions", JSON),
    ("legal_basis", PLAIN),
]
STEP_COLUMNS = [
    ("key", PLAIN), ("name", PLAIN), ("kind", PLAIN), ("role", PLAIN), ("unit_level", PLAIN),
    ("share", PLAIN), ("actions", LIST), ("uses_fields", LIST), ("produces", LIST),
    ("in_person", PLAIN), ("next", LIST), ("procedure", CODE), ("only_if_linked_from", LIST),
]
# (sheet, key in the definition, columns)
PART_SHEETS = [("Documents", "documents", DOCUMENT_COLUMNS), ("Fees", "fees", FEE_COLUMNS),
               ("Steps", ("workflow", "steps"), STEP_COLUMNS)]


# -- export --------------------------------------------------------------------------------------

def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == LIST:
        return ", ".join(str(item) for item in value) or None
    if kind == JSON:
        return json.dumps(value, ensure_ascii=False)
    return value


def _procedure_row(definition: dict) -> dict:
    return {
        **definition,
        "form_schema": definition["form"]["schema"],
        "form_layout": definition["form"]["layout"],
        "workflow_version_note": definition["workflow"]["version_note"],
    }


def export_specs(specs: list[ProcedureSpec], path: Path | str) -> int:
    workbook = Workbook()
    procedures = workbook.active
    procedures.title = "Procedures"
    procedures.append([name for name, _kind in PROCEDURE_COLUMNS])
    sheets = {}
    for title, _key, columns in PART_SHEETS:
        sheet = workbook.create_sheet(title)
        sheet.append([KEY_COLUMN, *(name for name, _kind in columns)])
        sheets[title] = sheet
    for spec in specs:
        definition = spec.definition()
        row = _procedure_row(definition)
        procedures.append([_cell(row.get(name), kind) for name, kind in PROCEDURE_COLUMNS])
        for title, key, columns in PART_SHEETS:
            items = definition["workflow"]["steps"] if key == ("workflow", "steps") \
                else definition[key]
            for item in items:
                sheets[title].append(
                    [spec.code, *(_cell(item.get(name), kind) for name, kind in columns)]
                )
    for sheet in workbook.worksheets:
        sheet.freeze_panes = "B2"
    workbook.save(path)
    return len(specs)


def export_catalog(path: Path | str) -> int:
    """Write every active procedure's current published version; returns how many."""
    specs = [procedure.current_version.spec for procedure in published_procedures()]
    return export_specs(specs, path)


# -- import --------------------------------------------------------------------------------------

class _Located(SourceFile):
    """A SourceFile whose parts live on different sheets: each path knows its sheet and row."""

    def __init__(self, name: str):
        super().__init__(name=name)
        self.sheets: dict[tuple, str] = {}

    def finding(self, code, severity, path, message) -> Finding:
        finding = super().finding(code, severity, path, message)
        parts = tuple(path)
        sheet = "Procedures"
        while parts:
            if parts in self.sheets:
                sheet = self.sheets[parts]
                break
            parts = parts[:-1]
        return Finding(file=f"{self.name}[{sheet}]", line=finding.line, code=code,
                       severity=severity, path=finding.path, message=message)


def _value(value: Any, kind: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == LIST:
        return [item.strip() for item in str(value).split(",") if item.strip()]
    if kind == JSON:
        return json.loads(value) if isinstance(value, str) else value
    if kind == CODE and isinstance(value, float | int):
        return f"{value:.6f}"
    return value


def _rows(sheet, columns, file_name, findings):
    header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]
    for row_number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(value is None for value in row):
            continue
        cells = dict(zip(header, row, strict=False))
        item = {}
        for name, kind in columns:
            try:
                value = _value(cells.get(name), kind)
            except json.JSONDecodeError as error:
                findings.append(Finding(
                    file=f"{file_name}[{sheet.title}]", line=row_number, code="CAT001",
                    severity=ERROR, path=name,
                    message=_("The cell is not valid JSON: %(problem)s") % {"problem": error},
                ))
                continue
            if value is not None:
                item[name] = value
        yield row_number, cells.get(KEY_COLUMN), item


def read_workbook(path: Path | str) -> tuple[list[LocatedSpec], list[Finding]]:
    """The procedures of a workbook as located specs, and what is wrong with them."""
    path = Path(path)
    file_name = path.name
    workbook = load_workbook(path, read_only=True, data_only=True)
    findings: list[Finding] = []
    missing = [title for title in ("Procedures", "Documents", "Fees", "Steps")
               if title not in workbook.sheetnames]
    if missing:
        return [], [Finding(file=file_name, line=1, code="CAT001", severity=ERROR, path="",
                            message=_("The workbook lacks the sheets: %(sheets)s")
                            % {"sheets": ", ".join(missing)})]
    sources: dict[str, _Located] = {}
    for row_number, _procedure, row in _rows(workbook["Procedures"], PROCEDURE_COLUMNS,
                                             file_name, findings):
        code = row.get("code", f"row {row_number}")
        source = sources[code] = _Located(file_name)
        data = {key: value for key, value in row.items()
                if key not in ("form_schema", "form_layout", "workflow_version_note")}
        data["form"] = {"schema": row.get("form_schema"), "layout": row.get("form_layout", [])}
        data["workflow"] = {"version_note": row.get("workflow_version_note", ""), "steps": []}
        data["documents"], data["fees"] = [], []
        source.data = data
        source.lines = {(): row_number}
        for key in row:
            source.lines[(key,)] = row_number
    for title, key, columns in PART_SHEETS:
        for row_number, procedure, item in _rows(workbook[title], columns, file_name, findings):
            code = _value(procedure, CODE)
            source = sources.get(code)
            if source is None:
                findings.append(Finding(
                    file=f"{file_name}[{title}]", line=row_number, code="CAT002",
                    severity=ERROR, path=KEY_COLUMN,
                    message=_("No row of the Procedures sheet has the code %(code)s.")
                    % {"code": code},
                ))
                continue
            items = source.data["workflow"]["steps"] if key == ("workflow", "steps") \
                else source.data[key]
            prefix = key if isinstance(key, tuple) else (key,)
            item_path = (*prefix, len(items))
            items.append(item)
            source.sheets[prefix] = title
            source.lines[item_path] = row_number
            for name in item:
                source.lines[(*item_path, name)] = row_number
    workbook.close()
    specs = []
    for source in sources.values():
        located, errors = validate_source(source)
        findings += errors
        if located is not None:
            specs.append(located)
    return specs, findings


def import_catalog(path: Path | str) -> LoadReport:
    """Validate, lint and publish the procedures of a workbook in one transaction.

    A spreadsheet may hold part of the catalogue: procedures it does not list are kept.
    """
    specs, findings = read_workbook(path)
    return publish_catalog(specs, findings, source=str(path), withdraw_missing=False)
