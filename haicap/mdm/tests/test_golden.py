"""Golden records: survivorship by rules, lineage, ids stable across runs."""

import json
from datetime import date

import pyarrow as pa

from haicap.mdm.golden import GOLDEN_FIELDS, build

TRUST = {"POP": 90, "OLD": 30}


def _records(*rows: dict) -> pa.Table:
    names = ("record_key", "source", "updated_at", *GOLDEN_FIELDS)
    types = {"birth_date": pa.date32(), "updated_at": pa.date32()}
    return pa.table({name: pa.array([row.get(name) for row in rows], types.get(name, pa.string()))
                     for name in names})


def _clusters(**groups: list[str]) -> pa.Table:
    keys, clusters = [], []
    for members in groups.values():
        for key in members:
            keys.append(key)
            clusters.append(min(members))
    return pa.table({"record_key": keys, "cluster_key": clusters})


def _by_id(result) -> dict:
    return {row["golden_id"]: row for row in result.golden.to_pylist()}


PEOPLE = _records(
    {"record_key": "OLD:1", "source": "OLD", "updated_at": date(2024, 5, 1),
     "full_name": "Nguyễn Văn An", "national_id": "048090000111", "phone": "0905000111",
     "birth_date": date(1990, 3, 4)},
    {"record_key": "POP:7", "source": "POP", "updated_at": date(2020, 1, 1),
     "full_name": "Nguyễn Văn An", "national_id": "048090000112", "phone": "0905999999",
     "birth_date": date(1990, 3, 4), "father_name": "Nguyễn Văn Ba"},
    {"record_key": "OLD:2", "source": "OLD", "updated_at": date(2023, 1, 1),
     "full_name": "Nguyễn Văn Ăn", "birth_date": date(1990, 4, 3)},
    {"record_key": "OLD:9", "source": "OLD", "full_name": "Trần Thị Bình"},
)


def test_identity_number_comes_from_the_most_trusted_source_and_phone_from_the_latest():
    result = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                   trust=TRUST)
    an = next(row for row in result.golden.to_pylist() if row["members"] == 3)
    assert an["national_id"] == "048090000112"
    assert an["phone"] == "0905000111"
    assert an["full_name"] == "Nguyễn Văn An"  # two records agree against one
    assert an["birth_date"] == date(1990, 3, 4)
    assert an["father_name"] == "Nguyễn Văn Ba"
    lineage = json.loads(an["lineage"])
    assert lineage["national_id"] == "POP:7" and lineage["phone"] == "OLD:1"
    assert lineage["mother_name"] is None


def test_new_golden_ids_are_province_serials_and_every_record_has_one():
    result = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                   trust=TRUST, next_serial=41)
    assert sorted(_by_id(result)) == ["48000000041", "48000000042"]
    assert result.next_serial == 43
    assert result.members.num_rows == 4


def test_golden_id_survives_a_rerun_and_a_split_keeps_it_with_the_larger_part():
    first = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                  trust=TRUST)
    previous = first.members
    again = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                  trust=TRUST, previous=previous, next_serial=first.next_serial)
    assert sorted(_by_id(again)) == sorted(_by_id(first))
    old_id = dict(zip(previous.column("record_key").to_pylist(),
                      previous.column("golden_id").to_pylist(), strict=True))["OLD:1"]
    split = build(PEOPLE, _clusters(a=["OLD:1", "POP:7"], c=["OLD:2"], b=["OLD:9"]),
                  province="48", trust=TRUST, previous=previous, next_serial=first.next_serial)
    members = dict(zip(split.members.column("record_key").to_pylist(),
                       split.members.column("golden_id").to_pylist(), strict=True))
    assert members["OLD:1"] == members["POP:7"] == old_id
    assert members["OLD:2"] == "48000000003"


def test_a_merge_keeps_one_id_and_retires_the_other_into_it():
    first = build(PEOPLE, _clusters(a=["OLD:1", "POP:7"], c=["OLD:2"], b=["OLD:9"]),
                  province="48", trust=TRUST)
    merged = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                   trust=TRUST, previous=first.members, next_serial=first.next_serial)
    kept = dict(zip(first.members.column("record_key").to_pylist(),
                    first.members.column("golden_id").to_pylist(), strict=True))
    assert merged.retired.to_pylist() == [{"golden_id": kept["OLD:2"],
                                           "retired_into": kept["OLD:1"]}]


def test_a_stewards_override_beats_every_source_and_says_so_in_the_lineage():
    first = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                  trust=TRUST)
    an_id = next(row["golden_id"] for row in first.golden.to_pylist() if row["members"] == 3)
    again = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                  trust=TRUST, previous=first.members,
                  overrides={an_id: {"phone": "0911222333", "birth_date": "1990-03-05"}})
    an = _by_id(again)[an_id]
    assert an["phone"] == "0911222333" and an["birth_date"] == date(1990, 3, 5)
    assert json.loads(an["lineage"])["phone"] == "override"


def test_rules_are_data_a_province_can_prefer_the_most_trusted_phone():
    result = build(PEOPLE, _clusters(a=["OLD:1", "POP:7", "OLD:2"], b=["OLD:9"]), province="48",
                   trust=TRUST, rules={"phone": ("trust", "recent")})
    an = next(row for row in result.golden.to_pylist() if row["members"] == 3)
    assert an["phone"] == "0905999999"
