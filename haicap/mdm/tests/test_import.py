"""Imports: rows kept as received, mappings checked before the run, bad rows reported, nothing
half-written, working copies that survive a crash."""

import io
import uuid

import pytest
from openpyxl import Workbook

from haicap.core.errors import DomainError, InvalidInput
from haicap.mdm import services, store
from haicap.mdm.models import Batch, SourceRecord, SystemKind
from haicap.mdm.sources import masked
from haicap.units.models import Province

pytestmark = pytest.mark.django_db

HEADER = "MA_CD;HO_TEN;NGAY_SINH;SO_CMND;DIEN_THOAI;DIA_CHI\n"
ROWS = ("1;Nguyễn Văn An;03/07/1985;048085000123;0905123456;Thôn 1, xã Hòa Phong, huyện Hòa Vang\n"
        "2;Trần Thị Bình;12/01/1990;;01689123456;12 Lê Lợi, Hải Châu, Đà Nẵng\n")
MAPPING = {"full_name": "HO_TEN", "birth_date": "NGAY_SINH", "national_id": "SO_CMND",
           "phone": "DIEN_THOAI", "address": "DIA_CHI"}


@pytest.fixture
def source():
    return services.create_source(province=Province.objects.get(pk="48"), code="QNA-MC2019",
                                  name="Một cửa Quảng Nam 2019", system=SystemKind.ORACLE,
                                  trust=60)


@pytest.fixture
def mapping(source):
    return services.save_mapping(source, key_column="MA_CD", columns=MAPPING,
                                 available=HEADER.strip().split(";"))


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def test_rows_are_kept_as_received_with_their_canonical_values(source, mapping):
    batch = services.import_file(source, mapping, data=_csv(HEADER + ROWS), filename="cd.csv")
    assert (batch.rows_read, batch.rows_imported, batch.rows_bad) == (2, 2, 0)
    record = SourceRecord.objects.get(record_key="QNA-MC2019:2")
    assert record.raw == {"MA_CD": "2", "HO_TEN": "Trần Thị Bình", "NGAY_SINH": "12/01/1990",
                          "SO_CMND": "", "DIEN_THOAI": "01689123456",
                          "DIA_CHI": "12 Lê Lợi, Hải Châu, Đà Nẵng"}
    assert record.canonical["phone"] == "01689123456"
    assert len(batch.digest) == 64


def test_the_working_copy_holds_the_current_rows_for_the_pipeline(source, mapping,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.import_file(source, mapping, data=_csv(HEADER + ROWS), filename="cd.csv")
    people = store.current_people("48").to_pylist()
    assert [row["record_key"] for row in people] == ["QNA-MC2019:1", "QNA-MC2019:2"]
    assert people[0]["full_name"] == "Nguyễn Văn An" and people[0]["source"] == "QNA-MC2019"


def test_a_missing_working_copy_is_written_again_from_the_database(source, mapping):
    batch = services.import_file(source, mapping, data=_csv(HEADER + ROWS), filename="cd.csv")
    assert not store.batch_path(batch).exists()  # the commit callback never ran: a crash
    assert store.current_people("48").num_rows == 2
    assert store.batch_path(batch).exists()


def test_a_later_batch_supersedes_the_same_keys_and_keeps_the_old_rows_for_lineage(
        source, mapping, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.import_file(source, mapping, data=_csv(HEADER + ROWS), filename="cd.csv")
        services.import_file(source, mapping, filename="cd2.csv", data=_csv(
            HEADER + "2;Trần Thị Bình;12/01/1990;;0389123456;12 Lê Lợi, Hải Châu, Đà Nẵng\n"))
    assert SourceRecord.objects.filter(record_key="QNA-MC2019:2").count() == 2
    current = SourceRecord.objects.get(record_key="QNA-MC2019:2", is_current=True)
    assert current.canonical["phone"] == "0389123456"
    phones = {row["record_key"]: row["phone"] for row in store.current_people("48").to_pylist()}
    assert phones == {"QNA-MC2019:1": "0905123456", "QNA-MC2019:2": "0389123456"}


def test_broken_rows_are_reported_with_reasons_and_the_good_rows_imported(source, mapping):
    text = HEADER + ROWS + ("3;Lê Văn Cường;01/01/1970;;;\n"
                            "4;Phạm Thị Dung;02/02/1980\n"
                            ";Không Có Mã;01/01/1990;;;\n"
                            "1;Trùng Mã;01/01/1990;;;\n"
                            "5;;01/01/1990;;;\n")
    batch = services.import_file(source, mapping, data=_csv(text), filename="cd.csv")
    assert (batch.rows_imported, batch.rows_bad) == (3, 4)
    reasons = {row.row_number: [reason["code"] for reason in row.reasons]
               for row in batch.bad_rows.all()}
    assert reasons == {5: ["wrong_column_count"], 6: ["missing_key"], 7: ["duplicate_key"],
                       8: ["missing_value"]}


def test_a_mapping_that_drops_a_required_field_is_refused_before_the_run(source):
    with pytest.raises(InvalidInput) as refused:
        services.save_mapping(source, key_column="MA_CD",
                              columns={"full_name": "HO_TEN", "phone": "DIEN_THOAI"},
                              available=HEADER.strip().split(";"))
    assert refused.value.code == "mapping_missing_required"
    assert not source.mappings.exists()


def test_a_mapping_naming_a_column_the_file_lacks_is_refused_and_nothing_is_written(source):
    stored = services.save_mapping(source, key_column="MA_CD",
                                   columns={**MAPPING, "mother_name": "HO_TEN_ME"},
                                   available=[*HEADER.strip().split(";"), "HO_TEN_ME"])
    with pytest.raises(InvalidInput) as refused:
        services.import_file(source, stored, data=_csv(HEADER + ROWS), filename="cd.csv")
    assert refused.value.code == "mapping_unknown_column"
    assert not Batch.objects.exists() and not SourceRecord.objects.exists()


def test_an_unchanged_mapping_is_reused_and_a_changed_one_gets_a_new_version(source, mapping):
    again = services.save_mapping(source, key_column="MA_CD", columns=MAPPING,
                                  available=HEADER.strip().split(";"))
    changed = services.save_mapping(source, key_column="MA_CD",
                                    columns={**MAPPING, "phone": ""},
                                    available=HEADER.strip().split(";"))
    assert again.pk == mapping.pk and (mapping.version, changed.version) == (1, 2)
    assert "phone" not in changed.columns


def test_a_file_in_no_known_encoding_is_refused_whole(source, mapping):
    data = bytes(range(128, 256)) * 40
    with pytest.raises(DomainError) as refused:
        services.import_file(source, mapping, data=data, filename="cd.csv")
    assert refused.value.code == "unknown_encoding"
    assert not Batch.objects.exists()


def test_a_windows_1258_export_is_read_in_its_encoding(source, mapping):
    batch = services.import_file(source, mapping, filename="cd.csv",
                                 data=_csv(HEADER + "7;Ngô Thi\u0323 Hà;01/02/1975;;;\n", "cp1258"))
    assert batch.rows_imported == 1
    name = SourceRecord.objects.get(record_key="QNA-MC2019:7").raw["HO_TEN"]
    assert name.replace("\u0301", "").startswith("Ng")  # decoded, whatever the composition


def test_an_excel_export_is_imported_like_a_csv(source, mapping):
    book = Workbook()
    sheet = book.active
    for line in (HEADER + ROWS).splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    batch = services.import_file(source, mapping, data=buffer.getvalue(), filename="cd.xlsx")
    assert (batch.format, batch.rows_imported) == ("xlsx", 2)


def test_a_postgresql_table_is_imported_read_only():
    import psycopg

    url = "postgresql://postgres@127.0.0.1:5432/test"
    table = f"mdm_export_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int, ho_ten text, ngay_sinh date)")
        conn.execute(f"INSERT INTO {table} VALUES (1, 'Võ Văn Tám', '1960-05-06')")
    try:
        source = services.create_source(province=Province.objects.get(pk="48"), code="DNG-HT",
                                        name="Hộ tịch Đà Nẵng", system=SystemKind.POSTGRESQL)
        mapping = services.save_mapping(source, key_column="id",
                                        columns={"full_name": "ho_ten", "birth_date": "ngay_sinh"},
                                        available=["id", "ho_ten", "ngay_sinh"])
        batch = services.import_database(source, mapping, url=url, table_name=table)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE {table}")
    record = SourceRecord.objects.get(batch=batch)
    assert record.raw == {"id": "1", "ho_ten": "Võ Văn Tám", "ngay_sinh": "1960-05-06"}
    assert batch.origin.startswith("postgresql://postgres@127.0.0.1:5432/test ")


def test_a_mariadb_table_is_imported():
    import pymysql

    table = f"mdm_export_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(host="127.0.0.1", user="root", password="", database="test",
                           charset="utf8mb4", autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {table} (ma VARCHAR(10), hoten VARCHAR(100), "
                           "ngaysinh VARCHAR(10)) CHARACTER SET utf8mb4")
            cursor.execute(f"INSERT INTO {table} VALUES ('A1', 'Đặng Thị Ơn', '1955')")
        source = services.create_source(province=Province.objects.get(pk="48"), code="QNA-DC",
                                        name="Dân cư Quảng Nam", system=SystemKind.MYSQL)
        mapping = services.save_mapping(source, key_column="ma",
                                        columns={"full_name": "hoten", "birth_date": "ngaysinh"},
                                        available=["ma", "hoten", "ngaysinh"])
        batch = services.import_database(source, mapping, table_name=table,
                                         url="mysql://root@127.0.0.1:3306/test")
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        conn.close()
    assert SourceRecord.objects.get(batch=batch).raw["hoten"] == "Đặng Thị Ơn"


def test_a_connection_strings_password_is_not_kept():
    assert masked("mysql://root:s3cret@db:3306/old") == "mysql://root:***@db:3306/old"
