"""The data-quality report per source: completeness as received, validity after
standardization, duplicates inside the source and across sources."""

import pyarrow as pa

from haicap.mdm.quality import reports
from haicap.mdm.store import PERSON_COLUMNS


def _raw(*rows: dict) -> pa.Table:
    return pa.table({name: pa.array([row.get(name) for row in rows], pa.string())
                     for name in PERSON_COLUMNS})


RAW = _raw(
    {"record_key": "A:1", "source": "A", "family_name": "Lê", "given_name": "Hoa",
     "phone": "0905000111"},
    {"record_key": "A:2", "source": "A", "family_name": "Lê", "given_name": "Hoa",
     "phone": "12345"},
    {"record_key": "B:1", "source": "B", "full_name": "Lê Thị Hoa", "phone": " "},
)
STANDARDIZED = pa.table({"record_key": ["A:1", "A:2", "B:1"], "source": ["A", "A", "B"],
                         "phone": ["0905000111", None, None],
                         "national_id": pa.nulls(3, pa.string()),
                         "old_id_number": pa.nulls(3, pa.string()),
                         "birth_date": pa.nulls(3, pa.date32()),
                         "commune_code": pa.nulls(3, pa.string()),
                         "gender": pa.nulls(3, pa.string())})
FIXES = pa.table({"record_key": ["A:2"], "field": ["phone"], "rule": ["phone_invalid"],
                  "before": ["12345"], "after": [None]})
CLUSTERS = pa.table({"record_key": ["A:1", "A:2", "B:1"], "cluster_key": ["A:1"] * 3})


def _fields(figures: dict) -> dict:
    return {item["field"]: item for item in figures["fields"]}


def test_a_name_given_in_parts_counts_as_filled():
    found = reports(RAW, STANDARDIZED, FIXES, CLUSTERS)
    assert _fields(found["A"][1])["full_name"]["filled"] == 100.0


def test_validity_is_the_share_of_filled_values_standardization_could_read():
    found = reports(RAW, STANDARDIZED, FIXES, CLUSTERS)
    phone = _fields(found["A"][1])["phone"]
    assert (phone["filled"], phone["valid"]) == (100.0, 50.0)
    assert _fields(found["B"][1])["phone"]["filled"] == 0.0  # a blank is not a value
    assert found["A"][1]["fixes"] == {"phone_invalid": 1}


def test_duplicates_are_counted_inside_the_source_and_across_sources():
    found = reports(RAW, STANDARDIZED, FIXES, CLUSTERS)
    counts = {code: (figures["duplicates_in_source"], figures["found_in_other_sources"])
              for code, (_records, figures) in found.items()}
    assert found["A"][0] == 2
    assert counts == {"A": (1, 2), "B": (0, 1)}
