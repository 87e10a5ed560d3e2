"""Rule: `haicap catalog check` finds the same faults file by file in worker processes as the
whole-catalogue linter does, including the catalogue-wide ones (duplicated codes, links)."""

import shutil
from pathlib import Path

import pytest

from haicap.catalog import sources
from haicap.catalog.lint import check_catalog, check_directory

GOOD = Path(__file__).parent / "fixtures" / "good"


@pytest.fixture
def faulty_catalogue(tmp_path):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    birth = (tmp_path / "1.001193.yaml").read_text(encoding="utf-8")
    # The same code twice, and a link to a procedure that is not in the catalogue.
    (tmp_path / "copy-of-birth.yaml").write_text(birth, encoding="utf-8")
    copy = (tmp_path / "2.000815.yaml").read_text(encoding="utf-8")
    (tmp_path / "2.000815.yaml").write_text(
        copy.replace("linked_procedures: []", "linked_procedures: ['9.999999']")
        if "linked_procedures: []" in copy else copy + "linked_procedures: ['9.999999']\n",
        encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("parallel_from", [10_000, 0], ids=["in-process", "worker-processes"])
def test_check_directory_matches_the_whole_catalogue_linter(faulty_catalogue, monkeypatch,
                                                              parallel_from):
    monkeypatch.setattr(sources, "PARALLEL_FROM", parallel_from)
    specs, read_findings = sources.read_directory(faulty_catalogue)
    expected = sorted(read_findings + check_catalog(specs))

    count, findings = check_directory(faulty_catalogue)

    assert count == 3
    assert findings == expected
    assert {finding.code for finding in findings} >= {"CAT070", "CAT071"}
