"""The generator's realism rules: what the accuracy figures are measured on."""

import csv
from collections import defaultdict

import numpy as np
import pyarrow.compute as pc
import pytest

from haicap.core.text import fold
from haicap.core.validation import CCCD_PROVINCE_CODES
from haicap.mdm import synth

PEOPLE = 6000


@pytest.fixture(scope="module")
def units(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return synth.SynthUnits.from_database()


@pytest.fixture(scope="module")
def easy(units):
    return synth.generate(PEOPLE, sources=3, noise="easy", seed=7, units=units)


@pytest.fixture(scope="module")
def hard(units):
    return synth.generate(PEOPLE, sources=3, noise="hard", seed=7, units=units)


def _source(data, code):
    return next(source for source in data.sources if source.code == code)


def test_default_province_is_the_merged_new_da_nang(units):
    provinces = set(units.legacy_province_codes)
    assert units.province_code == "48" and provinces == {"48", "49"}
    assert any("Quảng Nam" in text for text in units.legacy_full)


def test_unknown_province_is_refused(db):
    with pytest.raises(synth.SynthError):
        synth.SynthUnits.from_database("99")


def test_surname_shares_follow_published_frequencies(easy):
    family = pc.list_element(pc.utf8_split_whitespace(easy.people["full_name"]), 0)
    share = {name: pc.mean(pc.equal(family, name)).as_py() for name in ("Nguyễn", "Trần", "Lê")}
    assert share["Nguyễn"] == pytest.approx(0.38, abs=0.03)
    assert share["Trần"] == pytest.approx(0.11, abs=0.02)
    assert share["Lê"] == pytest.approx(0.095, abs=0.02)


def test_ages_follow_the_census_pyramid_band_by_band(easy):
    from haicap.core.demo.people import AGE_BAND_WEIGHTS, REFERENCE_DATE

    born = easy.people["birth_date"].to_numpy().astype("datetime64[D]")
    days = (np.datetime64(REFERENCE_DATE) - born).astype(int)
    share = np.bincount(np.minimum(days // 1826, 19), minlength=20) / len(days) * 100
    expected = np.array(AGE_BAND_WEIGHTS) / sum(AGE_BAND_WEIGHTS) * 100
    assert np.abs(share - expected).max() < 4.0


def test_middle_names_follow_gender(easy):
    people = easy.people.to_pylist()
    women_thi = sum(" Thị " in p["full_name"] for p in people if p["gender"] == "female")
    men_thi = sum(" Thị " in p["full_name"] for p in people if p["gender"] == "male")
    assert men_thi == 0 and women_thi > 0.1 * PEOPLE / 2


def test_cccd_digits_match_birth_province_gender_century_and_year(easy):
    for person in easy.people.to_pylist():
        number, born = person["national_id"], person["birth_date"]
        assert len(number) == 12 and number.isdigit()
        assert number[:3] in CCCD_PROVINCE_CODES
        century = 0 if born.year < 2000 else 2
        assert int(number[3]) == century + (person["gender"] == "female")
        assert number[4:6] == f"{born.year % 100:02d}"


def test_cccd_numbers_are_unique_and_cmnd_only_for_the_old(easy):
    ids = easy.people["national_id"]
    assert pc.count_distinct(ids).as_py() == len(ids)
    for person in easy.people.to_pylist():
        if person["old_id"]:
            assert len(person["old_id"]) == 9 and person["birth_date"].year <= 2002


def test_truth_covers_every_record_once(easy):
    keys = [key for source in easy.sources for key in source.record_keys().to_pylist()]
    truth = easy.truth["record_key"].to_pylist()
    assert len(set(keys)) == len(keys) and sorted(keys) == sorted(truth)
    assert all(key.startswith(tuple(f"{s.code}:" for s in easy.sources)) for key in truth)


def test_sources_have_their_own_schemas_and_in_source_duplicates(easy):
    schemas = [tuple(source.table.column_names) for source in easy.sources]
    assert len(set(schemas)) == 3
    assert "Ten" in _source(easy, "DNG-DC2022").table.column_names  # split name
    for source in easy.sources:
        assert set(source.mapping.values()) <= set(source.table.column_names)
        persons = easy.truth.filter(pc.starts_with(easy.truth["record_key"], source.code + ":"))
        assert pc.count_distinct(persons["person_id"]).as_py() < persons.num_rows


def test_household_members_share_the_household_number_and_address(easy):
    table = _source(easy, "DNG-DC2022").table.to_pylist()
    addresses = defaultdict(set)
    for row in table:
        if row["SoHoKhau"] and row["DiaChiThuongTru"]:
            addresses[row["SoHoKhau"]].add(fold(row["DiaChiThuongTru"]))
    shared = [values for values in addresses.values()]
    assert sum(len(values) > 1 for values in shared) <= 0.01 * len(shared)
    people = easy.people
    household_sizes = np.bincount(people["household"].to_numpy())
    assert (household_sizes >= 3).sum() > 0.3 * len(household_sizes)


def test_children_carry_their_parents_names(easy):
    people = easy.people.to_pylist()
    child = next(p for p in people if p["father_id"] >= 0 and p["mother_id"] >= 0)
    father = people[child["father_id"]]
    assert child["full_name"].split()[0] == father["full_name"].split()[0]
    truth = dict(zip(easy.truth["record_key"].to_pylist(), easy.truth["person_id"].to_pylist(),
                     strict=True))
    source = _source(easy, "DNG-DC2022")
    keys = source.record_keys().to_pylist()
    rows = source.table.to_pylist()
    checked = 0
    for key, row in zip(keys, rows, strict=True):
        person = people[truth[key]]
        if person["father_id"] >= 0 and row["HoTenCha"] == people[person["father_id"]]["full_name"]:
            checked += 1
    assert checked > 0.5 * sum(people[truth[key]]["father_id"] >= 0 for key in keys)


def test_hard_negative_twins_share_parents_and_birth_date_not_given_name(easy):
    people = easy.people.to_pylist()
    twins = [(p, people[p["twin_of"]]) for p in people if p["twin_of"] >= 0]
    assert twins
    for a, b in twins:
        assert a["birth_date"] == b["birth_date"] and a["household"] == b["household"]
        assert (a["father_id"], a["mother_id"]) == (b["father_id"], b["mother_id"])
        assert a["full_name"].split()[-1] != b["full_name"].split()[-1]


def test_hard_negative_namesakes_and_fathers_and_sons_of_one_name(easy):
    people = easy.people.to_pylist()
    namesakes = [(p, people[p["namesake_of"]]) for p in people if p["namesake_of"] >= 0]
    assert namesakes
    for a, b in namesakes:
        assert a["full_name"] == b["full_name"] and a["household"] != b["household"]
        assert a["birth_date"].year == b["birth_date"].year
        assert a["legacy_commune"] == b["legacy_commune"]
    sons = [p for p in people if p["father_namesake"]]
    assert sons
    for son in sons:
        father = people[son["father_id"]]
        assert son["full_name"] == father["full_name"]
        assert son["birth_date"] != father["birth_date"]


def test_old_sources_show_old_phone_prefixes_cmnd_and_old_units(easy):
    table = _source(easy, "QNA-BHYT2019").table
    phones = [p for p in table["DIEN_THOAI"].to_pylist() if p]
    assert any(len(p) == 11 and p[:4] in synth.OLD_PHONE_PREFIX.values() for p in phones)
    assert any(len(n) == 9 for n in table["SO_CMND"].to_pylist() if n)
    assert any("H. " in a or "Q. " in a for a in table["DIA_CHI"].to_pylist() if a)
    new = _source(easy, "DNG-DVC2025").table["dia_chi"].to_pylist()
    assert sum("Thành phố Đà Nẵng" in a and "Quận" not in a and "Huyện" not in a
               for a in new if a) > 0.8 * len(new)


def test_seed_reproduces_the_data_and_another_seed_changes_it(units, easy):
    again = synth.generate(PEOPLE, sources=3, noise="easy", seed=7, units=units)
    other = synth.generate(PEOPLE, sources=3, noise="easy", seed=8, units=units)
    for first, second in zip(easy.sources, again.sources, strict=True):
        assert first.table.equals(second.table)
    assert easy.truth.equals(again.truth)
    assert not easy.sources[0].table.equals(other.sources[0].table)


def _name_damage(data) -> float:
    """Share of full-name records that differ from the person's true name (case aside)."""
    names = dict(enumerate(data.people["full_name"].to_pylist()))
    truth = dict(zip(data.truth["record_key"].to_pylist(), data.truth["person_id"].to_pylist(),
                     strict=True))
    source = _source(data, "DNG-DVC2025")
    written = source.table["ho_ten"].to_pylist()
    keys = source.record_keys().to_pylist()
    return np.mean([w != names[truth[k]] for k, w in zip(keys, written, strict=True)])


def test_hard_noise_damages_measurably_more_than_easy(easy, hard):
    assert _name_damage(easy) < 0.1
    assert _name_damage(hard) > _name_damage(easy) + 0.1
    dates = _source(hard, "DNG-DVC2025").table["ngay_sinh"].to_pylist()
    assert sum(d is None for d in dates) > 0


def test_hard_noise_has_vni_mojibake_in_the_legacy_font_source(easy, hard):
    def mojibake(data):
        family = _source(data, "DNG-DC2022").table["Ho"].to_pylist()
        return sum(name in ("Nguyeãn", "Traàn", "Phaïm") for name in family)

    assert mojibake(hard) > 0 and mojibake(easy) == 0


def test_vni_mojibake_is_what_the_legacy_font_stored():
    assert synth.vni_mojibake("Nguyễn Thị Đặng Dương Huỳnh") == "Nguyeãn Thò Ñaëng Döông Huyønh"


def test_write_produces_each_source_in_its_encoding_and_the_truth(units, tmp_path):
    data = synth.generate(300, sources=3, noise="hard", seed=1, units=units)
    paths = data.write(tmp_path)
    names = {path.name for path in paths}
    assert {"QNA-BHYT2019.csv", "DNG-DC2022.xlsx", "truth.csv", "manifest.json"} <= names
    cp1258 = (tmp_path / "QNA-BHYT2019.csv").read_bytes()
    assert b"\xef\xbb\xbf" not in cp1258[:3]
    with pytest.raises(UnicodeDecodeError):
        cp1258.decode("utf-8")
    assert (tmp_path / "DNG-DC2022.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "truth.csv", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.reader(handle)) == data.truth.num_rows + 1
