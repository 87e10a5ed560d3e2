"""Vietnamese full names for demo people: family name, middle name(s) and given name.

Our own generator: fake-data libraries produce names no Vietnamese parent would choose. The
weights follow published surname frequencies (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %,
Phạm ≈ 7 %), tilted to the south-central coast, where Huỳnh outnumbers Hoàng and Võ outnumbers
Vũ (the same surnames, spelled differently since the Nguyễn lords' naming taboos). Middle and
given names change with the generation: "Văn" and "Thị" are fading, two-syllable given names
("Bảo Ngọc", "Minh Khang") and a second family name from the mother are a newer fashion.
"""

import random
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

MALE = "male"
FEMALE = "female"

FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0),
    ("Huỳnh", 3.6), ("Hoàng", 1.4), ("Phan", 4.3), ("Võ", 3.0), ("Vũ", 0.9),
    ("Đặng", 2.0), ("Bùi", 1.8), ("Đỗ", 1.3), ("Hồ", 1.5), ("Ngô", 1.3), ("Dương", 1.0),
    ("Lý", 0.5), ("Trương", 1.2), ("Đinh", 0.8), ("Đoàn", 0.8), ("Lương", 0.5), ("Mai", 0.6),
    ("Cao", 0.5), ("Châu", 0.4), ("Lâm", 0.4), ("Tô", 0.3), ("Đào", 0.5), ("Thái", 0.4),
    ("Trịnh", 0.4), ("Tạ", 0.3), ("Hà", 0.4), ("Lưu", 0.3), ("Ông", 0.2), ("Ung", 0.15),
    ("Nguyễn Phước", 0.1),
)
# Women of the Nguyễn royal clan carry "Tôn Nữ" (still met around Huế and Quảng Nam).
FEMALE_CLAN_NAME = "Tôn Nữ"

# Birth-year cut-offs of the generations whose naming fashions differ.
GENERATIONS = ((1965, "elder"), (1985, "middle"), (2005, "young"), (9999, "recent"))

# Middle names: (middle, weight) by generation; "" means none.
MIDDLE_NAMES: dict[str, dict[str, tuple[tuple[str, float], ...]]] = {
    MALE: {
        "elder": (("Văn", 70), ("Hữu", 5), ("Đức", 4), ("Công", 4), ("Đình", 4), ("Tấn", 4),
                  ("Quang", 3), ("Minh", 3), ("Xuân", 2), ("Bá", 2), ("Ngọc", 2), ("", 2)),
        "middle": (("Văn", 42), ("Hữu", 6), ("Đức", 7), ("Minh", 8), ("Quốc", 6), ("Công", 5),
                   ("Thanh", 5), ("Tấn", 5), ("Đình", 4), ("Quang", 5), ("Xuân", 3),
                   ("Ngọc", 2), ("Trọng", 2)),
        "young": (("Văn", 18), ("Minh", 14), ("Quốc", 9), ("Đức", 9), ("Hữu", 6), ("Hoàng", 7),
                  ("Tấn", 5), ("Công", 5), ("Anh", 6), ("Thành", 5), ("Quang", 7),
                  ("Nhật", 4), ("Gia", 4), ("Trung", 3)),
        "recent": (("Văn", 7), ("Minh", 18), ("Gia", 16), ("Đức", 8), ("Bảo", 9), ("Quốc", 6),
                    ("Hoàng", 8), ("Anh", 6), ("Đăng", 6), ("Nhật", 6), ("Thiên", 5),
                    ("Phúc", 3), ("Khánh", 4)),
    },
    FEMALE: {
        "elder": (("Thị", 85), ("Thị Ngọc", 3), ("Thị Kim", 3), ("Thị Thu", 2), ("Ngọc", 2),
                  ("Kim", 2), ("Thu", 2), ("Thanh", 1)),
        "middle": (("Thị", 55), ("Thị Thu", 5), ("Thị Ngọc", 4), ("Thị Thanh", 4), ("Ngọc", 7),
                   ("Thu", 5), ("Kim", 4), ("Thanh", 5), ("Mỹ", 4), ("Bích", 3), ("Hồng", 4)),
        "young": (("Thị", 26), ("Ngọc", 13), ("Thu", 7), ("Thanh", 7), ("Mỹ", 6), ("Phương", 6),
                  ("Thùy", 6), ("Kim", 4), ("Minh", 5), ("Hoài", 4), ("Diễm", 3), ("Quỳnh", 5),
                  ("Thị Ngọc", 4), ("Thị Thu", 4)),
        "recent": (("Thị", 10), ("Ngọc", 15), ("Bảo", 13), ("Gia", 10), ("Minh", 9),
                    ("Khánh", 9), ("Phương", 7), ("Thảo", 5), ("Tường", 4), ("An", 5),
                    ("Ngọc Bảo", 4), ("Hoàng", 4), ("Mỹ", 5)),
    },
}

# Given names by generation, each weighted equally.
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    MALE: {
        "elder": ("Hùng", "Dũng", "Hải", "Sơn", "Tâm", "Minh", "Bình", "Tuấn", "Nam", "Hòa",
                  "Lợi", "Phúc", "Thành", "Trung", "Quang", "Lâm", "Cường", "Đông", "Châu",
                  "Định", "Hiệp", "Thạnh", "Phước", "Lộc", "Tư", "Ba", "Chín", "Mười", "Khánh",
                  "Thắng", "Sang", "Thọ"),
        "middle": ("Tuấn", "Hưng", "Long", "Hiếu", "Thắng", "Trung", "Hoàng", "Vinh", "Quân",
                   "Phong", "Duy", "Tài", "Nhân", "Thịnh", "Hòa", "Tú", "Kiên", "Khoa", "Thái",
                   "Dũng", "Hùng", "Sơn", "Hải", "Cường", "Việt", "Toàn", "Nghĩa", "Phương",
                   "Thanh", "Lực"),
        "young": ("Huy", "Khang", "Bảo", "Phát", "Đạt", "Nam", "Khôi", "Lộc", "Tín", "Hoàng",
                  "Quân", "Thiện", "Trí", "Nhật", "Phúc", "Vũ", "Tâm", "Hiếu", "Duy", "Long",
                  "Tuấn", "Thịnh", "Kiệt", "Sang", "Thành", "Hậu"),
        "recent": ("Khang", "Bảo", "An", "Minh", "Khôi", "Phúc", "Lâm", "Nguyên", "Khoa",
                    "Kiệt", "Huy", "Phong", "Quân", "Duy", "Đăng", "Hưng", "Vinh", "Nam",
                    "Thịnh", "Tín"),
    },
    FEMALE: {
        "elder": ("Lan", "Hoa", "Hương", "Hồng", "Mai", "Cúc", "Liên", "Nga", "Hạnh", "Thủy",
                  "Tuyết", "Loan", "Sương", "Nguyệt", "Xuân", "Thu", "Phượng", "Hằng", "Lệ",
                  "Lài", "Huệ", "Đào", "Tám", "Bảy", "Sáu", "Yến", "Dung", "Bích"),
        "middle": ("Hằng", "Hà", "Trang", "Linh", "Thảo", "Phương", "Dung", "Nhung", "Yến",
                   "Huyền", "Vân", "Hiền", "Thúy", "Oanh", "Diễm", "Trinh", "Hương", "Hạnh",
                   "Lan", "Liên", "Tâm", "Thủy", "Ngọc", "Nga", "Quyên", "Xuân"),
        "young": ("Trang", "Linh", "Ngân", "Vy", "Nhi", "Thảo", "Uyên", "Quỳnh", "My", "Hân",
                  "Anh", "Ngọc", "Hiền", "Yến", "Giang", "Thư", "Trâm", "Nhung", "Duyên",
                  "Phương", "Hằng", "Ly", "Tiên", "Trinh"),
        "recent": ("An", "Ngân", "Vy", "Nhi", "Hân", "Anh", "My", "Châu", "Như", "Thư",
                    "Khuê", "Diệp", "Chi", "Tâm", "Nhiên", "Ngọc", "Trâm", "Linh", "Hà",
                    "Tuệ", "Ngân", "Lam"),
    },
}

# Newer fashion: a given name of two syllables that belong together, with no separate middle.
COMPOUND_GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    MALE: ("Minh Khang", "Gia Bảo", "Đăng Khoa", "Anh Tuấn", "Minh Quân", "Gia Huy",
           "Tuấn Kiệt", "Thiên Ân", "Hoàng Phúc", "Minh Khôi", "Bảo Long", "Nhật Minh",
           "Quốc Bảo", "Trung Kiên", "Hữu Phước", "Minh Nhật"),
    FEMALE: ("Bảo Ngọc", "Bảo Anh", "Khánh Linh", "Gia Hân", "Ngọc Hân", "Minh Anh",
             "Phương Anh", "Thảo Vy", "Tường Vy", "Bảo Trâm", "Khánh Ngân", "Yến Nhi",
             "Mai Anh", "Ngọc Diệp", "Thanh Trúc", "Hoài An", "Minh Châu", "Quỳnh Như"),
}
# Chance of a two-syllable given name, and of a second family name (the mother's), by generation.
COMPOUND_GIVEN_SHARE = {"elder": 0.0, "middle": 0.04, "young": 0.15, "recent": 0.28}
DOUBLE_FAMILY_SHARE = {"elder": 0.0, "middle": 0.01, "young": 0.04, "recent": 0.08}


@dataclass(frozen=True)
class PersonName:
    family: str
    middle: str
    given: str

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.family, self.middle, self.given) if part)

    @property
    def syllables(self) -> list[str]:
        return self.full.split()


class _Weighted:
    """Pick from (value, weight) pairs with a given random source, without re-summing each time."""

    def __init__(self, pairs):
        self.values = [value for value, _ in pairs]
        self.cum_weights = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


_FAMILY = _Weighted(FAMILY_NAMES)
_MIDDLE = {
    gender: {generation: _Weighted(pairs) for generation, pairs in by_generation.items()}
    for gender, by_generation in MIDDLE_NAMES.items()
}


def generation_of(birth_year: int) -> str:
    return next(name for last_year, name in GENERATIONS if birth_year < last_year)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _family_name(rng: random.Random, gender: str) -> str:
    family = _FAMILY.pick(rng)
    if gender == FEMALE and family == "Nguyễn Phước" and rng.random() < 0.5:
        family = FEMALE_CLAN_NAME
    return family


def generate_name(rng: random.Random, *, gender: str, birth_year: int) -> PersonName:
    """A full name a person of this gender born in `birth_year` in central Vietnam might carry."""
    generation = generation_of(birth_year)
    family = _family_name(rng, gender)
    if rng.random() < COMPOUND_GIVEN_SHARE[generation]:
        middle, given = rng.choice(COMPOUND_GIVEN_NAMES[gender]).split()
    else:
        middle = _MIDDLE[gender][generation].pick(rng)
        given = rng.choice(GIVEN_NAMES[gender][generation])
        # Parents do not repeat a syllable ("Bảo Bảo"): draw another given name.
        while given in middle.split():
            given = rng.choice(GIVEN_NAMES[gender][generation])
    # A second family name (usually the mother's) only when the name stays within 4 syllables.
    if len(family.split()) == 1 and len(middle.split()) <= 1 and (
        rng.random() < DOUBLE_FAMILY_SHARE[generation]
    ):
        second = _FAMILY.pick(rng)
        if second != family and len(second.split()) == 1:
            family = f"{family} {second}"
    # At most four syllables: a two-syllable family name keeps one middle syllable.
    if len(family.split()) + len(middle.split()) > 3:
        middle = middle.split()[0]
    # Avoid a middle name ending like the given name ("Minh Minh").
    if middle.split()[-1:] == [given]:
        middle = " ".join(middle.split()[:-1])
    return PersonName(_nfc(family), _nfc(middle), _nfc(given))


class NameGenerator:
    """Deterministic stream of names: the same seed gives the same people on every run."""

    def __init__(self, seed: int | str = 0):
        self.rng = random.Random(seed)

    def name(self, *, gender: str, birth_year: int) -> PersonName:
        return generate_name(self.rng, gender=gender, birth_year=birth_year)
