"""Demo residents: gender, date of birth, name, CCCD number and phone, drawn together.

Ages follow the shape of Vietnam's population pyramid (2019 census, 5-year bands), counted back
from a fixed reference date so that every run yields the same people, newborns included.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from haicap.core.demo.names import FEMALE, MALE, PersonName, generate_name
from haicap.core.demo.national_ids import NationalIdIssuer

REFERENCE_DATE = date(2026, 10, 1)

# Share of the population (in %) by age band 0–4, 5–9, …, 95–99.
AGE_BAND_WEIGHTS = (7.5, 8.3, 7.8, 6.8, 6.9, 7.6, 8.3, 8.0, 7.3, 6.8, 6.2, 5.5, 4.5, 3.4, 2.3,
                    1.5, 1.0, 0.6, 0.3, 0.1)
# Newborns get a personal identification number at birth registration; at 14 a citizen card.
MIN_AGE_WITH_PHONE = 15

# Mobile prefixes of the Vietnamese networks since the 2018 renumbering (Viettel, MobiFone,
# VinaPhone, Vietnamobile, Gmobile), weighted roughly by market share.
PHONE_PREFIXES = (
    ("086", 4), ("096", 6), ("097", 7), ("098", 7), ("032", 3), ("033", 3), ("034", 3),
    ("035", 3), ("036", 3), ("037", 3), ("038", 3), ("039", 3),
    ("089", 2), ("090", 5), ("093", 4), ("070", 2), ("076", 1), ("077", 2), ("078", 1),
    ("079", 1),
    ("088", 2), ("091", 4), ("094", 3), ("081", 1), ("082", 1), ("083", 1), ("084", 1),
    ("085", 1),
    ("092", 1), ("056", 1), ("058", 1), ("099", 1), ("059", 1),
)


@dataclass(frozen=True)
class DemoPerson:
    name: PersonName
    gender: str
    date_of_birth: date
    national_id: str
    phone: str

    @property
    def full_name(self) -> str:
        return self.name.full


class PersonGenerator:
    """A deterministic stream of residents for one seed."""

    def __init__(self, seed: int | str = 0, *, taken_ids: set[str] | None = None,
                 taken_phones: set[str] | None = None):
        self.rng = random.Random(seed)
        self.ids = NationalIdIssuer(self.rng, taken=taken_ids)
        self.phones: set[str] = set(taken_phones or ())

    def date_of_birth(self) -> date:
        band = self.rng.choices(range(len(AGE_BAND_WEIGHTS)), weights=AGE_BAND_WEIGHTS)[0]
        age_days = self.rng.randrange(band * 5 * 365, (band + 1) * 5 * 365)
        return REFERENCE_DATE - timedelta(days=age_days)

    def phone(self) -> str:
        prefixes = [prefix for prefix, _ in PHONE_PREFIXES]
        weights = [weight for _, weight in PHONE_PREFIXES]
        while True:
            prefix = self.rng.choices(prefixes, weights=weights)[0]
            number = f"{prefix}{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def person(self, *, home_province: str = "048") -> DemoPerson:
        # Slightly more women than men, as in the census (women live longer).
        gender = FEMALE if self.rng.random() < 0.505 else MALE
        born = self.date_of_birth()
        age = (REFERENCE_DATE - born).days // 365
        return DemoPerson(
            name=generate_name(self.rng, gender=gender, birth_year=born.year),
            gender=gender,
            date_of_birth=born,
            national_id=self.ids.issue(
                birth_province=self.ids.birth_province(home_province),
                gender=gender,
                date_of_birth=born,
            ),
            phone=self.phone() if age >= MIN_AGE_WITH_PHONE else "",
        )
