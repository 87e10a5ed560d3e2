"""Rules of the demo's generated people: real-looking names, valid and unique CCCD numbers."""

import random
import unicodedata
from collections import Counter

from haicap.core.demo.addresses import street_address
from haicap.core.demo.names import FEMALE, MALE, NameGenerator, generate_name
from haicap.core.demo.people import REFERENCE_DATE, PersonGenerator
from haicap.core.validation import normalize_phone, validate_national_id

SAMPLES = 10_000


def _names(seed=1, count=SAMPLES):
    rng = random.Random(seed)
    for index in range(count):
        gender = MALE if index % 2 else FEMALE
        birth_year = rng.randint(1930, 2026)
        yield gender, birth_year, generate_name(rng, gender=gender, birth_year=birth_year)


def test_generated_names_are_nfc_with_two_to_four_capitalized_syllables():
    for _, _, name in _names():
        assert unicodedata.normalize("NFC", name.full) == name.full
        assert 2 <= len(name.syllables) <= 4, name.full
        assert all(syllable[0].isupper() for syllable in name.syllables), name.full


def test_family_names_follow_the_real_frequencies_over_10k_people():
    counts = Counter(name.family.split()[0] for _, _, name in _names())
    share = {family: count / SAMPLES for family, count in counts.items()}
    assert 0.35 <= share["Nguyễn"] <= 0.41
    assert 0.09 <= share["Trần"] <= 0.13
    assert 0.08 <= share["Lê"] <= 0.11
    assert 0.055 <= share["Phạm"] <= 0.085
    # South-central spelling: Huỳnh outnumbers Hoàng, Võ outnumbers Vũ.
    assert share["Huỳnh"] > share["Hoàng"]
    assert share["Võ"] > share["Vũ"]
    assert len(counts) >= 25


def test_middle_names_van_and_thi_match_the_gender():
    for gender, _, name in _names():
        middles = name.middle.split()
        if gender == MALE:
            assert "Thị" not in middles and "Nữ" not in name.family.split(), name.full
        else:
            assert "Văn" not in middles, name.full


def test_van_and_thi_fade_in_younger_generations():
    def thi_share(birth_year):
        rng = random.Random(3)
        names = [generate_name(rng, gender=FEMALE, birth_year=birth_year) for _ in range(2000)]
        return sum("Thị" in name.middle.split() for name in names) / len(names)

    assert thi_share(1955) > 0.8
    assert thi_share(2024) < 0.25


def test_the_same_seed_gives_the_same_names():
    first = NameGenerator(7)
    second = NameGenerator(7)
    assert [first.name(gender=FEMALE, birth_year=1990).full for _ in range(50)] == [
        second.name(gender=FEMALE, birth_year=1990).full for _ in range(50)
    ]


def test_every_generated_cccd_passes_validation_with_its_birth_date_and_gender_and_is_unique():
    people = PersonGenerator(48)
    generated = [people.person(home_province="049" if i % 3 else "048") for i in range(SAMPLES)]
    for person in generated:
        validate_national_id(person.national_id, date_of_birth=person.date_of_birth,
                             gender=person.gender)
    assert len({person.national_id for person in generated}) == SAMPLES
    birth_provinces = Counter(person.national_id[:3] for person in generated)
    assert birth_provinces["048"] + birth_provinces["049"] > 0.75 * SAMPLES


def test_ages_include_newborns_of_2025_and_2026_and_elders():
    generator = PersonGenerator(5)
    people = [generator.person() for _ in range(3000)]
    years = Counter(person.date_of_birth.year for person in people)
    assert years[2025] + years[2026] > 0
    assert all(person.date_of_birth <= REFERENCE_DATE for person in people)
    assert min(years) <= 1945
    newborn = next(p for p in people if p.date_of_birth.year >= 2025)
    assert newborn.national_id[3] in "23" and newborn.phone == ""


def test_adult_phones_are_valid_ten_digit_mobile_numbers():
    generator = PersonGenerator(9)
    phones = [p.phone for p in (generator.person() for _ in range(2000)) if p.phone]
    assert phones and all(normalize_phone(phone) == phone for phone in phones)
    assert len(set(phones)) == len(phones)


def test_ward_addresses_have_a_street_and_commune_addresses_a_village():
    rng = random.Random(2)
    ward = [street_address(rng, commune_short_name="Hải Châu", is_ward=True) for _ in range(200)]
    assert all(address[0].isdigit() or address.startswith("K") for address in ward)
    assert any("Bạch Đằng" in address or "Lê Duẩn" in address for address in ward)
    commune = [street_address(rng, commune_short_name="Đại Lộc", is_ward=False)
               for _ in range(50)]
    assert all(address.startswith("Thôn ") for address in commune)
