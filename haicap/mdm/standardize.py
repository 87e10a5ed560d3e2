"""Standardizing mapped person records before matching: names, dates, gender, identifiers, phones
and addresses in one form, every change recorded per field with a stable rule code.

The work is columnar: pyarrow.compute over the Arrow columns (rows keep their order; each
distinct value is looked up with ``index_in`` and ``take``), and Python only on *distinct* values
(a name, a date as written, an address) — a million people have far fewer distinct names and
dates than records. The scalar readers (``read_name``, ``read_date``, ``read_gender``, and
``identifiers.read_phone`` / ``read_national_id``) are what the bulk path applies to those
distinct values. Values already in standard form (an ISO or dd/mm/yyyy date, a current phone
number with or without +84, a well-formed CCCD, a 9-digit CMND, an old 11-digit mobile prefix) are
taken in Arrow without Python; tests pin that both paths agree. Addresses are cleaned in Arrow
(Python reads only the texts that could be in a legacy font) and only the normalizer's lookups
run in Python. ``standardize_row`` runs the bulk path on one row for the import preview.

Choices, written down:

- **Tone marks**: one placement, the one the national unit list and most registers use — on the
  first vowel of an open "oa", "oe", "uy" ("hòa", "khỏe", "thủy"), on the vowel with a mark
  ("thuở", "người") or before a final consonant ("hoàn", "quyết") otherwise. "hoà", "thuỷ" and
  misplaced marks ("hòan", "qúy") are moved (``tone_style``).
- **Names**: legacy font text converted, NFC, letters only (apostrophes and hyphens kept),
  single spaces, each word capitalized; family name = first word, given name = last word,
  middle = the words between. Folded keys: no marks, đ → d, lower case.
- **Dates**: day first when day and month could be either (03/07/1985 is 3 July, Vietnamese
  style); read month-first only when the day-first reading is impossible (07/23/1985,
  ``date_day_month_swapped``). Two-digit years are in the last hundred years. A bare year gives
  the birth year only. Before 1900 or after today: unreadable.
- **Gender**: "Nam"/"Nữ"/"male"/"female" in any case read as they are; codes (M/F, nam/nu
  without marks, 1 = male, 0 or 2 = female, Ông/Bà, trai/gái) are read with ``gender_code``.
- **CCCD**: see ``identifiers``; a well-formed number that disagrees with the birth year or
  gender is kept and flagged. A missing birth year or gender is taken from a CCCD.
- **Addresses**: through the ``units`` normalizer, on distinct texts. An address "street, rest"
  whose rest alone resolves to a commune is resolved once per distinct rest (the street part is
  kept in front); the others go to the normalizer whole.
"""

import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_lazy as _

from haicap.core.text import fold
from haicap.core.validation import CCCD_PROVINCE_CODES
from haicap.mdm import identifiers as ids
from haicap.mdm.legacy import (
    TCVN3,
    UTF8_AS_CP1252,
    VNI,
    could_be_mojibake_column,
    prevailing_encoding,
    repair,
)
from haicap.units.address import AMBIGUOUS, RESOLVED

# -- rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    problem: bool  # shown as a problem in the import preview (not only a matter of form)


_RULES = (
    ("nfc", _("Unicode normalized (NFC)."), False),
    ("tone_style", _("Tone marks placed in one style (hòa, thủy)."), False),
    ("legacy_tcvn3", _("Converted from the TCVN3 (ABC) font encoding."), True),
    ("legacy_vni", _("Converted from the VNI font encoding."), True),
    ("legacy_utf8", _("Repaired UTF-8 text that had been read as Windows-1252."), True),
    ("whitespace", _("Extra spaces removed."), False),
    ("name_case", _("Name capitalized."), False),
    ("name_characters", _("Characters that are not letters removed from the name."), True),
    ("name_split", _("Name parts split again (family name, middle name, given name)."), False),
    ("date_format", _("Date read from a non-standard format."), False),
    ("date_day_month_swapped", _("Day and month were swapped."), True),
    ("date_two_digit_year", _("Two-digit year; the century was assumed."), True),
    ("date_year_only", _("Only the year is known."), True),
    ("date_excel_serial", _("Date read from an Excel day number."), False),
    ("date_invalid", _("The date could not be read."), True),
    ("date_out_of_range", _("The date is in the future or before 1900."), True),
    ("gender_code", _("Gender read from a code."), False),
    ("gender_invalid", _("The gender could not be read."), True),
    ("gender_from_cccd", _("Gender taken from the citizen ID number."), False),
    ("birth_year_from_cccd", _("Birth year taken from the citizen ID number."), False),
    (ids.CCCD_INVALID, _("Not a valid citizen ID (CCCD) or ID card (CMND) number."), True),
    (ids.CCCD_LEADING_ZERO, _("The lost leading zero of the citizen ID number was restored."),
     True),
    (ids.CCCD_GENDER_CENTURY, _("The citizen ID number's gender and century digit disagrees "
                                "with the gender or the birth year."), True),
    (ids.CCCD_BIRTH_YEAR, _("The citizen ID number's year digits disagree with the birth "
                            "year."), True),
    (ids.CMND_KEPT, _("Old 9-digit ID card (CMND) number kept as the old ID number."), False),
    (ids.PHONE_OLD_PREFIX, _("Old 11-digit mobile prefix changed to the 10-digit one."), True),
    (ids.PHONE_OLD_AREA_CODE, _("Old landline area code changed to the new one."), True),
    (ids.PHONE_COUNTRY_CODE, _("Country code +84 replaced by 0."), False),
    (ids.PHONE_LEADING_ZERO, _("The lost leading zero of the phone number was restored."), True),
    (ids.PHONE_INVALID, _("Not a valid phone number."), True),
    ("address_units", _("Address moved to the new administrative units."), False),
    ("address_ambiguous", _("The address fits more than one commune."), True),
    ("address_unresolved", _("No commune of the new units was found in the address."), True),
)
RULES = {code: Rule(code, message, problem) for code, message, problem in _RULES}
_LEGACY_RULES = {TCVN3: "legacy_tcvn3", VNI: "legacy_vni", UTF8_AS_CP1252: "legacy_utf8"}

# -- names -----------------------------------------------------------------------------------------

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_APOSTROPHES = re.compile(r"[’‘ʼ`´]")
_NOT_NAME = re.compile(r"[^\w\s'\-\u0300-\u036f]|[\d_]")


@dataclass(frozen=True, slots=True)
class NameReading:
    name: str | None = None
    family: str | None = None
    middle: str | None = None
    given: str | None = None
    folded: str | None = None
    family_folded: str | None = None
    given_folded: str | None = None
    rules: tuple[str, ...] = ()


def _base(ch: str) -> str:
    """A letter without its tone, lower case ("Ồ" → "ô")."""
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", ch.lower()) if c not in _TONES))


@lru_cache(maxsize=131072)
def place_tone(word: str) -> str:
    """The word with its tone mark where this module's style puts it (see the docstring)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    letters = list(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES)))
    bases = [_base(ch) for ch in letters]
    vowels = [i for i, base in enumerate(bases) if base in _VOWELS]
    if "".join(bases[:2]) in ("qu", "gi") and vowels[:2] == [1, 2]:
        vowels = vowels[1:]  # the u of "qu" and the i of "gi" belong to the consonant
    if not vowels or vowels != list(range(vowels[0], vowels[-1] + 1)) or len(vowels) > 3:
        return word
    marked = [i for i in vowels if bases[i] in _MARKED_VOWELS]
    if marked:
        at = marked[-1]
    elif len(vowels) == 1:
        at = vowels[0]
    elif vowels[-1] < len(letters) - 1:  # a final consonant follows
        at = vowels[-1]
    elif len(vowels) == 3:
        at = vowels[1]
    else:
        at = vowels[0]
    letters[at] = unicodedata.normalize("NFC", letters[at] + tones[0])
    return "".join(letters)


def _capitalize(word: str) -> str:
    return "".join(part[:1].upper() + part[1:].lower()
                   for part in re.split(r"(?<=['\-])", word))


@lru_cache(maxsize=131072)
def _name_word(word: str) -> tuple[str, bool, bool, str]:
    """(styled word, tone moved, case changed, folded word)."""
    toned = place_tone(word)
    cased = _capitalize(toned)
    return cased, toned != word, cased != toned, fold(cased.replace("'", "").replace("-", " "))


@lru_cache(maxsize=65536)
def read_name(text: str | None, legacy: str | None = None) -> NameReading:
    """A person's full name as written → NFC, one tone style, capitalized, split and folded.
    `legacy`: the encoding to prefer when a mojibake text reads equally well in two."""
    if text is None or not text.strip():
        return NameReading()
    rules = []
    value, encoding = repair(text, legacy)
    if encoding:
        rules.append(_LEGACY_RULES[encoding])
    normal = unicodedata.normalize("NFC", value)
    if normal != value:
        rules.append("nfc")
    value = _APOSTROPHES.sub("'", normal)
    if " ".join(value.split()) != value:
        rules.append("whitespace")
    letters = _NOT_NAME.sub(" ", value)
    if letters.split() != value.split():
        rules.append("name_characters")
    words = letters.split()
    if not words:
        return NameReading(rules=tuple(rules))
    styled = [_name_word(word) for word in words]
    if any(moved for _, moved, _, _ in styled):
        rules.append("tone_style")
    if any(cased for _, _, cased, _ in styled):
        rules.append("name_case")
    names = [word for word, _, _, _ in styled]
    folded = [key for _, _, _, key in styled]
    return NameReading(
        name=" ".join(names), family=names[0] if len(names) > 1 else None,
        middle=" ".join(names[1:-1]) or None, given=names[-1],
        folded=" ".join(folded), family_folded=folded[0] if len(folded) > 1 else None,
        given_folded=folded[-1], rules=tuple(rules))


# -- dates -----------------------------------------------------------------------------------------

EARLIEST_YEAR = 1900
EXCEL_EPOCH = date(1899, 12, 30)
# A time after the date ("1985-07-03 00:00:00", "03/07/1985 12:00 AM"); Python and RE2 alike.
TIME_PART = r"[ T]+\d{1,2}:\d{2}.*$"
_TIME_PART = re.compile(TIME_PART)
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4}|\d{2})")
_DIGITS = re.compile(r"\d{8}|\d{6}|\d{4}")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_EXCEL = re.compile(r"(\d{5})(?:\.0*)?")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[-\s/.]*([a-z]{3,9})\.?[-\s/.,]*(\d{4}|\d{2})")
_NAME_DAY_YEAR = re.compile(r"([a-z]{3,9})\.?\s*(\d{1,2}),?\s+(\d{4})")
_VIETNAMESE = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})")


@dataclass(frozen=True, slots=True)
class DateReading:
    value: date | None = None
    year: int | None = None
    rules: tuple[str, ...] = ()


def strip_time(text: str) -> str:
    return _TIME_PART.sub("", text.strip())


@lru_cache(maxsize=262144)
def read_date(text: str | None, today: date | None = None) -> DateReading:
    """A date as written in any common format (see the module docstring for the rules)."""
    if text is None or not text.strip():
        return DateReading()
    today = today or date.today()
    reading = _read_date(strip_time(text).lower(), today)
    if reading is None:
        return DateReading(rules=("date_invalid",))
    value, year, rules = reading
    if year < EARLIEST_YEAR or year > today.year or (value is not None and value > today):
        return DateReading(rules=(*rules, "date_out_of_range"))
    return DateReading(value, year, tuple(rules))


def _read_date(text: str, today: date):
    if match := _YEAR_FIRST.fullmatch(text):
        year, separator, month, day = match.groups()
        standard = separator == "-" and len(month) == len(day) == 2
        return _day_month(int(year), int(day), int(month), [] if standard else ["date_format"])
    if match := _DAY_FIRST.fullmatch(text):
        day, separator, month, year = match.groups()
        rules = [] if separator == "/" and len(year) == 4 else ["date_format"]
        return _day_month(_century(year, today, rules), int(day), int(month), rules)
    if match := _DIGITS.fullmatch(text):
        return _digits(match.group(), today)
    if match := _MONTH_YEAR.fullmatch(text):
        if 1 <= int(match.group(1)) <= 12:
            return None, int(match.group(2)), ["date_year_only"]
        return None
    if match := _EXCEL.fullmatch(text):
        return _excel(int(match.group(1)))
    folded = fold(text)
    if match := _VIETNAMESE.fullmatch(folded):
        day, month, year = match.groups()
        return _day_month(int(year), int(day), int(month), ["date_format"])
    if (match := _DAY_NAME_YEAR.fullmatch(folded)) and match.group(2) in _MONTHS:
        day, month, year = match.groups()
        rules = ["date_format"]
        return _day_month(_century(year, today, rules), int(day), _MONTHS[month], rules)
    if (match := _NAME_DAY_YEAR.fullmatch(folded)) and match.group(1) in _MONTHS:
        month, day, year = match.groups()
        return _day_month(int(year), int(day), _MONTHS[month], ["date_format"])
    return None


def _century(year: str, today: date, rules: list[str]) -> int:
    if len(year) == 4:
        return int(year)
    rules.append("date_two_digit_year")
    recent = 2000 + int(year)
    return recent if recent <= today.year else recent - 100


def _day_month(year: int, day: int, month: int, rules: list[str]):
    """The date with this day and month; the other way round only when this one is impossible."""
    for day_, month_, swapped in ((day, month, False), (month, day, True)):
        try:
            value = date(year, month_, day_)
        except ValueError:
            continue
        return value, year, [*rules, "date_day_month_swapped"] if swapped else rules
    return None


def _digits(digits: str, today: date):
    if len(digits) == 4:
        return None, int(digits), ["date_year_only"]
    if len(digits) == 6:  # ddmmyy
        rules = ["date_format"]
        return _day_month(_century(digits[4:], today, rules), int(digits[:2]),
                          int(digits[2:4]), rules)
    year_first = EARLIEST_YEAR <= int(digits[:4]) <= today.year
    if year_first:
        found = _day_month(int(digits[:4]), int(digits[6:]), int(digits[4:6]), ["date_format"])
        if found:
            return found
    return _day_month(int(digits[4:]), int(digits[:2]), int(digits[2:4]), ["date_format"])


def _excel(number: int):
    value = EXCEL_EPOCH + timedelta(days=number)
    return value, value.year, ["date_excel_serial"]


# -- gender ----------------------------------------------------------------------------------------

MALE, FEMALE = "male", "female"
_GENDER_AS_IS = {"nam": MALE, "male": MALE, "nữ": FEMALE, "female": FEMALE}
_GENDER_CODES = {
    **dict.fromkeys(("nam", "m", "male", "1", "trai", "ong", "man", "nam gioi"), MALE),
    **dict.fromkeys(("nu", "f", "female", "0", "2", "gai", "ba", "w", "woman", "nu gioi"),
                    FEMALE),
}


@dataclass(frozen=True, slots=True)
class GenderReading:
    value: str | None = None
    rules: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def read_gender(text: str | None) -> GenderReading:
    if text is None or not text.strip():
        return GenderReading()
    lowered = unicodedata.normalize("NFC", text.strip().lower())
    if lowered in _GENDER_AS_IS:
        return GenderReading(_GENDER_AS_IS[lowered])
    code = _GENDER_CODES.get(fold(repair(lowered)[0]).rstrip("."))
    return GenderReading(code, ("gender_code",)) if code else GenderReading(
        rules=("gender_invalid",))


# -- addresses -------------------------------------------------------------------------------------

# "street, rest": the text before the first separator and after it (RE2).
_FIRST_SEPARATOR = r"(?s)^(?P<head>[^,;|\n]*)[,;|\n](?P<rest>.*)$"
# What Python's str.split() takes for white space, in RE2.
_SPACES = r"[\s\pZ\x{85}\x{1c}-\x{1f}]+"


@dataclass
class _Cleaned:
    text: pa.Array
    rules: list[tuple[str, pa.Array]]  # (rule, where it applies)


def _clean(texts: pa.Array) -> _Cleaned:
    """Legacy encodings converted, NFC, single spaces, over a column of texts: Python reads only
    the texts that could be mojibake, Arrow does the rest."""
    suspect = could_be_mojibake_column(texts)
    suspects = texts.filter(suspect).to_pylist()
    prefer = prevailing_encoding(suspects)
    repaired = [repair(text, prefer) for text in suspects]
    value = pc.replace_with_mask(texts, suspect, pa.array([text for text, _ in repaired],
                                                          pa.string()))
    encoding = pc.replace_with_mask(pa.nulls(len(texts), pa.string()), suspect,
                                    pa.array([found for _, found in repaired], pa.string()))
    normal = pc.utf8_normalize(value, "NFC")
    spaced = _text(pc.replace_substring_regex(normal, _SPACES, " "))
    rules = [(rule, pc.equal(encoding, name)) for name, rule in _LEGACY_RULES.items()]
    return _Cleaned(spaced, [*rules, ("nfc", pc.not_equal(normal, value)),
                             ("whitespace", pc.not_equal(spaced, normal))])


_RESULT_FIELDS = ("status", "street", "commune_code", "commune_name", "province_code",
                  "province_name", "candidate_province")


def _result_fields(result) -> tuple:
    provinces = {candidate.province.code for candidate in result.candidates}
    commune, province = result.commune, result.province
    return (result.status, result.street, commune and commune.code, commune and commune.name,
            province and province.code, province and province.name,
            provinces.pop() if len(provinces) == 1 else None)


def _resolved(texts: pa.Array, resolve) -> dict[str, pa.Array]:
    """`resolve` over the distinct texts, its results as columns in the texts' order (null for a
    null text); candidate_province: the province every candidate is in, if one."""
    distinct = pc.unique(pc.drop_null(texts))
    results = [_result_fields(result) for result in resolve(distinct.to_pylist())] \
        if len(distinct) else []
    where = pc.index_in(texts, value_set=distinct)
    return {name: pa.array([fields[position] for fields in results], pa.string()).take(where)
            for position, name in enumerate(_RESULT_FIELDS)}


def _join_present(*parts: pa.Array) -> pa.Array:
    """The parts that are there, joined with ", " (null where none is)."""
    parts = [_text(part) for part in parts]
    joined = parts[0]
    for part in parts[1:]:
        both = pc.binary_join_element_wise(joined, part, ", ")
        joined = pc.coalesce(both, joined, part)
    return joined


@dataclass
class _AddressRows:
    address: pa.Array
    commune_code: pa.Array
    province_code: pa.Array
    rules: pa.Array


def _addresses(values: pa.Array, resolve) -> _AddressRows:
    """Each distinct address cleaned and moved to the new units; an address "street, rest" whose
    rest alone resolves to a commune is resolved once per distinct rest (the street part kept in
    front), the others go to the normalizer whole."""
    if resolve is None:
        from haicap.units.address import normalize_addresses as resolve
    encoded = _text(values).dictionary_encode()
    cleaned = _clean(encoded.dictionary)
    text = cleaned.text
    parts = pc.extract_regex(text, _FIRST_SEPARATOR)
    by_rest = _resolved(_text(pc.struct_field(parts, "rest")), resolve)
    from_rest = pc.fill_null(pc.equal(by_rest["status"], RESOLVED), False)
    whole = _resolved(pc.if_else(from_rest, _NULL_TEXT, text), resolve)
    found = {name: pc.if_else(from_rest, by_rest[name], whole[name]) for name in _RESULT_FIELDS}
    street = pc.if_else(from_rest, _join_present(pc.struct_field(parts, "head"),
                                                 by_rest["street"]), whole["street"])
    resolved = pc.fill_null(pc.equal(found["status"], RESOLVED), False)
    ambiguous = pc.fill_null(pc.equal(found["status"], AMBIGUOUS), False)
    new = _join_present(street, found["commune_name"], found["province_name"])
    address = pc.if_else(resolved, new, text)
    rules = _rules_column([
        *cleaned.rules, ("address_units", pc.and_(resolved, pc.not_equal(new, text))),
        ("address_ambiguous", ambiguous),
        ("address_unresolved", pc.and_(pc.is_valid(text), pc.invert(pc.or_(resolved, ambiguous))))])
    where = encoded.indices
    return _AddressRows(
        address.take(where), pc.if_else(resolved, found["commune_code"], _NULL_TEXT).take(where),
        pc.if_else(resolved, found["province_code"], found["candidate_province"]).take(where),
        rules.take(where))


# -- the table -------------------------------------------------------------------------------------

RAW_COLUMNS = ("record_key", "source", "full_name", "family_name", "middle_name", "given_name",
               "birth_date", "gender", "national_id", "phone", "address", "father_name",
               "mother_name", "household_ref", "updated_at")
RECORD_SCHEMA = pa.schema([
    ("record_key", pa.string()), ("source", pa.string()),
    ("full_name", pa.string()), ("family_name", pa.string()), ("middle_name", pa.string()),
    ("given_name", pa.string()), ("name_folded", pa.string()), ("family_folded", pa.string()),
    ("given_folded", pa.string()),
    ("birth_date", pa.date32()), ("birth_year", pa.int16()), ("gender", pa.string()),
    ("national_id", pa.string()), ("old_id_number", pa.string()), ("phone", pa.string()),
    ("address", pa.string()), ("commune_code", pa.string()), ("province_code", pa.string()),
    ("father_name", pa.string()), ("mother_name", pa.string()),
    ("father_folded", pa.string()), ("mother_folded", pa.string()),
    ("household_ref", pa.string()), ("updated_at", pa.date32()),
])
FIX_SCHEMA = pa.schema([("record_key", pa.string()), ("field", pa.string()),
                        ("rule", pa.string()), ("before", pa.string()), ("after", pa.string())])


@dataclass(frozen=True)
class Fix:
    field: str
    rule: str
    before: str | None
    after: str | None

    @property
    def message(self) -> str:
        return str(RULES[self.rule].message)

    @property
    def is_problem(self) -> bool:
        return RULES[self.rule].problem


@dataclass(frozen=True)
class Standardized:
    records: pa.Table  # RECORD_SCHEMA, in the order of the raw rows
    fixes: pa.Table  # FIX_SCHEMA, one row per field and rule applied

    @property
    def problems(self) -> dict[tuple[str, str], int]:
        """{(field, rule): records} — what the data-quality report counts."""
        counts = self.fixes.group_by(["field", "rule"]).aggregate([("record_key", "count")])
        return {(row["field"], row["rule"]): row["record_key_count"]
                for row in counts.to_pylist()}


def standardize(raw: pa.Table, *, resolve_addresses=None, today: date | None = None
                ) -> Standardized:
    """The canonical raw person table (all text) → standardized records (same order) and the
    fixes."""
    today = today or date.today()
    columns = _with_all_columns(raw)
    keys = columns["record_key"]
    name_fixes, fixes = _Fixes(keys), _Fixes(keys)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Names are read in Python; most of the rest is Arrow, which lets go of the GIL, so the
        # two go on together on a second core.
        named = pool.submit(_names, columns, name_fixes)
        birth = _dates(columns["birth_date"], today)
        gender_reading = _genders(columns["gender"])
        phone = _phones(columns["phone"])
        id_number = _id_numbers(columns["national_id"])
        address = _addresses(columns["address"], resolve_addresses)
        name_rows = named.result()
    check = _cccd(id_number.national_id, birth.year, gender_reading.value)
    birth_year = pc.coalesce(birth.year, check.year)
    gender = pc.coalesce(gender_reading.value, check.gender)
    birth_after = pc.coalesce(pc.cast(birth.value, pa.string()), pc.cast(birth_year, pa.string()))
    fixes.add("birth_date", birth.rules, columns["birth_date"], birth_after)
    fixes.when("birth_date", pc.and_(pc.is_null(birth.year), pc.is_valid(check.year)),
               "birth_year_from_cccd", columns["birth_date"], birth_after)
    fixes.add("gender", gender_reading.rules, columns["gender"], gender)
    fixes.when("gender", pc.and_(pc.is_null(gender_reading.value), pc.is_valid(check.gender)),
               "gender_from_cccd", columns["gender"], gender)
    id_after = pc.coalesce(id_number.national_id, id_number.old_id_number)
    for rules in id_number.rules:
        fixes.add("national_id", rules, columns["national_id"], id_after)
    fixes.add("national_id", check.rules, columns["national_id"], id_after)
    for rules in phone.rules:
        fixes.add("phone", rules, columns["phone"], phone.value)
    fixes.add("address", address.rules, columns["address"], address.address)
    updated = _dates(columns["updated_at"], today)
    fixes.add("updated_at", updated.rules, columns["updated_at"],
              pc.cast(updated.value, pa.string()))
    records = pa.table({
        "record_key": keys, "source": columns["source"],
        "full_name": name_rows["full"].name, "family_name": name_rows["full"].family,
        "middle_name": name_rows["full"].middle, "given_name": name_rows["full"].given,
        "name_folded": name_rows["full"].folded,
        "family_folded": name_rows["full"].family_folded,
        "given_folded": name_rows["full"].given_folded,
        "birth_date": birth.value, "birth_year": birth_year, "gender": gender,
        "national_id": id_number.national_id, "old_id_number": id_number.old_id_number,
        "phone": phone.value, "address": address.address,
        "commune_code": address.commune_code, "province_code": address.province_code,
        "father_name": name_rows["father"].name, "mother_name": name_rows["mother"].name,
        "father_folded": name_rows["father"].folded,
        "mother_folded": name_rows["mother"].folded,
        "household_ref": _text(columns["household_ref"]), "updated_at": updated.value,
    }, schema=RECORD_SCHEMA)
    return Standardized(records, pa.concat_tables([name_fixes.table(), fixes.table()]))


def standardize_row(values: dict[str, str], *, resolve_addresses=None) -> list[Fix]:
    """The fixes the standardization makes to one row of canonical values (import preview)."""
    row = {name: [values.get(name) or None] for name in RAW_COLUMNS}
    row["record_key"] = ["row"]
    result = standardize(pa.table(row, schema=_RAW_SCHEMA), resolve_addresses=resolve_addresses)
    return [Fix(fix["field"], fix["rule"], fix["before"], fix["after"])
            for fix in result.fixes.to_pylist()]


_RAW_SCHEMA = pa.schema([(name, pa.string()) for name in RAW_COLUMNS])
_NULL_TEXT = pa.scalar(None, pa.string())


def _with_all_columns(raw: pa.Table) -> dict[str, pa.Array]:
    columns = {}
    for name in RAW_COLUMNS:
        if name not in raw.column_names:
            columns[name] = pa.nulls(raw.num_rows, pa.string())
            continue
        column = raw.column(name)
        if column.type != pa.string():
            column = pc.cast(column, pa.string())
        columns[name] = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return columns


def _text(values: pa.Array) -> pa.Array:
    """Trimmed, blank → null."""
    if values.null_count == len(values):
        return values
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), _NULL_TEXT, trimmed)


def _lookup(values: pa.Array, keys: list, readings: list, fields: dict[str, pa.DataType]):
    """Each reading's fields, row by row: `values` looked up among the distinct `keys`."""
    where = pc.index_in(values, value_set=pa.array(keys, pa.string()))
    found = {}
    for name, kind in fields.items():
        column = pa.array([getattr(reading, name) for reading in readings], kind)
        found[name] = column.take(where)
    found["rules"] = _rule_lists([reading.rules for reading in readings]).take(where)
    return found


def _rule_lists(rules: list[tuple[str, ...]]) -> pa.Array:
    """Tuples of rule codes → a list<string> column (null for none), built in Arrow: making
    lists from Python objects is slow."""
    codes: dict[tuple[str, ...], int] = {}
    indices = [codes.setdefault(item, len(codes)) for item in rules]
    distinct = pc.split_pattern(pa.array([",".join(item) or None for item in codes], pa.string()),
                                ",")
    return distinct.take(pa.array(indices, pa.int32()))


def _rules_column(rules: list[tuple[str, pa.Array]]) -> pa.Array:
    """A rules column from where each rule applies (a boolean column per rule, in the order the
    rules are listed): each row's rules, or null for none."""
    bits = np.zeros(len(rules[0][1]), np.int64)
    for position, (_rule, where) in enumerate(rules):
        bits |= pc.fill_null(where, False).to_numpy(zero_copy_only=False).astype(np.int64) \
            << position
    held, rows = np.unique(bits, return_inverse=True)
    lists = _rule_lists([tuple(rule for position, (rule, _where) in enumerate(rules)
                               if code >> position & 1) for code in held])
    return lists.take(pa.array(rows.astype(np.int32)))


def _distinct(*arrays: pa.Array, where: pa.Array | None = None) -> list[str]:
    values = pa.chunked_array([array.filter(where) if where is not None else array
                               for array in arrays], pa.string())
    return pc.unique(pc.drop_null(values)).to_pylist()


class _Fixes:
    """The fixes table, gathered field by field without a per-row loop."""

    def __init__(self, keys: pa.Array):
        self.keys = keys
        self.parts: list[pa.Table] = []

    def add(self, field: str, rules: pa.Array, before: pa.Array, after: pa.Array) -> None:
        """Rules per row (a list, or null for none)."""
        positions = pc.indices_nonzero(pc.is_valid(rules))
        chosen = rules.take(positions)
        rows = positions.take(pc.list_parent_indices(chosen))  # one copy of each text column
        self._part(field, pc.list_flatten(chosen), self.keys.take(rows), before.take(rows),
                   after.take(rows))

    def when(self, field: str, mask: pa.Array, rule: str, before: pa.Array,
             after: pa.Array) -> None:
        """One rule for the rows where `mask` holds."""
        mask = pc.fill_null(mask, False)
        count = pc.sum(mask).as_py() or 0
        self._part(field, _repeat(rule, count), self.keys.filter(mask), before.filter(mask),
                   after.filter(mask))

    def _part(self, field, rules, keys, before, after) -> None:
        if len(keys):
            self.parts.append(pa.table([keys, _repeat(field, len(keys)), rules, before, after],
                                       schema=FIX_SCHEMA))

    def table(self) -> pa.Table:
        return pa.concat_tables(self.parts) if self.parts else FIX_SCHEMA.empty_table()


def _repeat(text: str, count: int) -> pa.Array:
    return pa.array([text], pa.string()).take(np.zeros(count, dtype=np.int32))


@dataclass
class _NameRows:
    name: pa.Array
    folded: pa.Array
    rules: pa.Array
    family: pa.Array | None = None  # the parts: only for the person's own name
    middle: pa.Array | None = None
    given: pa.Array | None = None
    family_folded: pa.Array | None = None
    given_folded: pa.Array | None = None


_PARENT_FIELDS = {"name": pa.string(), "folded": pa.string()}
_NAME_FIELDS = {**_PARENT_FIELDS, **{name: pa.string() for name in (
    "family", "middle", "given", "family_folded", "given_folded")}}


def _names(columns, fixes: _Fixes):
    full = _text(columns["full_name"])
    parts = [_text(columns[name]) for name in ("family_name", "middle_name", "given_name")]
    # (null_handling="skip" loses all-null rows in this pyarrow: empty parts, then one space)
    joined = _text(pc.replace_substring_regex(
        pc.binary_join_element_wise(*(pc.fill_null(part, "") for part in parts), " "),
        r"\s+", " "))
    name_in = pc.coalesce(full, joined)
    father, mother = _text(columns["father_name"]), _text(columns["mother_name"])
    distinct = _distinct(name_in, father, mother)
    texts = pa.array(distinct, pa.string())
    legacy = prevailing_encoding(texts.filter(could_be_mojibake_column(texts)).to_pylist())
    readings = [read_name(text, legacy) for text in distinct]
    rows = {}
    for role, values, field, before, fields in (
            ("full", name_in, "full_name", name_in, _NAME_FIELDS),
            ("father", father, "father_name", columns["father_name"], _PARENT_FIELDS),
            ("mother", mother, "mother_name", columns["mother_name"], _PARENT_FIELDS)):
        rows[role] = _NameRows(**_lookup(values, distinct, readings, fields))
        fixes.add(field, rows[role].rules, before, rows[role].name)
    # parts given with a family or given name of several words: split again
    several = [pc.fill_null(pc.match_substring_regex(part, r"\s"), False)
               for part in (parts[0], parts[2])]
    fixes.when("full_name", pc.and_(pc.is_null(full), pc.or_(*several)), "name_split", name_in,
               rows["full"].name)
    return rows


@dataclass
class _DateRows:
    value: pa.Array
    year: pa.Array
    rules: pa.Array


_STANDARD_DATES = ((r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$", "%Y-%m-%d"),
                   (r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$", "%d/%m/%Y"))


def _dates(values: pa.Array, today: date) -> _DateRows:
    """Dates in the standard forms (ISO, dd/mm/yyyy) read by Arrow; the others by `read_date`
    on each distinct text."""
    text = _text(pc.replace_substring_regex(values, TIME_PART, ""))
    fast = pa.nulls(len(text), pa.date32())
    for pattern, form in _STANDARD_DATES:
        # null where the text has another form or an earlier form was read
        parts = pc.extract_regex(pc.if_else(pc.is_null(fast), text, _NULL_TEXT), pattern)
        parsed = pc.strptime(pc.if_else(pc.is_valid(parts), text, _NULL_TEXT), format=form,
                             unit="s", error_is_null=True)
        # strptime rolls 30/02 over into March: keep only dates with the day and month written
        exact = pc.and_(
            pc.equal(pc.day(parsed), pc.cast(pc.struct_field(parts, "d"), pa.int64())),
            pc.equal(pc.month(parsed), pc.cast(pc.struct_field(parts, "m"), pa.int64())))
        parsed = pc.if_else(pc.fill_null(exact, False), pc.cast(parsed, pa.date32()),
                            pa.scalar(None, pa.date32()))
        fast = pc.coalesce(fast, parsed)
    in_range = pc.and_(pc.greater_equal(fast, pa.scalar(date(EARLIEST_YEAR, 1, 1))),
                       pc.less_equal(fast, pa.scalar(today)))
    fast = pc.if_else(pc.fill_null(in_range, False), fast, pa.scalar(None, pa.date32()))
    rest = pc.and_(pc.is_valid(text), pc.is_null(fast))
    distinct = _distinct(text, where=rest)
    readings = [read_date(item, today) for item in distinct]
    found = _lookup(pc.if_else(rest, text, _NULL_TEXT), distinct, readings,
                    {"value": pa.date32(), "year": pa.int16()})
    value = pc.coalesce(fast, found["value"])
    year = pc.coalesce(pc.cast(pc.year(fast), pa.int16()), found["year"])
    return _DateRows(value, year, found["rules"])


@dataclass
class _ValueRows:
    value: pa.Array
    rules: pa.Array


def _genders(values: pa.Array) -> _ValueRows:
    text = _text(values)
    distinct = _distinct(text)
    found = _lookup(text, distinct, [read_gender(item) for item in distinct],
                    {"value": pa.string()})
    return _ValueRows(found["value"], found["rules"])


@dataclass
class _PhoneRows:
    value: pa.Array
    rules: list[pa.Array]


_OLD_PREFIXES = pa.array(list(ids.OLD_MOBILE_PREFIXES), pa.string())
_NEW_PREFIXES = pa.array(list(ids.OLD_MOBILE_PREFIXES.values()), pa.string())


def _phones(values: pa.Array) -> _PhoneRows:
    """Current numbers pass as they are, and current numbers after +84 and old 11-digit mobile
    prefixes are mapped, in Arrow; the rest is read by `identifiers.read_phone` on each distinct
    number."""
    text = _text(pc.replace_substring_regex(values, ids.PHONE_SEPARATORS_RE2, ""))
    current = pc.fill_null(pc.match_substring_regex(text, f"^{ids.CURRENT_PHONE}$"), False)
    national = pc.binary_join_element_wise("0", pc.utf8_slice_codeunits(text, 3), "")
    abroad = pc.and_(pc.fill_null(pc.starts_with(text, "+84"), False),
                     pc.fill_null(pc.match_substring_regex(national, f"^{ids.CURRENT_PHONE}$"),
                                  False))
    new_prefix = _NEW_PREFIXES.take(pc.index_in(pc.utf8_slice_codeunits(text, 0, 4),
                                                value_set=_OLD_PREFIXES))
    old = pc.and_(pc.fill_null(pc.match_substring_regex(text, r"^01\d{9}$"), False),
                  pc.is_valid(new_prefix))
    mapped = pc.binary_join_element_wise(new_prefix, pc.utf8_slice_codeunits(text, 4), "")
    rest = pc.and_(pc.is_valid(text), pc.invert(pc.or_(pc.or_(current, abroad), old)))
    distinct = _distinct(text, where=rest)
    found = _lookup(pc.if_else(rest, text, _NULL_TEXT), distinct,
                    [ids.read_phone(item) for item in distinct], {"phone": pa.string()})
    value = pc.if_else(current, text, pc.if_else(abroad, national,
                                                  pc.if_else(old, mapped, found["phone"])))
    return _PhoneRows(value, [found["rules"], _rules_column([(ids.PHONE_COUNTRY_CODE, abroad)]),
                              _rules_column([(ids.PHONE_OLD_PREFIX, old)])])


@dataclass
class _IdRows:
    national_id: pa.Array
    old_id_number: pa.Array
    rules: list[pa.Array]


_PROVINCE_CODES = pa.array(sorted(CCCD_PROVINCE_CODES), pa.string())


def _id_numbers(values: pa.Array) -> _IdRows:
    """Well-formed CCCD numbers and 9-digit CMND numbers are taken in Arrow; the rest is read by
    `identifiers.read_national_id` on each distinct number."""
    text = _text(pc.replace_substring_regex(values, ids.ID_SEPARATORS_RE2, ""))
    cccd = pc.and_(pc.fill_null(pc.match_substring_regex(text, r"^\d{12}$"), False),
                   pc.is_in(pc.utf8_slice_codeunits(text, 0, 3), value_set=_PROVINCE_CODES))
    cmnd = pc.fill_null(pc.match_substring_regex(text, r"^\d{9}$"), False)
    rest = pc.and_(pc.is_valid(text), pc.invert(pc.or_(cccd, cmnd)))
    distinct = _distinct(text, where=rest)
    found = _lookup(pc.if_else(rest, text, _NULL_TEXT), distinct,
                    [ids.read_national_id(item) for item in distinct],
                    {"national_id": pa.string(), "old_id_number": pa.string()})
    return _IdRows(pc.if_else(cccd, text, found["national_id"]),
                   pc.if_else(cmnd, text, found["old_id_number"]),
                   [found["rules"], _rules_column([(ids.CMND_KEPT, cmnd)])])


@dataclass
class _CccdRows:
    year: pa.Array
    gender: pa.Array
    rules: pa.Array


def _cccd(national_id: pa.Array, birth_year: pa.Array, gender: pa.Array) -> _CccdRows:
    """`identifiers.check_cccd` on each distinct (digits 4–6, birth year, gender)."""
    key = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(national_id, 3, 6),
        pc.fill_null(pc.cast(birth_year, pa.string()), ""), pc.fill_null(gender, ""), "|")
    distinct = _distinct(key)
    checks = []
    for item in distinct:
        digits, year, sex = item.split("|")
        checks.append(ids.check_cccd(int(digits[0]), int(digits[1:]),
                                     int(year) if year else None, sex or None))
    found = _lookup(key, distinct, checks, {"birth_year": pa.int16(), "gender": pa.string()})
    return _CccdRows(found["birth_year"], found["gender"], found["rules"])
