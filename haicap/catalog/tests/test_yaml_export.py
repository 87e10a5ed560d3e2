"""Rule: the catalogue round-trips to YAML: YAML → database → YAML, and Excel → YAML."""

from pathlib import Path

import pytest
from django.core.management import call_command

from haicap.catalog.excel import export_specs, read_workbook
from haicap.catalog.services import load_catalog
from haicap.catalog.sources import read_directory
from haicap.catalog.yaml_export import export_specs_to_yaml

GOOD = Path(__file__).parent / "fixtures" / "good"
SHIPPED = Path(__file__).resolve().parents[3] / "catalog" / "procedures"


def specs_of(directory):
    located, findings = read_directory(directory)
    assert findings == []
    return [item.spec for item in located]


@pytest.mark.django_db
def test_published_catalogue_exported_as_yaml_reads_back_to_the_same_specs(tmp_path):
    load_catalog(GOOD)

    call_command("catalog", "export", "--format", "yaml", str(tmp_path / "out"))

    assert specs_of(tmp_path / "out") == specs_of(GOOD)


def test_every_shipped_procedure_survives_yaml_and_excel_round_trips(tmp_path):
    shipped = specs_of(SHIPPED)
    export_specs(shipped, tmp_path / "catalog.xlsx")
    from_excel, findings = read_workbook(tmp_path / "catalog.xlsx")
    export_specs_to_yaml([item.spec for item in from_excel], tmp_path / "yaml")

    assert findings == []
    assert specs_of(tmp_path / "yaml") == shipped
