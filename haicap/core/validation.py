"""Checks of the identifiers citizens type: personal identification number (CCCD) and phone."""

import re
from datetime import date

from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput

# Birth-place codes of the 63 provinces before 2025; CCCD numbers keep using them.
CCCD_PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
        35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
        68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)
# The fourth digit encodes gender and century: even = male, odd = female.
CENTURY_BY_DIGIT_PAIR = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 2300}

PHONE_PATTERN = re.compile(r"^0[35789]\d{8}$")


def national_id_digit(gender: str, year: int) -> int:
    """The gender-and-century digit of a CCCD number for a person born in `year`."""
    century = (year // 100) * 100
    pair = next(pair for pair, start in CENTURY_BY_DIGIT_PAIR.items() if start == century)
    return pair * 2 + (1 if gender == "female" else 0)


def birth_year_from_national_id(national_id: str) -> int:
    digit = int(national_id[3])
    return CENTURY_BY_DIGIT_PAIR[digit // 2] + int(national_id[4:6])


def gender_from_national_id(national_id: str) -> str:
    return "female" if int(national_id[3]) % 2 else "male"


def validate_national_id(national_id: str, *, date_of_birth: date | None = None,
                         gender: str = "") -> str:
    """Raise InvalidInput unless `national_id` is a well-formed 12-digit CCCD number."""
    if not re.fullmatch(r"\d{12}", national_id or ""):
        raise InvalidInput(
            _("The personal identification number must have exactly 12 digits."),
            code="invalid_national_id",
        )
    if national_id[:3] not in CCCD_PROVINCE_CODES:
        raise InvalidInput(
            _("The first three digits are not a valid birth-province code."),
            code="invalid_national_id_province",
        )
    if date_of_birth and birth_year_from_national_id(national_id) != date_of_birth.year:
        raise InvalidInput(
            _("The personal identification number does not match the year of birth."),
            code="national_id_birth_year_mismatch",
        )
    if gender and gender_from_national_id(national_id) != gender:
        raise InvalidInput(
            _("The personal identification number does not match the gender."),
            code="national_id_gender_mismatch",
        )
    return national_id


def normalize_phone(phone: str) -> str:
    """A Vietnamese mobile number in its 10-digit form (0xxxxxxxxx); +84/84 prefixes accepted."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not PHONE_PATTERN.match(digits):
        raise InvalidInput(
            _("The phone number must have 10 digits and start with 03, 05, 07, 08 or 09."),
            code="invalid_phone",
        )
    return digits
