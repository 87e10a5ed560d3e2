"""Identifiers in old registers: citizen ID numbers (CCCD), old 9-digit ID cards (CMND) and phone
numbers, read the way they were written and checked.

CCCD (Circular 59/2021/TT-BCA): 12 digits — the birth-province code (the 63 pre-2025 provinces,
``haicap.core.validation.CCCD_PROVINCE_CODES``), one digit for gender and century (0/1 = male/female
born 1900–1999, 2/3 = 2000–2099, 4/5 = 2100–2199…), the last two digits of the birth year, six
digits of serial. A number that does not fit is dropped (``cccd_invalid``); one that fits but
disagrees with the record's birth year or gender is kept and flagged, because which of the two
is wrong cannot be told from the record.

Phones: the 2018 move of 11-digit mobile numbers to 10 digits (0168… → 038…) and the 2017 move of
landline area codes (04 → 024, 0511 → 0236…) are tables below. A number that reads as a current
mobile number is taken as one, even where an old landline code looked the same (033 was Quảng
Ninh's; now it is a mobile prefix).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from haicap.core.validation import CCCD_PROVINCE_CODES

# Rule codes (see standardize.RULES for their messages).
CCCD_INVALID = "cccd_invalid"
CCCD_LEADING_ZERO = "cccd_leading_zero"
CCCD_GENDER_CENTURY = "cccd_gender_century"
CCCD_BIRTH_YEAR = "cccd_birth_year"
CMND_KEPT = "cmnd_kept"
PHONE_OLD_PREFIX = "phone_old_prefix"
PHONE_OLD_AREA_CODE = "phone_old_area_code"
PHONE_COUNTRY_CODE = "phone_country_code"
PHONE_LEADING_ZERO = "phone_leading_zero"
PHONE_INVALID = "phone_invalid"

FIRST_CENTURY = 1900  # the century of gender/century digits 0 and 1

# -- CCCD / CMND -----------------------------------------------------------------------------------

ID_SEPARATORS_RE2 = r"[\s.\-_/]"
ID_SEPARATORS = re.compile(ID_SEPARATORS_RE2)


@dataclass(frozen=True, slots=True)
class IdReading:
    national_id: str | None = None  # a well-formed 12-digit CCCD number
    old_id_number: str | None = None  # a 9-digit CMND number
    rules: tuple[str, ...] = ()


@lru_cache(maxsize=65536)
def read_national_id(text: str | None) -> IdReading:
    """A CCCD or CMND number as written ("048 090 000 111", "48090000111" after a spreadsheet
    dropped the leading zero)."""
    if text is None or not text.strip():
        return IdReading()
    digits = ID_SEPARATORS.sub("", text)
    if not digits.isdigit():
        return IdReading(rules=(CCCD_INVALID,))
    if len(digits) == 12:
        return IdReading(national_id=digits) if is_cccd(digits) else \
            IdReading(rules=(CCCD_INVALID,))
    if len(digits) == 11 and is_cccd("0" + digits):
        return IdReading(national_id="0" + digits, rules=(CCCD_LEADING_ZERO,))
    if len(digits) == 9:
        return IdReading(old_id_number=digits, rules=(CMND_KEPT,))
    if len(digits) == 8:
        return IdReading(old_id_number="0" + digits, rules=(CMND_KEPT,))
    return IdReading(rules=(CCCD_INVALID,))


def is_cccd(digits: str) -> bool:
    """12 digits starting with a birth-province code of the CCCD scheme."""
    return len(digits) == 12 and digits.isdigit() and digits[:3] in CCCD_PROVINCE_CODES


@dataclass(frozen=True, slots=True)
class CccdCheck:
    rules: tuple[str, ...] = ()
    birth_year: int | None = None  # what the number says
    gender: str | None = None


@lru_cache(maxsize=65536)
def check_cccd(gender_century: int, year_digits: int, birth_year: int | None,
               gender: str | None) -> CccdCheck:
    """Whether a CCCD's 4th digit (gender and century) and 5th–6th digits (year) agree with the
    record's birth year and gender; and the birth year and gender the number itself gives."""
    year = FIRST_CENTURY + 100 * (gender_century // 2) + year_digits
    said_gender = "female" if gender_century % 2 else "male"
    rules = []
    if (birth_year is not None and birth_year // 100 != year // 100) or \
            (gender is not None and gender != said_gender):
        rules.append(CCCD_GENDER_CENTURY)
    if birth_year is not None and birth_year % 100 != year_digits:
        rules.append(CCCD_BIRTH_YEAR)
    return CccdCheck(tuple(rules), year, said_gender)


def check_national_id(national_id: str, *, birth_year: int | None = None,
                      gender: str | None = None) -> CccdCheck:
    """`check_cccd` for a well-formed number."""
    return check_cccd(int(national_id[3]), int(national_id[4:6]), birth_year, gender)


# -- phones ----------------------------------------------------------------------------------------

# 2018: 11-digit mobile prefixes → 10-digit ones.
OLD_MOBILE_PREFIXES = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039",
    "0186": "056", "0188": "058", "0199": "059",
}
# 2017: old landline area codes → new ones (with the leading 0). Vĩnh Phúc 0211, Phú Thọ 0210,
# Hòa Bình 0218 and Hà Giang 0219 kept theirs.
OLD_AREA_CODES = {
    # phase 1 (11 February 2017)
    "022": "0212", "0231": "0213", "020": "0214", "0230": "0215", "029": "0216", "052": "0232",
    "053": "0233", "054": "0234", "0510": "0235", "0511": "0236", "037": "0237", "038": "0238",
    "039": "0239",
    # phases 2 and 3 (15 April and 17 June 2017)
    "033": "0203", "0240": "0204", "025": "0205", "026": "0206", "027": "0207", "0280": "0208",
    "0281": "0209", "0320": "0220", "0321": "0221", "0241": "0222", "031": "0225",
    "0351": "0226", "036": "0227", "0350": "0228", "030": "0229", "04": "024", "08": "028",
    "061": "0251", "062": "0252", "064": "0254", "055": "0255", "056": "0256", "057": "0257",
    "058": "0258", "068": "0259", "060": "0260", "0501": "0261", "0500": "0262", "063": "0263",
    "059": "0269", "070": "0270", "0651": "0271", "072": "0272", "073": "0273", "0650": "0274",
    "075": "0275", "066": "0276", "067": "0277", "0780": "0290", "0781": "0291", "0710": "0292",
    "0711": "0293", "074": "0294", "076": "0296", "077": "0297", "079": "0299",
}
MOBILE = re.compile(r"0[35789]\d{8}")
LANDLINE = re.compile(r"02\d{9}")
# A current mobile or landline number needs no reading (the bulk path skips it); RE2 and Python.
CURRENT_PHONE = r"(0[35789]\d{8}|02\d{9})"
PHONE_SEPARATORS_RE2 = r"[\s.\-()/]"
PHONE_SEPARATORS = re.compile(PHONE_SEPARATORS_RE2)


@dataclass(frozen=True, slots=True)
class PhoneReading:
    phone: str | None = None  # 10-digit mobile (0xxxxxxxxx) or 11-digit landline (02xxxxxxxxx)
    rules: tuple[str, ...] = ()


def clean_phone(text: str) -> str:
    """The number without spaces, dots, dashes, brackets."""
    return PHONE_SEPARATORS.sub("", text)


@lru_cache(maxsize=65536)
def read_phone(text: str | None) -> PhoneReading:
    """A phone number as written: with separators, +84/84/0084, an old 11-digit mobile prefix, an
    old landline area code, or without its leading zero (a spreadsheet's number)."""
    if text is None or not text.strip():
        return PhoneReading()
    number, rules = clean_phone(text), []
    for prefix in ("+84", "0084", "84"):
        if number.startswith(prefix) and len(number) - len(prefix) in (9, 10):
            number = "0" + number[len(prefix):]
            rules.append(PHONE_COUNTRY_CODE)
            break
    if not number.isdigit():
        return PhoneReading(rules=(PHONE_INVALID,))
    if not number.startswith("0") and len(number) in (9, 10):
        number = "0" + number
        rules.append(PHONE_LEADING_ZERO)
    if MOBILE.fullmatch(number) or LANDLINE.fullmatch(number):
        return PhoneReading(number, tuple(rules))
    if len(number) == 11 and number[:4] in OLD_MOBILE_PREFIXES:
        return PhoneReading(OLD_MOBILE_PREFIXES[number[:4]] + number[4:],
                            (*rules, PHONE_OLD_PREFIX))
    for length in (4, 3, 2):
        code = OLD_AREA_CODES.get(number[:length])
        if code and len(number) in (10, 11):
            new = code + number[length:]
            if LANDLINE.fullmatch(new):
                return PhoneReading(new, (*rules, PHONE_OLD_AREA_CODE))
    return PhoneReading(rules=(PHONE_INVALID,))
