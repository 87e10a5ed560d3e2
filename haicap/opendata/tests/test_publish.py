"""Publishing (issue 6.5): every dataset in CSV, JSON and Parquet that read back the same; a
failed publication keeps the previous release whole; an unchanged table makes no new release."""

import csv
import json
from datetime import date

import duckdb
import pytest

from haicap.core.tests import factories
from haicap.opendata import formats, services
from haicap.opendata.models import Dataset, Format, Release
from haicap.opendata.registry import DEFINITIONS
from haicap.opendata.services import media_path

pytestmark = pytest.mark.django_db

SUCCESSION = next(d for d in DEFINITIONS if d.slug == "sap-xep-don-vi-hanh-chinh")
OFFICES = next(d for d in DEFINITIONS if d.slug == "noi-tiep-nhan-ho-so")


def files_of(release: Release) -> dict:
    return {d.format: media_path(d.path) for d in release.distributions.all()}


def test_a_release_has_one_file_per_format_with_size_checksum_and_rows(province):
    release = services.publish_dataset(SUCCESSION, province)

    dataset = Dataset.objects.get(slug=SUCCESSION.slug)
    assert dataset.current_release == release and release.row_count > 50
    assert dataset.issued == dataset.modified == release.generated_at
    assert dataset.publisher == "Ủy ban nhân dân Thành phố Đà Nẵng"
    assert dataset.title == "Sắp xếp đơn vị hành chính cấp xã năm 2025"
    for distribution in release.distributions.all():
        path = media_path(distribution.path)
        assert path.is_file() and path.stat().st_size == distribution.size
        assert distribution.path.startswith(f"opendata/{SUCCESSION.slug}/")
        assert len(distribution.sha256) == 64
    assert sorted(files_of(release)) == sorted(Format.values)


def test_the_three_formats_read_back_the_same_rows_with_their_types(province):
    release = services.publish_dataset(SUCCESSION, province)
    files = files_of(release)
    table = SUCCESSION.build(province)

    with open(files[Format.CSV], encoding="utf-8-sig", newline="") as source:
        csv_rows = list(csv.reader(source))
    assert files[Format.CSV].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    assert csv_rows[0] == table.names and len(csv_rows) == len(table.rows) + 1
    assert csv_rows[1][table.names.index("effective_date")] == "2025-07-01"
    assert csv_rows[1][table.names.index("is_split")] in ("true", "false")

    document = json.loads(files[Format.JSON].read_text(encoding="utf-8"))
    assert document["dataset"]["identifier"] == SUCCESSION.slug
    assert document["dataset"]["rows"] == len(table.rows)
    assert [column["name"] for column in document["columns"]] == table.names
    assert document["rows"][0]["effective_date"] == "2025-07-01"

    with duckdb.connect() as connection:
        relation = connection.sql(f"SELECT * FROM read_parquet('{files[Format.PARQUET]}')")
        types = dict(zip(relation.columns, map(str, relation.types), strict=True))
        parquet_rows = relation.fetchall()
    assert types["effective_date"] == "DATE" and types["is_split"] == "BOOLEAN"
    assert types["legacy_commune_code"] == "VARCHAR"
    assert parquet_rows == table.rows
    assert parquet_rows[0][table.names.index("effective_date")] == date(2025, 7, 1)


def test_an_empty_table_still_makes_typed_files(tmp_path):
    from haicap.opendata.builders import STATISTICS_COLUMNS
    from haicap.opendata.tables import Table

    path = tmp_path / "empty.parquet"
    formats.write_parquet(path, Table(STATISTICS_COLUMNS, []), {})

    with duckdb.connect() as connection:
        relation = connection.sql(f"SELECT * FROM read_parquet('{path}')")
        assert relation.fetchall() == [] and str(relation.types[-1]) == "BOOLEAN"


def test_an_unchanged_table_makes_no_new_release(province):
    first = services.publish_dataset(OFFICES, province)

    assert services.publish_dataset(OFFICES, province) is None
    assert Release.objects.filter(dataset__slug=OFFICES.slug).count() == 1
    factories.commune_office(factories.communes("48", 3)[2])
    second = services.publish_dataset(OFFICES, province)
    assert second is not None and second.row_count == first.row_count + 1


def test_a_failed_publication_keeps_the_previous_release_downloadable(province, monkeypatch):
    first = services.publish_dataset(OFFICES, province)
    factories.commune_office(factories.communes("48", 3)[2])

    def broken_parquet(path, table, metadata):
        path.write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setitem(formats.WRITERS, Format.PARQUET, broken_parquet)
    report = services.publish_all(province)

    assert "OSError: disk full" in report.failed[OFFICES.slug]
    dataset = Dataset.objects.get(slug=OFFICES.slug)
    assert dataset.current_release == first and dataset.modified == first.generated_at
    assert Release.objects.filter(dataset=dataset).count() == 1
    assert all(path.is_file() for path in files_of(first).values())
    folders = list(media_path(f"opendata/{OFFICES.slug}").iterdir())
    assert folders == [media_path(first.folder)]  # the half-written release is gone


def test_the_release_before_the_current_one_is_kept_and_older_ones_removed(province):
    releases = [services.publish_dataset(OFFICES, province)]
    for commune in factories.communes("48", 5)[2:4]:
        factories.commune_office(commune)
        releases.append(services.publish_dataset(OFFICES, province))

    kept = set(Release.objects.filter(dataset__slug=OFFICES.slug))
    assert kept == set(releases[1:])
    assert not media_path(releases[0].folder).exists()
    assert media_path(releases[1].folder).is_dir()


def test_publish_all_publishes_every_dataset_of_the_registry(province):
    report = services.publish_all(province)

    assert not report.failed, report.failed
    assert sorted(report.published) == sorted(d.slug for d in DEFINITIONS)
    assert Dataset.objects.filter(current_release__isnull=False).count() == len(DEFINITIONS)
    assert services.publish_all(province).unchanged == report.published
