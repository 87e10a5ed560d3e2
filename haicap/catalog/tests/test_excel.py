"""The catalogue in Excel: YAML → Excel → the same specs; imports are validated and linted."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from haicap.catalog.excel import export_catalog, export_specs, import_catalog, read_workbook
from haicap.catalog.models import Procedure
from haicap.catalog.services import CatalogRejected, load_catalog
from haicap.catalog.sources import read_directory

GOOD = Path(__file__).parent / "fixtures" / "good"


def test_yaml_to_excel_and_back_gives_equal_specs(tmp_path):
    specs, findings = read_directory(GOOD)
    assert findings == []
    export_specs([located.spec for located in specs], tmp_path / "catalog.xlsx")
    back, findings = read_workbook(tmp_path / "catalog.xlsx")
    assert findings == []
    assert [located.spec for located in back] == [located.spec for located in specs]


def test_workbook_has_one_row_per_item_keyed_by_procedure_code(tmp_path):
    specs, _findings = read_directory(GOOD)
    export_specs([located.spec for located in specs], tmp_path / "catalog.xlsx")
    workbook = load_workbook(tmp_path / "catalog.xlsx")
    assert workbook.sheetnames == ["Procedures", "Documents", "Fees", "Steps"]
    steps = list(workbook["Steps"].iter_rows(values_only=True))
    assert steps[0][:3] == ("procedure_code", "key", "name")
    assert len(steps) == 1 + sum(len(located.spec.workflow.steps) for located in specs)


def test_a_code_excel_turned_into_a_number_is_read_back_as_a_code(tmp_path):
    specs, _findings = read_directory(GOOD)
    export_specs([located.spec for located in specs], tmp_path / "catalog.xlsx")
    workbook = load_workbook(tmp_path / "catalog.xlsx")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "1.001193":
                row[0].value = 1.001193
    workbook.save(tmp_path / "catalog.xlsx")
    back, findings = read_workbook(tmp_path / "catalog.xlsx")
    assert findings == [] and {located.spec.code for located in back} == {"1.001193",
                                                                            "2.000815"}


@pytest.mark.django_db
def test_export_then_import_of_the_loaded_catalogue_changes_nothing(tmp_path):
    load_catalog(GOOD)
    assert export_catalog(tmp_path / "catalog.xlsx") == 2
    report = import_catalog(tmp_path / "catalog.xlsx")
    assert report.published == [] and len(report.unchanged) == 2


@pytest.mark.django_db
def test_import_with_a_broken_step_row_is_rejected_at_its_sheet_and_row(tmp_path):
    load_catalog(GOOD)
    export_catalog(tmp_path / "catalog.xlsx")
    workbook = load_workbook(tmp_path / "catalog.xlsx")
    steps = workbook["Steps"]
    header = [cell.value for cell in steps[1]]
    steps.cell(row=3, column=header.index("role") + 1).value = None
    steps.cell(row=3, column=header.index("share") + 1).value = "nửa"
    workbook.save(tmp_path / "catalog.xlsx")
    before = list(Procedure.objects.values_list("code", "current_version"))
    with pytest.raises(CatalogRejected) as rejected:
        import_catalog(tmp_path / "catalog.xlsx")
    [finding] = rejected.value.findings
    assert (finding.file, finding.line, finding.code) == ("catalog.xlsx[Steps]", 3, "CAT002")
    assert finding.path.endswith(".share")
    assert list(Procedure.objects.values_list("code", "current_version")) == before
