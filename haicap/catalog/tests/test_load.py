"""Loading: one transaction, idempotent versions, immutable published versions, the command."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.utils import translation

from haicap.catalog.models import Procedure, ProcedureVersion, PublishedVersionError
from haicap.catalog.services import CatalogRejected, load_catalog
from haicap.core.models import AuditEntry

GOOD = Path(__file__).parent / "fixtures" / "good"


@pytest.fixture
def catalog_dir(tmp_path):
    directory = tmp_path / "procedures"
    shutil.copytree(GOOD, directory)
    return directory


pytestmark = pytest.mark.django_db


def test_load_publishes_version_1_of_each_procedure(catalog_dir):
    report = load_catalog(catalog_dir)
    assert sorted(report.created) == ["1.001193", "2.000815"]
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.search_name == "dang ky khai sinh"
    assert birth.life_events == ["birth"] and birth.full_online
    assert birth.current_version.number == 1 and birth.current_version.is_published
    assert birth.current_version.source_file.endswith("1.001193.yaml")
    assert len(birth.current_version.checksum) == 64


def test_loading_unchanged_files_again_keeps_their_versions(catalog_dir):
    load_catalog(catalog_dir)
    report = load_catalog(catalog_dir)
    assert report.published == [] and sorted(report.unchanged) == ["1.001193", "2.000815"]
    assert ProcedureVersion.objects.count() == 2


def test_a_changed_file_publishes_a_new_version_and_keeps_the_old_one(catalog_dir):
    load_catalog(catalog_dir)
    first = Procedure.objects.get(code="2.000815").current_version
    path = catalog_dir / "2.000815.yaml"
    path.write_text(path.read_text().replace("cap_per_copy: 200000", "cap_per_copy: 150000"))
    report = load_catalog(catalog_dir)
    assert report.published == ["2.000815"] and report.unchanged == ["1.001193"]
    procedure = Procedure.objects.get(code="2.000815")
    assert procedure.current_version.number == 2
    assert procedure.current_version.spec.fees[0].cap_per_copy == 150_000
    first.refresh_from_db()
    assert first.spec.fees[0].cap_per_copy == 200_000   # a dossier's version does not move


def test_one_bad_file_among_good_ones_changes_nothing(catalog_dir):
    load_catalog(catalog_dir)
    before = list(ProcedureVersion.objects.values_list("pk", "checksum"))
    audits = AuditEntry.objects.count()
    good = catalog_dir / "2.000815.yaml"
    good.write_text(good.read_text().replace("cap_per_copy: 200000", "cap_per_copy: 150000"))
    bad = catalog_dir / "1.001193.yaml"
    bad.write_text(bad.read_text().replace("      role: specialist\n", ""))
    with pytest.raises(CatalogRejected) as rejected:
        load_catalog(catalog_dir)
    assert [finding.code for finding in rejected.value.findings] == ["CAT052"]
    assert rejected.value.details[0]["file"].endswith("1.001193.yaml")
    assert list(ProcedureVersion.objects.values_list("pk", "checksum")) == before
    assert AuditEntry.objects.count() == audits


def test_one_audit_entry_per_load(catalog_dir):
    audits = AuditEntry.objects.filter(action="catalog.load")
    count = audits.count()
    load_catalog(catalog_dir)
    load_catalog(catalog_dir)
    assert audits.count() == count + 2
    assert audits.order_by("id").last().changes["unchanged"] == 2


def test_a_removed_file_withdraws_the_procedure_but_keeps_its_versions(catalog_dir):
    load_catalog(catalog_dir)
    (catalog_dir / "2.000815.yaml").unlink()
    report = load_catalog(catalog_dir)
    assert report.withdrawn == ["2.000815"]
    procedure = Procedure.objects.get(code="2.000815")
    assert not procedure.active and procedure.versions.count() == 1


def test_published_version_refuses_save_and_delete():
    procedure = Procedure.objects.create(code="9.999999", name="Thử", field="other",
                                         level="commune",
                                         executing_unit="commune_people_committee",
                                         deadline_unit="working_days")
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, status="published",
                                              definition={}, checksum="0" * 64)
    version.definition = {"changed": True}
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        version.delete()


def test_published_version_refuses_a_queryset_update_in_the_database():
    procedure = Procedure.objects.create(code="9.999998", name="Thử", field="other",
                                         level="commune",
                                         executing_unit="commune_people_committee",
                                         deadline_unit="working_days")
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, status="published",
                                              definition={}, checksum="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(checksum="1" * 64)


def test_version_spec_is_parsed_once_per_instance(catalog_dir):
    load_catalog(catalog_dir)
    version = Procedure.objects.get(code="1.001193").current_version
    assert version.spec is version.spec


def test_command_load_then_check(catalog_dir, capsys):
    with translation.override("en"):
        call_command("catalog", "load", str(catalog_dir))
        assert "2 published (2 new)" in capsys.readouterr().out
        call_command("catalog", "check", str(catalog_dir))
        assert "2 procedures, 0 errors" in capsys.readouterr().out


def test_command_check_prints_file_line_code_and_exits_1_on_errors(catalog_dir, capsys):
    path = catalog_dir / "1.001193.yaml"
    text = path.read_text().replace("  unit: same_day\n", "  unit: same_day\n  colour: red\n")
    path.write_text(text)
    with pytest.raises(CommandError) as error:
        call_command("catalog", "check", str(catalog_dir))
    assert error.value.returncode == 1
    line = text[:text.index("colour")].count("\n") + 1
    assert f"1.001193.yaml:{line}: CAT002 error" in capsys.readouterr().out
