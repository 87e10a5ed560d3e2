"""Personal identification numbers (CCCD) with the real 12-digit structure.

Digits 1–3: the birth-province code (the 63 pre-2025 provinces; CCCD numbers keep them after the
merger), digit 4: gender and century (0/1 = male/female born 1900–1999, 2/3 = born 2000–2099),
digits 5–6: the last two digits of the birth year, digits 7–12: a serial number.
"""

import random
from datetime import date

from haicap.core.validation import CCCD_PROVINCE_CODES, national_id_digit

DA_NANG = "048"
QUANG_NAM = "049"

# Where people living in the new Đà Nẵng were born, by the old province their commune was in.
# Most were born where they live; the rest mainly in the neighbouring provinces and the two big
# cities. Codes: 046 Thừa Thiên Huế, 051 Quảng Ngãi, 052 Bình Định, 044 Quảng Bình,
# 045 Quảng Trị, 042 Hà Tĩnh, 040 Nghệ An, 038 Thanh Hóa, 001 Hà Nội, 079 TP Hồ Chí Minh,
# 066 Đắk Lắk, 064 Gia Lai, 062 Kon Tum.
_ELSEWHERE = (("046", 3.0), ("051", 3.0), ("052", 1.5), ("044", 1.0), ("045", 1.0),
              ("042", 0.8), ("040", 0.8), ("038", 0.6), ("001", 1.0), ("079", 1.2),
              ("066", 0.4), ("064", 0.4), ("062", 0.3))
BIRTH_PROVINCE_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    DA_NANG: ((DA_NANG, 62.0), (QUANG_NAM, 22.0), *_ELSEWHERE),
    QUANG_NAM: ((QUANG_NAM, 82.0), (DA_NANG, 6.0), *_ELSEWHERE),
}
assert all(code in CCCD_PROVINCE_CODES for pairs in BIRTH_PROVINCE_WEIGHTS.values()
           for code, _ in pairs)


class NationalIdIssuer:
    """Issues unique CCCD numbers, deterministic for a seed."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self.rng = rng
        self.issued: set[str] = set(taken or ())

    def birth_province(self, home_province: str) -> str:
        pairs = BIRTH_PROVINCE_WEIGHTS.get(home_province)
        if pairs is None:  # a demo of another province: mostly born there
            home = home_province if home_province in CCCD_PROVINCE_CODES else DA_NANG
            pairs = ((home, 85.0), *_ELSEWHERE)
        codes = [code for code, _ in pairs]
        return self.rng.choices(codes, weights=[weight for _, weight in pairs])[0]

    def issue(self, *, birth_province: str, gender: str, date_of_birth: date) -> str:
        prefix = (
            f"{birth_province}{national_id_digit(gender, date_of_birth.year)}"
            f"{date_of_birth.year % 100:02d}"
        )
        while True:
            number = f"{prefix}{self.rng.randrange(1_000_000):06d}"
            if number not in self.issued:
                self.issued.add(number)
                return number
