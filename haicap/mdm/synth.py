"""Generated merged-province person data with known truth, so that matching accuracy is measured.

A population is drawn first — households of a father, a mother, their children and sometimes a
grandmother, living at one address of one old commune of the merged province — and then each
source, an old system with its own schema, writes down the people it covers the way that system
did: its own column names, key, date format, gender codes, upper-case or split names, CMND instead
of CCCD, 11-digit phone numbers from before the 2018 renumbering, old commune/district/province
names before the 2025 merger, its own household numbers, and a few in-source duplicates.

Realism that matters for the accuracy figures:

* names by published surname frequencies (``haicap.core.demo.names``: Nguyễn ≈ 38 %, …), middle
  and given names by gender and generation, given names skewed (the first listed are commonest);
* ages by the census pyramid (``haicap.core.demo.people``) for heads of households, children
  born to their mothers at 18–42, CCCD numbers with the birth-province code, the gender/century
  digit and the birth year (``haicap.core.demo.national_ids``);
* hard negatives that a matcher must keep apart: twins (same parents, address and birth date,
  another given name), namesakes (same full name and birth year in the same commune), fathers
  and sons of the same name;
* noise: ``easy`` has few typos and some missing tone marks on top of the sources' own formats;
  ``hard`` has more typos (single edits as rapidfuzz counts them), swapped day/month, missing
  fields, stale addresses and phones, name order variants and, in one source, names stored
  through the VNI-Windows legacy font (read back as Windows-1252 text: "Nguyeãn Vaên").

Everything is vectorized: numpy draws integer codes, pyarrow assembles strings; Python only
loops over vocabularies, sources and distinct values.
"""

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from haicap.core.demo.addresses import (
    COMMON_STREETS,
    RESIDENTIAL_GROUP_NAMES,
    STREETS_BY_WARD,
    VILLAGE_NAMES,
)
from haicap.core.demo.names import (
    COMPOUND_GIVEN_NAMES,
    COMPOUND_GIVEN_SHARE,
    FAMILY_NAMES,
    FEMALE,
    GENERATIONS,
    GIVEN_NAMES,
    MALE,
    MIDDLE_NAMES,
)
from haicap.core.demo.national_ids import BIRTH_PROVINCE_WEIGHTS, DA_NANG, QUANG_NAM
from haicap.core.demo.people import AGE_BAND_WEIGHTS, PHONE_PREFIXES, REFERENCE_DATE
from haicap.core.errors import DomainError
from haicap.core.text import fold

DEFAULT_PROVINCE = "48"  # the new Đà Nẵng: old Đà Nẵng + old Quảng Nam
NOISE_LEVELS = ("easy", "hard")
XLSX_MAX_ROWS = 50_000

# Households by size (2019 census, rounded): one person 12 %, two 20 %, … seven and more 3 %.
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6, 7)
HOUSEHOLD_SIZE_SHARES = (0.12, 0.20, 0.22, 0.26, 0.11, 0.06, 0.03)
GRANDMOTHER_SHARE = 0.5  # households of five or more with the husband's mother living in
TWIN_SHARE = 0.03  # of households with two children or more: the first two are twins
FATHER_NAMESAKE_SHARE = 0.01  # of households whose first child is a son: he has his father's name
NAMESAKE_SHARE = 0.01  # of heads of households: another head in the commune has the same name
PHONE_OWNER_SHARE = 0.9  # of people aged 15 and over
PHONE_BEFORE_2018_SHARE = 0.6  # numbers older than the 2018 renumbering (had an 11-digit form)
MOVED_SHARE = 0.06  # households whose older records show a previous address
CHANGED_PHONE_SHARE = 0.08  # people whose older records show another phone number

# The 2018 renumbering of 11-digit mobile numbers: new 3-digit prefix → old 4-digit prefix.
OLD_PHONE_PREFIX = {
    "032": "0162", "033": "0163", "034": "0164", "035": "0165", "036": "0166", "037": "0167",
    "038": "0168", "039": "0169", "070": "0120", "079": "0121", "077": "0122", "076": "0126",
    "078": "0128", "083": "0123", "084": "0124", "085": "0125", "081": "0127", "082": "0129",
    "056": "0186", "058": "0188", "059": "0199",
}
RENUMBERED = date(2018, 9, 15)  # the last day 11-digit numbers were dialled
# Where the old 9-digit CMND was issued (the old province of residence) → its first three digits.
CMND_PREFIXES = {"48": ("201",), "49": ("205", "206"), "46": ("191", "192"), "51": ("212",),
                 "52": ("215",), "44": ("194",), "45": ("197",)}
# 2019 census populations of old provinces we know, to share people between the old provinces
# of a merged one; the others count communes (urban wards weigh more than rural communes).
LEGACY_POPULATION = {"48": 1_135_000, "49": 1_496_000}
KIND_WEIGHT = {"phuong": 3.0, "thi_tran": 1.5, "xa": 1.0}

ROLE_HEAD, ROLE_SPOUSE, ROLE_CHILD, ROLE_GRANDMOTHER, ROLE_SINGLE = range(5)
EPOCH = date(1970, 1, 1)


class SynthError(DomainError):
    code = "synth_invalid"


# --- units -------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SynthUnits:
    """The merged province's new communes and the old communes (with their old district and
    province) that became them: addresses are drawn from these, so every old address resolves
    through the `units` succession."""

    province_code: str
    province_name: str
    commune_codes: tuple[str, ...]
    commune_names: tuple[str, ...]
    commune_short_names: tuple[str, ...]
    commune_is_ward: tuple[bool, ...]
    legacy_codes: tuple[str, ...]
    legacy_names: tuple[str, ...]
    legacy_abbreviated: tuple[str, ...]  # "P. Hải Châu I, Q. Hải Châu, TP. Đà Nẵng"
    legacy_full: tuple[str, ...]  # "Phường Hải Châu I, Quận Hải Châu, Thành phố Đà Nẵng"
    legacy_province_codes: tuple[str, ...]  # 2-digit old province code
    legacy_weights: tuple[float, ...]
    # (legacy index, commune index, weight): an old commune split between new ones has several.
    successions: tuple[tuple[int, int, float], ...]

    @classmethod
    def from_database(cls, province_code: str = DEFAULT_PROVINCE) -> "SynthUnits":
        from haicap.units.models import CommuneSuccession, Province

        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise SynthError(_unknown_province_message(), code="synth_unknown_province")
        rows = list(
            CommuneSuccession.objects.filter(commune__province=province)
            .select_related("commune", "legacy_commune__district__province")
            .order_by("legacy_commune__code", "commune__code")
        )
        if not rows:
            raise SynthError(_unknown_province_message(), code="synth_unknown_province")
        communes = sorted({row.commune for row in rows}, key=lambda commune: commune.code)
        commune_index = {commune.code: i for i, commune in enumerate(communes)}
        legacy = sorted({row.legacy_commune for row in rows}, key=lambda unit: unit.code)
        legacy_index = {unit.code: i for i, unit in enumerate(legacy)}
        successions = []
        for row in rows:
            weight = 1.0 if not row.is_split else (3.0 if row.is_default else 1.0)
            successions.append((legacy_index[row.legacy_commune.code],
                                commune_index[row.commune.code], weight))
        return cls(
            province_code=province.code,
            province_name=province.name,
            commune_codes=tuple(commune.code for commune in communes),
            commune_names=tuple(commune.name for commune in communes),
            commune_short_names=tuple(commune.short_name for commune in communes),
            commune_is_ward=tuple(commune.kind == "phuong" for commune in communes),
            legacy_codes=tuple(unit.code for unit in legacy),
            legacy_names=tuple(unit.name for unit in legacy),
            legacy_abbreviated=tuple(_abbreviated(unit) for unit in legacy),
            legacy_full=tuple(
                f"{unit.name}, {unit.district.name}, {unit.district.province.name}"
                for unit in legacy),
            legacy_province_codes=tuple(unit.district.province.code for unit in legacy),
            legacy_weights=_legacy_weights(legacy),
            successions=tuple(successions),
        )


def _unknown_province_message() -> str:
    from django.utils.translation import gettext as _

    return _("The province has no communes with old units to generate addresses from.")


_ABBREVIATIONS = {"phuong": "P.", "xa": "X.", "thi_tran": "TT.", "quan": "Q.", "huyen": "H.",
                  "thi_xa": "TX.", "thanh_pho": "TP."}


def _abbreviated(unit) -> str:
    district, province = unit.district, unit.district.province
    province_kind = "thanh_pho" if province.name.startswith("Thành phố") else "tinh"
    province_text = (f"TP. {province.short_name}" if province_kind == "thanh_pho"
                     else province.short_name)
    return (f"{_ABBREVIATIONS.get(unit.kind, '')} {unit.short_name}, "
            f"{_ABBREVIATIONS.get(district.kind, '')} {district.short_name}, {province_text}")


def _legacy_weights(legacy) -> tuple[float, ...]:
    kind_weights = np.array([KIND_WEIGHT.get(unit.kind, 1.0) for unit in legacy])
    provinces = np.array([unit.district.province.code for unit in legacy])
    weights = kind_weights.copy()
    known = [code for code in set(provinces) if code in LEGACY_POPULATION]
    if len(known) == len(set(provinces)):
        for code in known:
            inside = provinces == code
            weights[inside] = kind_weights[inside] / kind_weights[inside].sum() \
                * LEGACY_POPULATION[code]
    return tuple((weights / weights.sum()).tolist())


# --- the population ---------------------------------------------------------------------------

class _NameBook:
    """Every name syllable group in one vocabulary (index 0 is "no middle name"), with the
    weighted choices by gender and generation as index arrays."""

    def __init__(self):
        vocabulary: dict[str, int] = {"": 0}

        def index(value: str) -> int:
            return vocabulary.setdefault(value, len(vocabulary))

        def skewed(values) -> tuple[np.ndarray, np.ndarray]:
            # Given names are listed commonest first; a Zipf-like skew over that order.
            weights = 1.0 / np.arange(1, len(values) + 1) ** 0.8
            return (np.array([index(value) for value in values]), weights / weights.sum())

        family_weights = np.array([weight for _, weight in FAMILY_NAMES], dtype=float)
        self.family = (np.array([index(name) for name, _ in FAMILY_NAMES]),
                       family_weights / family_weights.sum())
        self.middle, self.given, self.compound = {}, {}, {}
        for gender in (MALE, FEMALE):
            for _, generation in GENERATIONS:
                pairs = MIDDLE_NAMES[gender][generation]
                weights = np.array([weight for _, weight in pairs], dtype=float)
                self.middle[gender, generation] = (
                    np.array([index(value) for value, _ in pairs]), weights / weights.sum())
                self.given[gender, generation] = skewed(dict.fromkeys(
                    GIVEN_NAMES[gender][generation]))
            self.compound[gender] = skewed(COMPOUND_GIVEN_NAMES[gender])
        self.vocabulary = pa.array([value or None for value in vocabulary], pa.string())
        # The last syllable of each entry: what people call someone by ("Khang" of "Minh Khang").
        last = [value.split()[-1] if value else "" for value in vocabulary]
        self.call_name = np.unique(np.array(last), return_inverse=True)[1]


@dataclass
class _People:
    """One row per person; integer codes into the name book and the units."""

    household: np.ndarray
    role: np.ndarray
    female: np.ndarray
    birth_days: np.ndarray  # days since 1970-01-01
    family: np.ndarray
    middle: np.ndarray
    given: np.ndarray
    father: np.ndarray  # (n, 3) name codes of the father (in the data or not)
    mother: np.ndarray
    father_id: np.ndarray  # person index of the father, -1 when not in the data
    mother_id: np.ndarray
    national_id: pa.Array
    old_id: pa.Array  # 9-digit CMND or null
    phone: pa.Array  # 10 digits or null
    phone_before_2018: np.ndarray
    previous_phone: pa.Array
    legacy: np.ndarray  # old commune index (of the household)
    commune: np.ndarray  # new commune index
    twin: np.ndarray  # person index of the twin, -1
    namesake: np.ndarray  # person index of the unrelated namesake, -1
    father_namesake: np.ndarray  # True for a son with his father's name


@dataclass
class _Households:
    legacy: np.ndarray
    commune: np.ndarray
    street: pa.Array  # "K12/5 Trần Cao Vân", "Thôn Phú Thạnh"
    previous: np.ndarray  # household index whose address older records show (itself mostly)


def _generation_codes(birth_years: np.ndarray) -> np.ndarray:
    cuts = np.array([cut for cut, _ in GENERATIONS])
    return np.searchsorted(cuts, birth_years, side="left")


def _draw_names(rng, book: _NameBook, female: np.ndarray, birth_years: np.ndarray):
    """Middle and given name codes for people of these genders and birth years."""
    n = len(female)
    middle = np.zeros(n, dtype=np.int32)
    given = np.zeros(n, dtype=np.int32)
    generation = _generation_codes(birth_years)
    for g, (_, generation_name) in enumerate(GENERATIONS):
        for is_female, gender in ((False, MALE), (True, FEMALE)):
            rows = np.flatnonzero((generation == g) & (female == is_female))
            if not len(rows):
                continue
            codes, weights = book.middle[gender, generation_name]
            middle[rows] = codes[rng.choice(len(codes), size=len(rows), p=weights)]
            codes, weights = book.given[gender, generation_name]
            given[rows] = codes[rng.choice(len(codes), size=len(rows), p=weights)]
            compound = rows[rng.random(len(rows)) < COMPOUND_GIVEN_SHARE[generation_name]]
            codes, weights = book.compound[gender]
            middle[compound] = 0
            given[compound] = codes[rng.choice(len(codes), size=len(compound), p=weights)]
    middle[middle == given] = 0  # "Ngọc Ngọc": no one is named so
    return middle, given


def _draw_family(rng, book: _NameBook, n: int) -> np.ndarray:
    codes, weights = book.family
    return codes[rng.choice(len(codes), size=n, p=weights)].astype(np.int32)


def _years(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _unique_serials(rng, groups: np.ndarray, modulus: int) -> np.ndarray:
    """A serial number per row, distinct within each group (while a group has fewer than
    `modulus` rows): the rank within the group through a random affine permutation."""
    _, group_codes = np.unique(groups, return_inverse=True)
    order = np.argsort(group_codes.astype(np.int64) << 32 | rng.integers(0, 2**32, len(groups)),
                       kind="stable")
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(sorted_groups[1:] != sorted_groups[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(groups)])
    rank = np.arange(len(groups)) - np.repeat(starts, counts)
    multiplier = int(rng.integers(1, modulus // 7)) * 7 + 3
    multiplier |= 1  # odd: adding 2 then reaches a number coprime to 10**k
    while np.gcd(multiplier, modulus) != 1:
        multiplier += 2
    offset = np.repeat(rng.integers(0, modulus, size=len(starts)), counts)
    serial = np.empty(len(groups), dtype=np.int64)
    serial[order] = (rank * multiplier + offset) % modulus
    return serial


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def _join(parts, separator: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, separator, null_handling="skip")


def _households(rng, units: SynthUnits, count: int) -> _Households:
    legacy = rng.choice(len(units.legacy_codes), size=count, p=np.array(units.legacy_weights))
    # The new commune: the successor of the old one (one of them, when it was split).
    successions = np.array(units.successions, dtype=float)
    order = np.lexsort((successions[:, 1], successions[:, 0]))
    successions = successions[order]
    starts = np.searchsorted(successions[:, 0], np.arange(len(units.legacy_codes)))
    cumulative = np.zeros(len(successions))
    for i in range(len(units.legacy_codes)):  # a loop over old communes, not people
        end = starts[i + 1] if i + 1 < len(starts) else len(successions)
        weights = successions[starts[i]:end, 2]
        cumulative[starts[i]:end] = np.cumsum(weights) / weights.sum()
    pick = rng.random(count)
    commune = np.empty(count, dtype=np.int64)
    for i in range(len(units.legacy_codes)):
        end = starts[i + 1] if i + 1 < len(starts) else len(successions)
        rows = np.flatnonzero(legacy == i)
        chosen = np.searchsorted(cumulative[starts[i]:end], pick[rows], side="right")
        commune[rows] = successions[starts[i]:end, 1][np.minimum(chosen, end - starts[i] - 1)]
    previous = np.arange(count)
    moved = np.flatnonzero(rng.random(count) < MOVED_SHARE)
    previous[moved] = rng.integers(0, count, size=len(moved))
    return _Households(legacy=legacy, commune=commune,
                       street=_street_parts(rng, units, commune), previous=previous)


def _street_parts(rng, units: SynthUnits, commune: np.ndarray) -> pa.Array:
    """House number and street in wards, village (thôn) or residential group in communes."""
    count = len(commune)
    streets = sorted({*COMMON_STREETS, *(s for group in STREETS_BY_WARD.values() for s in group)})
    street_index = {name: i for i, name in enumerate(streets)}
    flat, starts, lengths = [], [], []
    for short_name in units.commune_short_names:
        own = STREETS_BY_WARD.get(fold(short_name)) or COMMON_STREETS
        starts.append(len(flat))
        lengths.append(len(own))
        flat.extend(street_index[name] for name in own)
    flat, starts, lengths = np.array(flat), np.array(starts), np.array(lengths)
    has_list = np.array([fold(name) in STREETS_BY_WARD for name in units.commune_short_names])
    is_ward = np.array(units.commune_is_ward)[commune]

    chosen = flat[starts[commune] + (rng.random(count) * lengths[commune]).astype(np.int64)]
    street = pc.take(pa.array(streets, pa.string()), pa.array(chosen))
    number = rng.integers(1, 421, size=count)
    roll = rng.random(count)
    alley = _join([pa.scalar("K"), _digits(number, 1), pa.scalar("/"),
                   _digits(rng.integers(1, 61, size=count), 1)])
    branch = _join([alley, pa.scalar("/"), _digits(rng.integers(1, 21, size=count), 1)])
    alley = pc.if_else(pa.array(rng.random(count) < 0.2), branch, alley)
    lettered = _join([_digits(number, 1), pc.take(pa.array(["A", "B", "C"]),
                                                  pa.array(rng.integers(0, 3, size=count)))])
    house = pc.if_else(pa.array(roll < 0.35), alley,
                       pc.if_else(pa.array(roll < 0.45), lettered, _digits(number, 1)))
    on_street = _join([house, street], " ")

    group_names = pa.array(RESIDENTIAL_GROUP_NAMES, pa.string())
    group = pc.if_else(
        pa.array(rng.random(count) < 0.5),
        _join([pa.scalar("Tổ dân phố "), pc.take(group_names, pa.array(
            rng.integers(0, len(RESIDENTIAL_GROUP_NAMES), size=count)))]),
        _join([pa.scalar("Tổ "), _digits(rng.integers(1, 41, size=count), 1)]))
    villages = pa.array(VILLAGE_NAMES, pa.string())
    village = pc.if_else(
        pa.array(rng.random(count) < 0.45),
        _join([pa.scalar("Thôn "), _digits(rng.integers(1, 13, size=count), 1)]),
        _join([pa.scalar("Thôn "), pc.take(villages, pa.array(
            rng.integers(0, len(VILLAGE_NAMES), size=count)))]))
    ward_street = has_list[commune] | (rng.random(count) < 0.55)
    return pc.if_else(pa.array(is_ward & ward_street), on_street,
                      pc.if_else(pa.array(is_ward), group, village))


def _age_days(rng, count: int, *, min_band: int = 0, max_band: int = 19) -> np.ndarray:
    weights = np.array(AGE_BAND_WEIGHTS, dtype=float)
    weights[:min_band] = 0
    weights[max_band + 1:] = 0
    band = rng.choice(len(weights), size=count, p=weights / weights.sum())
    return ((band * 5 + rng.random(count) * 5) * 365.25).astype(np.int64)


def _population(rng, units: SynthUnits, people: int, book: _NameBook):
    sizes = rng.choice(HOUSEHOLD_SIZES, size=people // 2 + 2, p=HOUSEHOLD_SIZE_SHARES)
    ends = np.cumsum(sizes)
    household_count = int(np.searchsorted(ends, people) + 1)
    sizes = sizes[:household_count].copy()
    sizes[-1] -= ends[household_count - 1] - people
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    households = _households(rng, units, household_count)

    household = np.repeat(np.arange(household_count), sizes)
    position = np.arange(people) - starts[household]
    size = sizes[household]
    has_grandmother = (sizes >= 5) & (rng.random(household_count) < GRANDMOTHER_SHARE)
    role = np.full(people, ROLE_CHILD)
    role[position == 0] = ROLE_HEAD
    role[(position == 0) & (size == 1)] = ROLE_SINGLE
    role[position == 1] = ROLE_SPOUSE
    role[has_grandmother[household] & (position == size - 1)] = ROLE_GRANDMOTHER

    reference = (REFERENCE_DATE - EPOCH).days
    # Heads by the pyramid from 20; their wives about three years younger; children born to
    # their mother between 18 and 42, most often in her late twenties; the husband's mother
    # 20–32 years older than him.
    # Couples with children are rarely under 25 (most children are born to mothers of 25–35).
    head_age = _age_days(rng, household_count, min_band=4)
    with_children = sizes >= 3
    head_age[with_children] = _age_days(rng, int(with_children.sum()), min_band=5)
    head_age = np.where(has_grandmother, np.minimum(head_age, 66 * 365), head_age)
    age = np.zeros(people, dtype=np.int64)
    age[starts] = head_age
    spouse_age = head_age - (rng.normal(3, 3, household_count) * 365.25).astype(np.int64)
    spouse_age = np.clip(spouse_age, 18 * 365, None)
    spouses = np.flatnonzero(role == ROLE_SPOUSE)
    age[spouses] = spouse_age[household[spouses]]
    children = np.flatnonzero(role == ROLE_CHILD)
    mother_age = spouse_age[household[children]]
    gap = 18 * 365 + rng.beta(2.0, 2.5, len(children)) * (np.minimum(mother_age, 42 * 365)
                                                           - 18 * 365)
    age[children] = mother_age - gap.astype(np.int64)
    grandmothers = np.flatnonzero(role == ROLE_GRANDMOTHER)
    age[grandmothers] = np.minimum(
        head_age[household[grandmothers]] + rng.integers(20 * 365, 32 * 365, len(grandmothers)),
        99 * 365)
    birth_days = reference - np.maximum(age, 0)

    female = np.zeros(people, dtype=bool)
    female[role == ROLE_SPOUSE] = True
    female[role == ROLE_GRANDMOTHER] = True
    female[role == ROLE_SINGLE] = rng.random(int((role == ROLE_SINGLE).sum())) < 0.55
    female[children] = rng.random(len(children)) < 0.488  # 105 boys for 100 girls at birth

    family = _draw_family(rng, book, people)
    middle, given = _draw_names(rng, book, female, _years(birth_days))

    namesake = _inject_namesakes(rng, role, female, households.legacy[household], family,
                                 middle, given, birth_days)
    head_of = starts[household]
    family[children] = family[head_of[children]]
    twin = _inject_twins(rng, role, position, household, starts, sizes, female, middle, given,
                         birth_days, book)
    father_namesake = (role == ROLE_CHILD) & (position == 2) & ~female \
        & (rng.random(people) < FATHER_NAMESAKE_SHARE) & (twin < 0)
    middle[father_namesake] = middle[head_of[father_namesake]]
    given[father_namesake] = given[head_of[father_namesake]]

    father_id = np.full(people, -1)
    mother_id = np.full(people, -1)
    father_id[children] = head_of[children]
    mother_id[children] = head_of[children] + 1
    heads = np.flatnonzero((role == ROLE_HEAD) & has_grandmother[household])
    mother_id[heads] = starts[household[heads]] + sizes[household[heads]] - 1
    father, mother = _parent_names(rng, book, family, birth_days, father_id, mother_id,
                                   middle, given)

    birth_province = _birth_provinces(rng, units, households.legacy[household], role)
    national_id, old_id = _identity_numbers(rng, units, birth_province, female, birth_days,
                                            households.legacy[household])
    phone, before_2018, previous_phone = _phones(rng, reference - birth_days)
    return _People(
        household=household, role=role, female=female, birth_days=birth_days, family=family,
        middle=middle, given=given, father=father, mother=mother, father_id=father_id,
        mother_id=mother_id, national_id=national_id, old_id=old_id, phone=phone,
        phone_before_2018=before_2018, previous_phone=previous_phone,
        legacy=households.legacy[household], commune=households.commune[household], twin=twin,
        namesake=namesake, father_namesake=father_namesake,
    ), households


def _inject_namesakes(rng, role, female, legacy, family, middle, given, birth_days):
    """Some heads get the full name and birth year of another head of their commune (an
    unrelated person): a namesake that only the birth date, address or parents tell apart."""
    namesake = np.full(len(role), -1)
    heads = np.flatnonzero(role == ROLE_HEAD)
    order = heads[np.lexsort((rng.random(len(heads)), female[heads], legacy[heads]))]
    first, second = order[:-1:2], order[1::2]
    same_place = (legacy[first] == legacy[second]) & (female[first] == female[second])
    chosen = same_place & (rng.random(len(first)) < NAMESAKE_SHARE)
    a, b = first[chosen], second[chosen]
    family[b], middle[b], given[b] = family[a], middle[a], given[a]
    day_of_year = np.minimum(birth_days[b] - _year_start(_years(birth_days[b])), 364)
    birth_days[b] = _year_start(_years(birth_days[a])) + day_of_year
    namesake[a], namesake[b] = b, a
    return namesake


def _year_start(years: np.ndarray) -> np.ndarray:
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _inject_twins(rng, role, position, household, starts, sizes, female, middle, given,
                  birth_days, book):
    """The first two children of some families are twins: same birth date, same parents, often
    the same middle name, always another given name."""
    twin = np.full(len(role), -1)
    first_child = starts + 2
    child_count = np.bincount(household[role == ROLE_CHILD], minlength=len(starts))
    candidates = np.flatnonzero((child_count >= 2) & (rng.random(len(starts)) < TWIN_SHARE))
    a, b = first_child[candidates], first_child[candidates] + 1
    birth_days[b] = birth_days[a]
    female[b] = np.where(rng.random(len(b)) < 0.65, female[a], ~female[a])
    same_middle = rng.random(len(b)) < 0.7
    middle[b[same_middle]] = middle[a[same_middle]]
    redrawn_middle, redrawn_given = _draw_names(rng, book, female[b], _years(birth_days[b]))
    given[b] = redrawn_given
    middle[b[~same_middle]] = redrawn_middle[~same_middle]
    clash = book.call_name[given[b]] == book.call_name[given[a]]
    given[b[clash]] = _next_given(book, female[b[clash]], _years(birth_days[b[clash]]),
                                  given[b[clash]])
    twin[a], twin[b] = b, a
    return twin


def _next_given(book: _NameBook, female, years, given):
    """Another given name of the same generation list (the next one, cyclically)."""
    result = given.copy()
    generation = _generation_codes(years)
    for i in range(len(given)):  # a few hundred twins with one name, not people
        gender = FEMALE if female[i] else MALE
        codes, _ = book.given[gender, GENERATIONS[generation[i]][1]]
        others = codes[book.call_name[codes] != book.call_name[given[i]]]
        result[i] = others[given[i] % len(others)]
    return result


def _parent_names(rng, book, family, birth_days, father_id, mother_id, middle, given):
    """Name codes (family, middle, given) of each person's father and mother: copied from the
    parent in the data, drawn for parents who are not (same family name as the child's for
    the father, any for the mother)."""
    n = len(family)
    parent_years = _years(birth_days) - 28
    father = np.empty((n, 3), dtype=np.int32)
    mother = np.empty((n, 3), dtype=np.int32)
    father[:, 0] = family
    father[:, 1], father[:, 2] = _draw_names(rng, book, np.zeros(n, dtype=bool), parent_years)
    mother[:, 0] = _draw_family(rng, book, n)
    mother[:, 1], mother[:, 2] = _draw_names(rng, book, np.ones(n, dtype=bool), parent_years)
    for parent, ids in ((father, father_id), (mother, mother_id)):
        known = np.flatnonzero(ids >= 0)
        parent[known] = np.stack([family, middle, given], axis=1)[ids[known]]
    return father, mother


def _birth_provinces(rng, units: SynthUnits, legacy, role) -> np.ndarray:
    """3-digit CCCD province codes: children mostly born where they live, adults by the
    demo's migration weights."""
    home = np.array([f"0{code}" for code in units.legacy_province_codes])[legacy]
    result = home.copy()
    adults = role != ROLE_CHILD
    for code in np.unique(home):
        pairs = BIRTH_PROVINCE_WEIGHTS.get(code) or (
            (code, 85.0), *((other, weight) for other, weight in BIRTH_PROVINCE_WEIGHTS[DA_NANG]
                            if other not in (DA_NANG, QUANG_NAM, code)))
        codes = np.array([c for c, _ in pairs])
        weights = np.array([w for _, w in pairs], dtype=float)
        rows = np.flatnonzero((home == code) & adults)
        result[rows] = codes[rng.choice(len(codes), size=len(rows), p=weights / weights.sum())]
        kids = np.flatnonzero((home == code) & ~adults & (rng.random(len(home)) < 0.05))
        result[kids] = codes[rng.choice(len(codes), size=len(kids), p=weights / weights.sum())]
    return result


def _identity_numbers(rng, units, birth_province, female, birth_days, legacy):
    years = _years(birth_days)
    century_digit = np.where(years >= 2000, 2, 0) + female.astype(int)
    prefix = birth_province.astype(np.int64) * 1000 + century_digit * 100 + years % 100
    serial = _unique_serials(rng, prefix, 1_000_000)
    national_id = _digits(prefix * 1_000_000 + serial, 12)
    # The 9-digit CMND: people of 14 before the 2016 citizen card, by the province of residence.
    residence = np.array(units.legacy_province_codes)[legacy]
    cmnd_prefix = np.zeros(len(years), dtype=np.int64)
    for code in np.unique(residence):
        options = np.array([int(option) for option in CMND_PREFIXES.get(code, (f"2{code}",))])
        rows = np.flatnonzero(residence == code)
        cmnd_prefix[rows] = options[rng.integers(0, len(options), size=len(rows))]
    cmnd_serial = _unique_serials(rng, cmnd_prefix, 1_000_000)
    old_id = _digits(cmnd_prefix * 1_000_000 + cmnd_serial, 9)
    old_id = pc.if_else(pa.array(years <= 2002), old_id, pa.nulls(len(years), pa.string()))
    return national_id, old_id


def _phones(rng, age_days):
    n = len(age_days)
    prefixes = np.array([prefix for prefix, _ in PHONE_PREFIXES])
    weights = np.array([weight for _, weight in PHONE_PREFIXES], dtype=float)
    prefix = rng.choice(len(prefixes), size=n, p=weights / weights.sum())
    numeric = prefixes.astype(np.int64)[prefix] * 10_000_000 \
        + _unique_serials(rng, prefix, 10_000_000)
    number = _digits(numeric, 10)
    owner = (age_days >= 15 * 365) & (rng.random(n) < PHONE_OWNER_SHARE)
    phone = pc.if_else(pa.array(owner), number, pa.nulls(n, pa.string()))
    before_2018 = (age_days >= 23 * 365) & (rng.random(n) < PHONE_BEFORE_2018_SHARE)
    other = prefixes.astype(np.int64)[rng.choice(len(prefixes), size=n, p=weights / weights.sum())]
    previous = _digits(other * 10_000_000 + rng.integers(0, 10_000_000, size=n), 10)
    previous = pc.if_else(pa.array(owner & (rng.random(n) < CHANGED_PHONE_SHARE)), previous,
                          phone)
    return phone, before_2018, previous


# --- noise and sources ------------------------------------------------------------------------

@dataclass(frozen=True)
class Noise:
    """Shares of a source's rows that get each kind of damage (on top of the source's own
    formats, which both levels keep)."""

    typo: float  # one edit (substitute, delete, insert, transpose) in the family or given name
    parent_typo: float
    no_marks: float  # typed without tone marks: name, parents and address
    swapped_date: float  # written month first (only where the day is 12 or less)
    date_typo: float  # a wrong day of the month
    missing: float  # each optional field left blank
    digit_typo: float  # one wrong or swapped digit in the ID or phone number
    name_order: float  # "Văn An Nguyễn", or middle and given name in one field
    legacy_font: float  # rows of the legacy-font source stored through VNI-Windows
    duplicate: float  # the same person entered twice in one source
    stale_address: float  # the newest source still holding the old address
    old_phone: float  # added to each source's share of pre-2018 11-digit numbers


NOISE = {
    "easy": Noise(typo=0.01, parent_typo=0.01, no_marks=0.02, swapped_date=0.0, date_typo=0.002,
                  missing=0.01, digit_typo=0.002, name_order=0.0, legacy_font=0.0,
                  duplicate=0.01, stale_address=0.02, old_phone=0.0),
    "hard": Noise(typo=0.08, parent_typo=0.06, no_marks=0.12, swapped_date=0.05, date_typo=0.01,
                  missing=0.08, digit_typo=0.02, name_order=0.04, legacy_font=0.12,
                  duplicate=0.03, stale_address=0.3, old_phone=0.15),
}

FULL, SPLIT = "full", "split"
OLD_ABBREVIATED, OLD_FULL, NEW = "old_abbreviated", "old_full", "new"


@dataclass(frozen=True)
class SourceSpec:
    """How one old system wrote people down."""

    code: str
    name: str
    system: str
    encoding: str
    key_column: str
    key_prefix: str
    columns: tuple[tuple[str, str], ...]  # (canonical field, the source's column), in order
    date_format: str
    updated_format: str
    updated_between: tuple[date, date]
    gender_codes: tuple[str, str]  # male, female
    address_style: str
    coverage: float  # of people alive and born when the source was last updated
    child_coverage: float  # of those under 15
    adult_coverage: float | None = None  # None: as `coverage`
    child_ages: tuple[int, int] = (0, 15)
    upper_case: bool = False
    cmnd_share: float = 0.0  # CMND holders written with their old 9-digit number
    old_phone_share: float = 0.0  # pre-2018 numbers written in their 11-digit form
    phone_styles: bool = False  # +84…, spaces and dots
    parent_phone_for_children: bool = False
    previous_details: bool = False  # shows previous addresses and phone numbers
    legacy_font: bool = False
    no_marks_factor: float = 1.0
    year_only_before: int = 0  # birth years before this are sometimes written as the year only
    household_digits: int = 0  # 0: no household number

    @property
    def name_style(self) -> str:
        fields = dict(self.columns)
        return SPLIT if "given_name" in fields else FULL


SOURCES = (
    SourceSpec(
        code="QNA-BHYT2019", name="Người tham gia BHYT (BHXH Quảng Nam, 2019)",
        system="Oracle 11g export", encoding="cp1258", key_column="MA_THE", key_prefix="GD4",
        columns=(("full_name", "HO_TEN"), ("birth_date", "NGAY_SINH"),
                 ("gender", "GIOI_TINH"), ("national_id", "SO_CMND"),
                 ("phone", "DIEN_THOAI"), ("address", "DIA_CHI"),
                 ("household_ref", "MA_HO_GD"), ("updated_at", "NGAY_CAP_NHAT")),
        date_format="%d/%m/%Y", updated_format="%d/%m/%Y",
        updated_between=(date(2015, 1, 1), date(2019, 6, 30)), gender_codes=("1", "0"),
        address_style=OLD_ABBREVIATED, coverage=0.85, child_coverage=0.9, upper_case=True,
        cmnd_share=0.7, old_phone_share=0.8, parent_phone_for_children=True,
        previous_details=True, year_only_before=1950, household_digits=10,
    ),
    SourceSpec(
        code="DNG-DC2022", name="Sổ đăng ký cư trú (đồng bộ CSDL dân cư, 2022)",
        system="SQL Server 2012 export", encoding="utf-8-sig", key_column="ID_CONG_DAN",
        key_prefix="", columns=(
            ("family_name", "Ho"), ("middle_name", "TenDem"), ("given_name", "Ten"),
            ("birth_date", "NgaySinh"), ("gender", "GioiTinh"),
            ("national_id", "SoDinhDanh"), ("phone", "SoDienThoai"),
            ("address", "DiaChiThuongTru"), ("father_name", "HoTenCha"),
            ("mother_name", "HoTenMe"), ("household_ref", "SoHoKhau"),
            ("updated_at", "NgayCapNhat")),
        date_format="%Y%m%d", updated_format="%Y-%m-%d %H:%M:%S",
        updated_between=(date(2021, 1, 1), date(2022, 12, 31)), gender_codes=("Nam", "Nữ"),
        address_style=OLD_FULL, coverage=0.9, child_coverage=0.9, cmnd_share=0.15,
        old_phone_share=0.1, legacy_font=True, household_digits=9,
    ),
    SourceSpec(
        code="DNG-DVC2025", name="Tài khoản Cổng dịch vụ công của tỉnh mới (2025)",
        system="MySQL 8 dump", encoding="utf-8", key_column="account_id", key_prefix="u",
        columns=(("full_name", "ho_ten"), ("birth_date", "ngay_sinh"),
                 ("gender", "gioi_tinh"), ("national_id", "so_cccd"),
                 ("phone", "so_dien_thoai"), ("address", "dia_chi"),
                 ("updated_at", "cap_nhat_luc")),
        date_format="%Y-%m-%d", updated_format="%Y-%m-%dT%H:%M:%S",
        updated_between=(date(2025, 7, 1), date(2026, 9, 30)), gender_codes=("nam", "nu"),
        address_style=NEW, coverage=0.8, child_coverage=0.25, phone_styles=True,
        no_marks_factor=2.0,
    ),
    SourceSpec(
        code="QNA-GD2020", name="Hồ sơ học sinh (CSDL ngành giáo dục, 2020)",
        system="MySQL 5.7 export", encoding="utf-8", key_column="MaHocSinh", key_prefix="HS",
        columns=(("full_name", "HoTenHS"), ("birth_date", "NgaySinh"),
                 ("gender", "GioiTinh"), ("national_id", "MaDinhDanh"),
                 ("phone", "DienThoaiPH"), ("address", "DiaChi"),
                 ("father_name", "HoTenBo"), ("mother_name", "HoTenMe"),
                 ("updated_at", "NgayCapNhat")),
        date_format="%-d/%-m/%Y", updated_format="%d/%m/%Y",
        updated_between=(date(2019, 8, 1), date(2020, 6, 30)), gender_codes=("M", "F"),
        address_style=OLD_FULL, coverage=0.0, adult_coverage=0.0, child_coverage=0.9,
        child_ages=(3, 19), parent_phone_for_children=True, previous_details=True,
    ),
    SourceSpec(
        code="DNG-HT2010", name="Sổ hộ tịch (2010)", system="FoxPro tables",
        encoding="utf-8", key_column="SO_DK", key_prefix="HT",
        columns=(("full_name", "HOTEN"), ("birth_date", "NGAYSINH"), ("gender", "GIOITINH"),
                 ("national_id", "CMND"), ("phone", "DIENTHOAI"), ("address", "DIACHI"),
                 ("father_name", "HOTENCHA"), ("mother_name", "HOTENME"),
                 ("updated_at", "NGAYCN")),
        date_format="%d-%m-%y", updated_format="%d-%m-%Y",
        updated_between=(date(2008, 1, 1), date(2010, 12, 31)), gender_codes=("Nam", "Nu"),
        address_style=OLD_ABBREVIATED, coverage=0.6, child_coverage=0.6, cmnd_share=0.9,
        old_phone_share=0.95, previous_details=True,
    ),
)
MAX_SOURCES = len(SOURCES)


@dataclass(frozen=True, eq=False)
class SynthSource:
    code: str
    name: str
    system: str
    table: pa.Table  # the source's own columns, all strings
    key_column: str
    mapping: dict[str, str]  # canonical field → the source's column
    date_format: str
    encoding: str

    def record_keys(self) -> pa.Array:
        keys = self.table.column(self.key_column).combine_chunks()
        return _join([pa.scalar(f"{self.code}:"), keys])


@dataclass(frozen=True, eq=False)
class SynthData:
    sources: list[SynthSource]
    truth: pa.Table  # record_key, person_id
    people: pa.Table  # one row per generated person, with the hard-negative links
    noise: str
    seed: int
    province_code: str

    def write(self, directory: Path | str) -> list[Path]:
        """One CSV per source in its own encoding (and an .xlsx when it is small), the truth,
        and a manifest of each source's key column, mapping, date format and encoding."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for source in self.sources:
            path = directory / f"{source.code}.csv"
            _write_csv(source.table, path, source.encoding)
            paths.append(path)
            if source.table.num_rows <= XLSX_MAX_ROWS:
                path = directory / f"{source.code}.xlsx"
                _write_xlsx(source.table, path)
                paths.append(path)
        path = directory / "truth.csv"
        _write_csv(self.truth, path, "utf-8")
        paths.append(path)
        path = directory / "manifest.json"
        path.write_text(json.dumps({
            "province": self.province_code, "noise": self.noise, "seed": self.seed,
            "people": self.people.num_rows,
            "sources": [{"code": s.code, "name": s.name, "system": s.system,
                         "file": f"{s.code}.csv", "encoding": s.encoding,
                         "key_column": s.key_column, "date_format": s.date_format,
                         "mapping": s.mapping, "rows": s.table.num_rows}
                        for s in self.sources],
        }, ensure_ascii=False, indent=2), encoding="utf-8")
        paths.append(path)
        return paths


def generate(people: int, *, sources: int = 3, noise: str = "easy", seed: int = 0,
             units: SynthUnits) -> SynthData:
    """`people` residents of the merged province written down by `sources` old systems."""
    if noise not in NOISE:
        raise SynthError(_noise_message(), code="synth_noise")
    if not 1 <= sources <= MAX_SOURCES or people < 10:
        raise SynthError(_size_message(), code="synth_size")
    rng = np.random.default_rng(seed)
    book = _NameBook()
    population, households = _population(rng, units, people, book)
    rendered = [_render(spec, population, households, units, NOISE[noise], book,
                        np.random.default_rng([seed, index]))
                for index, spec in enumerate(SOURCES[:sources])]
    truth = pa.table({
        "record_key": pa.concat_arrays([source.record_keys() for source, _ in rendered]),
        "person_id": pa.concat_arrays([pa.array(rows, pa.int64()) for _, rows in rendered]),
    })
    return SynthData(sources=[source for source, _ in rendered], truth=truth,
                     people=_people_table(population, book), noise=noise, seed=seed,
                     province_code=units.province_code)


def write_synth(people: int, sources: int, noise: str, seed: int, directory: Path | str,
                province_code: str | None = None) -> list[Path]:
    """What `haicap mdm synth` runs: generate from the database's units and write the files."""
    units = SynthUnits.from_database(province_code or DEFAULT_PROVINCE)
    data = generate(people, sources=sources, noise=noise, seed=seed, units=units)
    return data.write(directory)


def _noise_message() -> str:
    from django.utils.translation import gettext as _

    return _("Noise must be easy or hard.")


def _size_message() -> str:
    from django.utils.translation import gettext as _

    return _("Generate at least 10 people from 1 to 5 sources.")


def _people_table(population: _People, book: _NameBook) -> pa.Table:
    def name(codes) -> pa.Array:
        return _join([pc.take(book.vocabulary, pa.array(column)) for column in codes], " ")

    return pa.table({
        "person_id": pa.array(np.arange(len(population.role)), pa.int64()),
        "household": pa.array(population.household, pa.int64()),
        "role": pa.array(population.role, pa.int8()),
        "gender": pc.take(pa.array([MALE, FEMALE]), pa.array(population.female.astype(np.int8))),
        "birth_date": pa.array(population.birth_days.astype(np.int32), pa.int32())
        .cast(pa.date32()),
        "full_name": name([population.family, population.middle, population.given]),
        "national_id": population.national_id,
        "old_id": population.old_id,
        "phone": population.phone,
        "legacy_commune": pa.array(population.legacy, pa.int32()),
        "commune": pa.array(population.commune, pa.int32()),
        "father_id": pa.array(population.father_id, pa.int64()),
        "mother_id": pa.array(population.mother_id, pa.int64()),
        "twin_of": pa.array(population.twin, pa.int64()),
        "namesake_of": pa.array(population.namesake, pa.int64()),
        "father_namesake": pa.array(population.father_namesake),
    })


# --- one source -------------------------------------------------------------------------------

def _render(spec: SourceSpec, people: _People, households: _Households, units: SynthUnits,
            noise: Noise, book: _NameBook, rng) -> tuple[SynthSource, np.ndarray]:
    rows = _covered_rows(spec, people, noise, rng)
    m = len(rows)
    columns: dict[str, pa.Array] = {}
    no_marks = rng.random(m) < noise.no_marks * spec.no_marks_factor
    legacy_font = (rng.random(m) < noise.legacy_font) if spec.legacy_font else np.zeros(m, bool)

    def finish_name(values: pa.Array) -> pa.Array:
        values = _where(values, no_marks, _strip_marks)
        values = _where(values, legacy_font, _vni_mojibake)
        return pc.utf8_upper(values) if spec.upper_case else values

    parts = [pc.take(book.vocabulary, pa.array(codes[rows]))
             for codes in (people.family, people.middle, people.given)]
    typo = rng.random(m) < noise.typo
    in_family = rng.random(m) < 0.3
    parts[0] = _where(parts[0], typo & in_family, lambda v: _edit(v, rng, NAME_LETTERS))
    parts[2] = _where(parts[2], typo & ~in_family, lambda v: _edit(v, rng, NAME_LETTERS))
    reordered = pa.array(rng.random(m) < noise.name_order)
    if spec.name_style == SPLIT:
        columns["family_name"] = finish_name(parts[0])
        columns["middle_name"] = finish_name(pc.if_else(reordered, pa.nulls(m, pa.string()),
                                                        parts[1]))
        columns["given_name"] = finish_name(pc.if_else(reordered, _join(parts[1:], " "),
                                                       parts[2]))
    else:
        columns["full_name"] = finish_name(pc.if_else(
            reordered, _join([parts[1], parts[2], parts[0]], " "), _join(parts, " ")))

    columns["birth_date"] = _birth_dates(spec, people.birth_days[rows], noise, rng)
    columns["gender"] = _blank(pc.take(pa.array(spec.gender_codes),
                                       pa.array(people.female[rows].astype(np.int8))),
                               noise.missing / 2, rng)
    columns["national_id"] = _national_ids(spec, people, rows, noise, rng)
    columns["phone"] = _phone_numbers(spec, people, rows, noise, rng)
    columns["address"] = _blank(_where(_addresses(spec, people, households, units, rows, noise,
                                                  rng), no_marks, _strip_marks),
                                noise.missing, rng)
    for parent, codes in (("father_name", people.father), ("mother_name", people.mother)):
        names = [pc.take(book.vocabulary, pa.array(codes[rows, i])) for i in range(3)]
        names[2] = _where(names[2], rng.random(m) < noise.parent_typo,
                          lambda v: _edit(v, rng, NAME_LETTERS))
        columns[parent] = _blank(finish_name(_join(names, " ")), 0.03 + noise.missing, rng)
    if spec.household_digits:
        modulus = 10 ** spec.household_digits
        multiplier = _coprime(rng, modulus)
        number = (people.household[rows] * multiplier + int(rng.integers(modulus))) % modulus
        columns["household_ref"] = _blank(_digits(number, spec.household_digits),
                                          noise.missing, rng)
    columns["updated_at"] = _updated(spec, m, rng)

    keys = np.arange(m) + 1 if spec.key_prefix == "" else rng.permutation(m) + 10 ** 7
    key_values = _join([pa.scalar(spec.key_prefix), _digits(keys, 1)]) if spec.key_prefix \
        else _digits(keys, 1)
    table = pa.table({spec.key_column: key_values,
                      **{column: columns[canonical] for canonical, column in spec.columns}})
    source = SynthSource(code=spec.code, name=spec.name, system=spec.system, table=table,
                         key_column=spec.key_column, mapping=dict(spec.columns),
                         date_format=spec.date_format, encoding=spec.encoding)
    return source, rows


def _covered_rows(spec: SourceSpec, people: _People, noise: Noise, rng) -> np.ndarray:
    """Who the source holds (born before it was last updated, by its coverage of children and
    adults), a few of them twice, in the source's own order."""
    last_update = (spec.updated_between[1] - EPOCH).days
    age = last_update - people.birth_days
    low, high = spec.child_ages
    child = (age >= low * 365) & (age < high * 365)
    adult = age >= high * 365
    adult_coverage = spec.coverage if spec.adult_coverage is None else spec.adult_coverage
    draw = rng.random(len(age))
    covered = (child & (draw < spec.child_coverage)) | (adult & (draw < adult_coverage))
    rows = np.flatnonzero(covered)
    twice = rows[rng.random(len(rows)) < noise.duplicate]
    rows = np.concatenate([rows, twice])
    rng.shuffle(rows)
    return rows


def _coprime(rng, modulus: int) -> int:
    multiplier = int(rng.integers(modulus // 3, modulus)) | 1
    while np.gcd(multiplier, modulus) != 1:
        multiplier += 2
    return multiplier


def _where(values: pa.Array, mask: np.ndarray, change) -> pa.Array:
    """`values` with `change` applied to the rows of `mask` only."""
    chosen = np.flatnonzero(mask)
    if not len(chosen):
        return values
    changed = change(pc.take(values, pa.array(chosen)))
    return pc.replace_with_mask(values, pa.array(mask), changed.cast(values.type))


def _blank(values: pa.Array, share: float, rng) -> pa.Array:
    if share <= 0:
        return values
    return pc.if_else(pa.array(rng.random(len(values)) < share),
                      pa.nulls(len(values), values.type), values)


NAME_LETTERS = "aăâeêioôơuưydđnhtgcmlsrvkpáàảãạéèíìóòúùýớờ"
DIGITS = "0123456789"


def _edit(values: pa.Array, rng, alphabet: str, *, keep_length: bool = False) -> pa.Array:
    """One single-character edit per value — substitution, deletion, insertion or
    transposition, the operations an edit distance counts — done on a UCS-4 matrix."""
    text = np.array(pc.fill_null(values, "").to_numpy(zero_copy_only=False), dtype=str)
    if not len(text):
        return values
    width = max(text.dtype.itemsize // 4, 1) + 1
    codes = text.astype(f"<U{width}").view(np.uint32).reshape(len(text), width)
    lengths = np.char.str_len(text)
    n = len(text)
    operation = rng.integers(0, 2 if keep_length else 4, size=n)
    operation[lengths < 2] = 0
    position = (rng.random(n) * np.maximum(lengths, 1)).astype(np.int64)
    column = np.arange(width)[None, :]
    pos = position[:, None]
    op = operation[:, None]
    source = np.broadcast_to(column, (n, width)).copy()
    # 1 transposition: swap pos with its neighbour (the one before at the end of the word)
    pos_t = np.where(position >= lengths - 1, position - 1, position)[:, None]
    source = np.where((op == 1) & (column == pos_t), pos_t + 1, source)
    source = np.where((op == 1) & (column == pos_t + 1), pos_t, source)
    # 2 deletion: everything from pos moves one left
    source = np.where((op == 2) & (column >= pos), column + 1, source)
    # 3 insertion: everything after pos moves one right, a new letter at pos
    source = np.where((op == 3) & (column > pos), column - 1, source)
    result = np.take_along_axis(codes, np.minimum(source, width - 1), axis=1)
    letters = np.frombuffer(alphabet.encode("utf-32-le"), dtype=np.uint32)
    new_letter = letters[rng.integers(0, len(letters), size=n)]
    replace = (operation == 0) | (operation == 3)
    result[np.flatnonzero(replace), position[replace]] = new_letter[replace]
    same = (operation == 0) & (codes[np.arange(n), position] == new_letter)
    result[np.flatnonzero(same), position[same]] = letters[(np.searchsorted(
        np.sort(letters), new_letter[same]) + 1) % len(letters)]
    edited = result.view(f"<U{width}").reshape(n)
    return pc.if_else(pc.is_null(values), values, pa.array(edited, pa.string()))


def _strip_marks(values: pa.Array) -> pa.Array:
    """Typed without a Vietnamese keyboard: no tone or vowel marks, đ as d."""
    bare = pc.replace_substring_regex(pc.utf8_normalize(values, "NFD"), r"\p{Mn}", "")
    return pc.replace_substring(pc.replace_substring(bare, "đ", "d"), "Đ", "D")


# VNI-Windows: each vowel mark is a byte after the letter, shown by the VNI fonts; read as
# Windows-1252 those bytes are Latin letters. By mark: acute, grave, hook, tilde, dot below.
_VNI_TONES = "ùøûõï"
_VNI_CIRCUMFLEX = "âáàåãä"  # no tone, then by tone as above
_VNI_BREVE = "êéèúüë"
_VNI_I = "íìæóò"
_TONE_MARKS = "\u0301\u0300\u0309\u0303\u0323"


def _vni_table() -> dict[str, str]:
    table = {"đ": "ñ", "Đ": "Ñ", "ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö"}
    shapes = (("", None), ("\u0302", _VNI_CIRCUMFLEX), ("\u0306", _VNI_BREVE))
    for upper in (False, True):
        def case(text: str, upper: bool = upper) -> str:
            return text.upper() if upper else text

        for base in "aeouy":
            for shape, trail in shapes:
                if shape and (base not in "aeo" or (shape == "\u0306" and base != "a")):
                    continue
                if trail:
                    table[_compose(case(base) + shape)] = case(base + trail[0])
                for t, mark in enumerate(_TONE_MARKS):
                    letter = _compose(case(base) + shape + mark)
                    if base == "y" and mark == "\u0323":
                        table[letter] = case("î")
                    else:
                        table[letter] = case(base + (trail[t + 1] if trail else _VNI_TONES[t]))
        for t, mark in enumerate(_TONE_MARKS):
            table[_compose(case("i") + mark)] = case(_VNI_I[t])
            table[_compose(case("o") + "\u031b" + mark)] = case("ô" + _VNI_TONES[t])
            table[_compose(case("u") + "\u031b" + mark)] = case("ö" + _VNI_TONES[t])
    return table


def _compose(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_VNI = str.maketrans(_vni_table())


def vni_mojibake(text: str) -> str:
    """Vietnamese text as a VNI-Windows font stored it, read back as Windows-1252."""
    return _compose(text).translate(_VNI)


def _vni_mojibake(values: pa.Array) -> pa.Array:
    distinct = pc.unique(values)
    converted = pa.array([None if value is None else vni_mojibake(value)
                          for value in distinct.to_pylist()], pa.string())
    return pc.take(converted, pc.index_in(values, distinct))


def _birth_dates(spec: SourceSpec, birth_days: np.ndarray, noise: Noise, rng) -> pa.Array:
    m = len(birth_days)
    dates = birth_days.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    wrong_day = rng.random(m) < noise.date_typo
    days = np.where(wrong_day, (days + rng.integers(1, 27, size=m) - 1) % 28 + 1, days)
    swap = (rng.random(m) < noise.swapped_date) & (days <= 12) & (days != months)
    days, months = np.where(swap, months, days), np.where(swap, days, months)
    text = _format_dates(spec.date_format, years, months, days)
    if spec.year_only_before:
        year_only = (years < spec.year_only_before) & (rng.random(m) < 0.4)
        text = pc.if_else(pa.array(year_only), _digits(years, 4), text)
    return _blank(text, noise.missing / 4, rng)


def _format_dates(pattern: str, years, months, days, hours=None, minutes=None, seconds=None):
    """A strftime-like pattern (%d %m %Y %y %-d %-m %H %M %S) over integer components."""
    fields = {"%d": (days, 2), "%-d": (days, 1), "%m": (months, 2), "%-m": (months, 1),
              "%Y": (years, 4), "%y": (years % 100, 2), "%H": (hours, 2), "%M": (minutes, 2),
              "%S": (seconds, 2)}
    parts, i = [], 0
    while i < len(pattern):
        token = pattern[i:i + 3] if pattern.startswith("%-", i) else pattern[i:i + 2]
        if token in fields:
            values, width = fields[token]
            parts.append(_digits(values, width))
            i += len(token)
        else:
            parts.append(pa.scalar(pattern[i]))
            i += 1
    return _join(parts)


def _updated(spec: SourceSpec, m: int, rng) -> pa.Array:
    first, last = ((day - EPOCH).days for day in spec.updated_between)
    dates = rng.integers(first, last + 1, size=m).astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return _format_dates(spec.updated_format, years, months, days,
                         rng.integers(7, 18, size=m), rng.integers(0, 60, size=m),
                         rng.integers(0, 60, size=m))


def _national_ids(spec: SourceSpec, people: _People, rows, noise: Noise, rng) -> pa.Array:
    m = len(rows)
    cccd = pc.take(people.national_id, pa.array(rows))
    cmnd = pc.take(people.old_id, pa.array(rows))
    use_cmnd = pa.array(rng.random(m) < spec.cmnd_share)
    numbers = pc.if_else(pc.and_(use_cmnd, pc.is_valid(cmnd)), cmnd, cccd)
    numbers = _where(numbers, rng.random(m) < noise.digit_typo,
                     lambda v: _edit(v, rng, DIGITS, keep_length=True))
    # Some clerks grouped the digits: "048 090 012 345".
    grouped = rng.random(m) < (0.05 if spec.phone_styles else 0.0)
    numbers = _where(numbers, grouped, lambda v: pc.replace_substring_regex(
        v, r"^(\d{3})(\d{3})(\d{3})(\d{3})$", r"\1 \2 \3 \4"))
    return _blank(numbers, 0.02 + noise.missing, rng)


def _phone_numbers(spec: SourceSpec, people: _People, rows, noise: Noise, rng) -> pa.Array:
    m = len(rows)
    own = people.previous_phone if spec.previous_details else people.phone
    numbers = pc.take(own, pa.array(rows))
    if spec.parent_phone_for_children:
        parent = np.where(people.father_id[rows] >= 0, people.father_id[rows],
                          people.mother_id[rows])
        has_parent = pa.array(parent >= 0)
        parent_numbers = pc.take(own, pa.array(np.maximum(parent, 0)))
        numbers = pc.if_else(pc.and_(pc.is_null(numbers), has_parent), parent_numbers, numbers)
    before_2018 = people.phone_before_2018[rows]
    if spec.updated_between[1] < RENUMBERED:  # a system of before the renumbering: all old
        before_2018 = np.ones(m, dtype=bool)
    old = before_2018 & (rng.random(m) < min(spec.old_phone_share + noise.old_phone, 1.0))
    numbers = _where(numbers, old, _old_phone_form)
    numbers = _where(numbers, rng.random(m) < noise.digit_typo,
                     lambda v: _edit(v, rng, DIGITS, keep_length=True))
    if spec.phone_styles:
        style = rng.integers(0, 5, size=m)
        for code, pattern, replacement in (
                (1, r"^0(\d{3})(\d{3})(\d{3})$", r"+84\1\2\3"),
                (2, r"^0(\d{3})(\d{3})(\d{3})$", r"0\1 \2 \3"),
                (3, r"^0(\d{3})(\d{3})(\d{3})$", r"0\1.\2.\3"),
                (4, r"^0(\d{2})(\d{3})(\d{4})$", r"+84 \1 \2 \3")):
            numbers = _where(numbers, style == code,
                             lambda v, p=pattern, r=replacement: pc.replace_substring_regex(
                                 v, p, r))
    return _blank(numbers, noise.missing, rng)


def _old_phone_form(numbers: pa.Array) -> pa.Array:
    """The 11-digit number a pre-2018 subscriber had (unchanged when the prefix never moved)."""
    result = numbers
    for new, old in OLD_PHONE_PREFIX.items():
        result = pc.replace_substring_regex(result, f"^{new}", old)
    return result


def _addresses(spec, people: _People, households: _Households, units: SynthUnits, rows,
               noise: Noise, rng) -> pa.Array:
    household = people.household[rows]
    if spec.previous_details:
        household = households.previous[household]
    street = pc.take(households.street, pa.array(household))
    old_style = units.legacy_abbreviated if spec.address_style == OLD_ABBREVIATED \
        else units.legacy_full
    old = _join([street, pc.take(pa.array(old_style, pa.string()),
                                 pa.array(households.legacy[household]))], ", ")
    if spec.address_style != NEW:
        return old
    new = _join([street, pc.take(pa.array(units.commune_names, pa.string()),
                                 pa.array(households.commune[household])),
                 pa.scalar(units.province_name)], ", ")
    return pc.if_else(pa.array(rng.random(len(rows)) < noise.stale_address), old, new)


# --- files ------------------------------------------------------------------------------------

def _write_csv(table: pa.Table, path: Path, encoding: str) -> None:
    import pyarrow.csv as pacsv

    if encoding == "cp1258":
        table = pa.table({name: _windows_1258_form(column.combine_chunks())
                          for name, column in zip(table.column_names, table.columns, strict=True)})
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="needed"))
    data = sink.getvalue().to_pybytes()
    if encoding in ("utf-8", "utf-8-sig"):
        path.write_bytes(("\ufeff".encode() if encoding == "utf-8-sig" else b"") + data)
    else:
        path.write_bytes(data.decode("utf-8").encode(encoding))


# Windows-1258 has the letters with a vowel shape (â ă ê ô ơ ư) but writes tone marks as
# combining characters after them.
_SHAPED = (("a", "\u0302", "â"), ("A", "\u0302", "Â"), ("e", "\u0302", "ê"), ("E", "\u0302", "Ê"),
           ("o", "\u0302", "ô"), ("O", "\u0302", "Ô"), ("a", "\u0306", "ă"), ("A", "\u0306", "Ă"),
           ("o", "\u031b", "ơ"), ("O", "\u031b", "Ơ"), ("u", "\u031b", "ư"), ("U", "\u031b", "Ư"))


def _windows_1258_form(values: pa.Array) -> pa.Array:
    if not pa.types.is_string(values.type):
        return values
    text = pc.utf8_normalize(values, "NFD")
    for base, shape, letter in _SHAPED:
        text = pc.replace_substring_regex(text, f"{base}(\u0323?){shape}", f"{letter}\\1")
    # Latin-1 letters the Windows-1258 code page keeps precomposed (ñ ö ü, from VNI text).
    for letter in "ñÑöÖüÜäÄëËïÏåÅæÆøØéÉèÈáÁàÀíÍóÓúÚùÙûÛîÎ":
        if len(unicodedata.normalize("NFD", letter)) > 1:
            try:
                letter.encode("cp1258")
            except UnicodeEncodeError:
                continue
            text = pc.replace_substring(text, unicodedata.normalize("NFD", letter), letter)
    return text


def _write_xlsx(table: pa.Table, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(table.column_names)
    for batch in table.to_batches(10_000):
        for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
            sheet.append(row)
    workbook.save(path)
