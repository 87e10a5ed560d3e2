"""Standardizing mapped person records before matching: names, dates, gender, identifiers, phones
and addresses in one form, every change recorded per field with a stable rule code.

The work is columnar: DuckDB SQL over the Arrow table, and Python only on *distinct* values (a
name, a date as written, an address) — a million people have far fewer distinct names and
dates than records. The scalar readers (``read_name``, ``read_date``, ``read_gender``, and
``identifiers.read_phone`` / ``read_national_id``) are what the bulk path applies to those
distinct values; ``standardize_row`` runs the bulk path on one row for the import preview.

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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import duckdb
import numpy as np
import pyarrow as pa
from django.utils.translation import gettext_lazy as _

from haicap.core.text import fold
from haicap.core.validation import CCCD_PROVINCE_CODES
from haicap.mdm import identifiers as ids
from haicap.mdm.legacy import TCVN3, UTF8_AS_CP1252, VNI, repair

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
def read_name(text: str | None) -> NameReading:
    """A person's full name as written → NFC, one tone style, capitalized, split and folded."""
    if text is None or not text.strip():
        return NameReading()
    rules = []
    value, encoding = repair(text)
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

_SEPARATOR = re.compile(r"[,;|\n]")


@dataclass(frozen=True, slots=True)
class AddressReading:
    address: str | None = None
    commune_code: str | None = None
    province_code: str | None = None
    rules: tuple[str, ...] = ()


def clean_text(text: str) -> tuple[str, list[str]]:
    """Legacy encodings converted, NFC, single spaces: (text, rules)."""
    rules = []
    value, encoding = repair(text)
    if encoding:
        rules.append(_LEGACY_RULES[encoding])
    normal = unicodedata.normalize("NFC", value)
    if normal != value:
        rules.append("nfc")
    spaced = " ".join(normal.split())
    if spaced != normal:
        rules.append("whitespace")
    return spaced, rules


def read_addresses(texts: list[str], resolve=None) -> list[AddressReading]:
    """Distinct address texts → new units. `resolve`: list[str] → list[AddressResult] (default:
    the units normalizer)."""
    if resolve is None:
        from haicap.units.address import normalize_addresses as resolve
    cleaned = [clean_text(text) for text in texts]
    results = _resolve_distinct(sorted({text for text, _ in cleaned if text}), resolve)
    readings = []
    for text, rules in cleaned:
        if not text:
            readings.append(AddressReading(rules=tuple(rules)))
            continue
        readings.append(_address_reading(text, rules, results[text]))
    return readings


def _resolve_distinct(texts: list[str], resolve) -> dict:
    """{text: AddressResult}: the part after the first separator resolved once for all the texts
    that share it; a text whose rest does not resolve alone is resolved whole."""
    from haicap.units.address import RESOLVED

    split = {}
    for text in texts:
        match = _SEPARATOR.search(text)
        if match and text[match.end():].strip():
            split[text] = (text[:match.start()].strip(), text[match.end():].strip())
    rests = sorted({rest for _, rest in split.values()})
    by_rest = dict(zip(rests, resolve(rests), strict=True)) if rests else {}
    found, whole = {}, []
    for text in texts:
        head, rest = split.get(text, ("", ""))
        result = by_rest.get(rest) if rest else None
        if result is not None and result.status == RESOLVED:
            street = ", ".join(part for part in (head, result.street) if part)
            found[text] = replace(result, input=text, street=street)
        else:
            whole.append(text)
    if whole:
        found.update(zip(whole, resolve(whole), strict=True))
    return found


def _address_reading(text: str, rules: list[str], result) -> AddressReading:
    from haicap.units.address import AMBIGUOUS, RESOLVED

    if result.status == RESOLVED:
        new = result.new_address
        return AddressReading(new, result.commune.code, result.province.code,
                              (*rules, "address_units") if new != text else tuple(rules))
    provinces = {candidate.province.code for candidate in result.candidates}
    province = provinces.pop() if len(provinces) == 1 else None
    rule = "address_ambiguous" if result.status == AMBIGUOUS else "address_unresolved"
    return AddressReading(text, None, province, (*rules, rule))


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
_RULE_LIST = pa.list_(pa.string())


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
    """The canonical raw person table (all text) → standardized records and their fixes."""
    today = today or date.today()
    con = duckdb.connect()
    try:
        con.register("raw", _with_all_columns(raw))
        con.execute(_PREPARE)
        for name, table in _lookups(con, resolve_addresses, today).items():
            con.register(name, table)
        con.execute(_JOIN)
        con.register("cccd", _cccd_lookup(con))
        con.execute(_FINAL)
        records = con.sql(f"SELECT {', '.join(RECORD_SCHEMA.names)} FROM final ORDER BY ordinal"
                          ).to_arrow_table().cast(RECORD_SCHEMA)
        fixes = con.sql(_FIXES).to_arrow_table().cast(FIX_SCHEMA)
    finally:
        con.close()
    return Standardized(records, fixes)


def standardize_row(values: dict[str, str], *, resolve_addresses=None) -> list[Fix]:
    """The fixes the standardization makes to one row of canonical values (import preview)."""
    row = {name: [values.get(name) or None] for name in RAW_COLUMNS}
    row["record_key"] = ["row"]
    result = standardize(pa.table(row, schema=pa.schema([(n, pa.string()) for n in RAW_COLUMNS])),
                         resolve_addresses=resolve_addresses)
    return [Fix(fix["field"], fix["rule"], fix["before"], fix["after"])
            for fix in result.fixes.to_pylist()]


def _with_all_columns(raw: pa.Table) -> pa.Table:
    columns = {name: raw.column(name).cast(pa.string()) if name in raw.column_names
               else pa.nulls(raw.num_rows, pa.string()) for name in RAW_COLUMNS}
    columns["ordinal"] = pa.array(np.arange(raw.num_rows, dtype=np.int64))
    return pa.table(columns)


_PROVINCES = ", ".join(f"'{code}'" for code in sorted(CCCD_PROVINCE_CODES))
_PREPARE = f"""
CREATE TEMP TABLE prep AS
SELECT *,
    coalesce(regexp_full_match(phone_in, '{ids.CURRENT_PHONE}'), false) AS phone_ok,
    coalesce(regexp_full_match(id_in, '\\d{{12}}') AND left(id_in, 3) IN ({_PROVINCES}), false)
        AS id_ok
FROM (
    SELECT ordinal, record_key, source,
        coalesce(nullif(trim(full_name), ''),
                 nullif(concat_ws(' ', nullif(trim(family_name), ''),
                                  nullif(trim(middle_name), ''), nullif(trim(given_name), '')),
                        '')) AS name_in,
        nullif(trim(full_name), '') IS NULL AND (
            len(regexp_split_to_array(trim(coalesce(family_name, '')), '\\s+')) > 1
            OR len(regexp_split_to_array(trim(coalesce(given_name, '')), '\\s+')) > 1)
            AS resplit,
        nullif(trim(father_name), '') AS father_in, nullif(trim(mother_name), '') AS mother_in,
        nullif(regexp_replace(trim(birth_date), '{TIME_PART}', ''), '') AS birth_in,
        nullif(regexp_replace(trim(updated_at), '{TIME_PART}', ''), '') AS updated_in,
        nullif(trim(gender), '') AS gender_in,
        nullif(regexp_replace(phone, '{ids.PHONE_SEPARATORS_RE2}', '', 'g'), '') AS phone_in,
        nullif(regexp_replace(national_id, '{ids.ID_SEPARATORS_RE2}', '', 'g'), '') AS id_in,
        nullif(trim(address), '') AS address_in,
        nullif(trim(household_ref), '') AS household_ref,
        birth_date AS birth_raw, updated_at AS updated_raw, gender AS gender_raw,
        phone AS phone_raw, national_id AS id_raw, address AS address_raw,
        father_name AS father_raw, mother_name AS mother_raw
    FROM raw
)
"""


def _distinct(con, sql: str) -> list[str]:
    return con.sql(sql).to_arrow_table().column(0).to_pylist()


def _lookups(con, resolve_addresses, today: date) -> dict[str, pa.Table]:
    names = _distinct(con, "SELECT DISTINCT v FROM (SELECT name_in v FROM prep UNION ALL "
                           "SELECT father_in FROM prep UNION ALL SELECT mother_in FROM prep) "
                           "WHERE v IS NOT NULL")
    name_readings = [read_name(text) for text in names]
    dates = _distinct(con, "SELECT DISTINCT v FROM (SELECT birth_in v FROM prep UNION ALL "
                           "SELECT updated_in FROM prep) WHERE v IS NOT NULL")
    date_readings = [read_date(text, today) for text in dates]
    genders = _distinct(con, "SELECT DISTINCT gender_in FROM prep WHERE gender_in IS NOT NULL")
    gender_readings = [read_gender(text) for text in genders]
    phones = _distinct(con, "SELECT DISTINCT phone_in FROM prep "
                            "WHERE phone_in IS NOT NULL AND NOT phone_ok")
    phone_readings = [ids.read_phone(text) for text in phones]
    id_texts = _distinct(con, "SELECT DISTINCT id_in FROM prep WHERE id_in IS NOT NULL AND "
                              "NOT id_ok")
    id_readings = [ids.read_national_id(text) for text in id_texts]
    addresses = _distinct(con, "SELECT DISTINCT address_in FROM prep "
                               "WHERE address_in IS NOT NULL")
    address_readings = read_addresses(addresses, resolve_addresses)
    return {
        "names": _table(names, name_readings, {
            "name": "name", "family": "family", "middle": "middle", "given": "given",
            "folded": "folded", "family_folded": "family_folded",
            "given_folded": "given_folded"}),
        "dates": _table(dates, date_readings, {"value": "value", "year": "year"},
                        {"value": pa.date32(), "year": pa.int16()}),
        "genders": _table(genders, gender_readings, {"value": "value"}),
        "phones": _table(phones, phone_readings, {"phone": "phone"}),
        "id_numbers": _table(id_texts, id_readings, {"national_id": "national_id",
                                                     "old_id_number": "old_id_number"}),
        "addresses": _table(addresses, address_readings, {
            "address": "address", "commune_code": "commune_code",
            "province_code": "province_code"}),
    }


def _table(keys: list[str], readings: list, fields: dict[str, str],
           types: dict[str, pa.DataType] | None = None) -> pa.Table:
    types = types or {}
    columns = {"k": pa.array(keys, pa.string())}
    for column, attribute in fields.items():
        columns[column] = pa.array([getattr(reading, attribute) for reading in readings],
                                   types.get(column, pa.string()))
    columns["rules"] = pa.array([list(reading.rules) or None for reading in readings], _RULE_LIST)
    return pa.table(columns)


_JOIN = """
CREATE TEMP TABLE joined AS
SELECT p.ordinal, p.record_key, p.source, p.name_in, p.father_raw, p.mother_raw,
    n.name AS full_name, n.family AS family_name, n.middle AS middle_name, n.given AS given_name,
    n.folded AS name_folded, n.family_folded, n.given_folded,
    CASE WHEN p.resplit THEN list_append(coalesce(n.rules, []), 'name_split') ELSE n.rules END
        AS name_rules,
    b.value AS birth_date, b.year AS birth_year, b.rules AS birth_rules, p.birth_raw,
    g.value AS gender, g.rules AS gender_rules, p.gender_raw,
    CASE WHEN p.phone_ok THEN p.phone_in ELSE ph.phone END AS phone, ph.rules AS phone_rules,
    p.phone_raw,
    CASE WHEN p.id_ok THEN p.id_in ELSE i.national_id END AS national_id, i.old_id_number,
    i.rules AS id_rules, p.id_raw,
    a.address, a.commune_code, a.province_code, a.rules AS address_rules, p.address_raw,
    f.name AS father_name, f.folded AS father_folded, f.rules AS father_rules,
    m.name AS mother_name, m.folded AS mother_folded, m.rules AS mother_rules,
    p.household_ref, u.value AS updated_at, u.rules AS updated_rules, p.updated_raw
FROM prep p
LEFT JOIN names n ON n.k = p.name_in
LEFT JOIN names f ON f.k = p.father_in
LEFT JOIN names m ON m.k = p.mother_in
LEFT JOIN dates b ON b.k = p.birth_in
LEFT JOIN dates u ON u.k = p.updated_in
LEFT JOIN genders g ON g.k = p.gender_in
LEFT JOIN phones ph ON ph.k = p.phone_in
LEFT JOIN id_numbers i ON i.k = p.id_in
LEFT JOIN addresses a ON a.k = p.address_in
"""

_CCCD_KEYS = """
SELECT DISTINCT CAST(substr(national_id, 4, 1) AS INTEGER) AS digit,
    CAST(substr(national_id, 5, 2) AS INTEGER) AS yy,
    coalesce(birth_year, -1) AS by, coalesce(gender, '') AS g
FROM joined WHERE national_id IS NOT NULL
"""


def _cccd_lookup(con) -> pa.Table:
    keys = con.sql(_CCCD_KEYS).to_arrow_table().to_pylist()
    checks = [ids.check_cccd(key["digit"], key["yy"], None if key["by"] < 0 else key["by"],
                             key["g"] or None) for key in keys]
    return pa.table({
        "digit": pa.array([key["digit"] for key in keys], pa.int32()),
        "yy": pa.array([key["yy"] for key in keys], pa.int32()),
        "by": pa.array([key["by"] for key in keys], pa.int32()),
        "g": pa.array([key["g"] for key in keys], pa.string()),
        "rules": pa.array([list(check.rules) or None for check in checks], _RULE_LIST),
        "id_year": pa.array([check.birth_year for check in checks], pa.int16()),
        "id_gender": pa.array([check.gender for check in checks], pa.string()),
    })


_FINAL = """
CREATE TEMP TABLE final AS
SELECT j.* EXCLUDE (birth_year, gender, birth_rules, gender_rules, id_rules),
    coalesce(j.birth_year, c.id_year) AS birth_year,
    coalesce(j.gender, c.id_gender) AS gender,
    CASE WHEN j.birth_year IS NULL AND c.id_year IS NOT NULL
         THEN list_append(coalesce(j.birth_rules, []), 'birth_year_from_cccd')
         ELSE j.birth_rules END AS birth_rules,
    CASE WHEN j.gender IS NULL AND c.id_gender IS NOT NULL
         THEN list_append(coalesce(j.gender_rules, []), 'gender_from_cccd')
         ELSE j.gender_rules END AS gender_rules,
    CASE WHEN c.rules IS NULL THEN j.id_rules ELSE list_concat(coalesce(j.id_rules, []), c.rules)
         END AS id_rules
FROM joined j
LEFT JOIN cccd c ON j.national_id IS NOT NULL
    AND c.digit = CAST(substr(j.national_id, 4, 1) AS INTEGER)
    AND c.yy = CAST(substr(j.national_id, 5, 2) AS INTEGER)
    AND c.by = coalesce(j.birth_year, -1) AND c.g = coalesce(j.gender, '')
"""

# (field, rules column, before, after)
_FIX_FIELDS = (
    ("full_name", "name_rules", "name_in", "full_name"),
    ("birth_date", "birth_rules", "birth_raw",
     "coalesce(CAST(birth_date AS VARCHAR), CAST(birth_year AS VARCHAR))"),
    ("gender", "gender_rules", "gender_raw", "gender"),
    ("national_id", "id_rules", "id_raw", "coalesce(national_id, old_id_number)"),
    ("phone", "phone_rules", "phone_raw", "phone"),
    ("address", "address_rules", "address_raw", "address"),
    ("father_name", "father_rules", "father_raw", "father_name"),
    ("mother_name", "mother_rules", "mother_raw", "mother_name"),
    ("updated_at", "updated_rules", "updated_raw", "CAST(updated_at AS VARCHAR)"),
)
_FIXES = " UNION ALL ".join(
    f"SELECT record_key, '{field}' AS field, unnest({rules}) AS rule, {before} AS before, "
    f"{after} AS after FROM final WHERE {rules} IS NOT NULL"
    for field, rules, before, after in _FIX_FIELDS)
