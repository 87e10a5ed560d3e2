"""Builders of offices, officers and residents for tests, through the real services."""

import itertools

from haicap.core import services
from haicap.core.roles import OfficeKind, Role
from haicap.core.validation import national_id_digit
from haicap.units.models import Commune

PASSWORD = "test-pass-1234"
_serial = itertools.count(1)


def communes(province_code: str = "48", count: int = 2) -> list[Commune]:
    return list(Commune.objects.filter(province_id=province_code).order_by("code")[:count])


def commune_office(commune: Commune):
    return services.create_office(code=f"UB-{commune.code}", name=f"UBND {commune.name}",
                                  kind=OfficeKind.COMMUNE, province=commune.province,
                                  commune=commune)


def province_office(province_code: str = "48", kind: str = OfficeKind.ONE_STOP_CENTRE):
    commune = Commune.objects.filter(province_id=province_code).first()
    return services.create_office(code=f"{kind}-{province_code}", name=f"{kind} {province_code}",
                                  kind=kind, province=commune.province)


def officer(office, role: str = Role.DESK_OFFICER):
    number = next(_serial)
    return services.create_officer(username=f"officer{number}", full_name=f"Cán bộ {number}",
                                   role=role, office=office, password=PASSWORD)


def national_id(gender: str = "female", year: int = 1990) -> str:
    return f"048{national_id_digit(gender, year)}{year % 100:02d}{next(_serial):06d}"


def resident(commune: Commune, full_name: str = "Nguyễn Thị Lan", phone: str = "0905123456"):
    from datetime import date

    return services.register_citizen(
        national_id=national_id("female", 1990), full_name=full_name,
        date_of_birth=date(1990, 5, 17), gender="female", phone=phone,
        address_street="12 Trần Phú", residence_commune=commune,
    )
