"""Building the demo province: its offices, officers and residents, through the core services.

Everything is derived from a seed, so every run creates the same offices, logins and people.
The whole build is one transaction: an error leaves the database as it was.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from haicap.core import audit, services
from haicap.core.context import ActorContext, reset_actor, set_actor
from haicap.core.demo.addresses import street_address
from haicap.core.demo.names import generate_name
from haicap.core.demo.national_ids import DA_NANG
from haicap.core.demo.people import PersonGenerator
from haicap.core.models import Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.core.text import fold
from haicap.units.models import Commune, CommuneKind, CommuneSuccession, Province

if TYPE_CHECKING:
    from haicap.core.demo.dossiers import DemoDossiers

DEMO_PASSWORD = "haicap-demo"
DEMO_SEED = 48
DEFAULT_CITIZENS = 2000
DEMO_ACTOR = ActorContext(actor_id=None, actor="haicap demo")

# Province departments that handle the catalogue's procedures, as reorganized in March 2025
# (Resolution 18-NQ/TW, Decree 45/2025/NĐ-CP): Planning and Investment merged into Finance
# (business registration), Transport into Construction (building permits), Natural Resources into
# Agriculture and Environment (land), Information and Communications into Science and Technology
# (digital transformation, the operations centre); Labour, Invalids and Social Affairs was split:
# labour and people with merit went to Home Affairs, social protection and children to Health.
# Justice keeps civil status oversight, judicial records and certification. The police (residence)
# are a ministry's force, not a department, and run their own portal.
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # (code prefix, username suffix, name)
    ("STP", "sotuphap", "Sở Tư pháp"),
    ("SXD", "soxaydung", "Sở Xây dựng"),
    ("STC", "sotaichinh", "Sở Tài chính"),
    ("SNV", "sonoivu", "Sở Nội vụ"),
    ("SYT", "soyte", "Sở Y tế"),
    ("SNNMT", "sonnmt", "Sở Nông nghiệp và Môi trường"),
    ("SKHCN", "sokhcn", "Sở Khoa học và Công nghệ"),
    ("SCT", "socongthuong", "Sở Công Thương"),
)
CENTRE_PREFIX = "TTHCC"
ADMIN_USERNAME = "admin"
COMMUNE_LOGINS = ((Role.DESK_OFFICER, "motcua"), (Role.SPECIALIST, "chuyenvien"),
                  (Role.LEADER, "lanhdao"))
# Logins printed at the end of the command; every commune has its three like Hải Châu's.
LISTED_USERNAMES = (
    ADMIN_USERNAME, "motcua.trungtam", "chuyenvien.trungtam", "lanhdao.trungtam",
    "chuyenvien.sotuphap", "lanhdao.sotuphap", "dieuhanh", "dulieu", "motcua.haichau",
    "chuyenvien.haichau", "lanhdao.haichau", "motcua.hoian", "chuyenvien.hoian", "lanhdao.hoian",
)
OPERATIONS_PREFIX = "IOC"

# Citizens per commune are drawn in proportion to these weights: the old city's wards are dense,
# Quảng Nam's lowland wards and communes less so, the mountain and island communes sparse.
# Hoàng Sa (the Paracel Islands) has no resident population.
WEIGHT_CITY_WARD = 10.0
WEIGHT_CITY_COMMUNE = 5.0
WEIGHT_TOWN_WARD = 4.0
WEIGHT_LOWLAND_COMMUNE = 2.5
WEIGHT_UPLAND_COMMUNE = 1.0
UPLAND_AND_ISLAND_COMMUNES = frozenset({
    "ba na", "tra lien", "tra giap", "tra tan", "tra doc", "tra my", "nam tra my", "tra tap",
    "tra van", "tra linh", "tra leng", "thanh my", "ben giang", "nam giang", "dac pring",
    "la dee", "la ee", "song vang", "song kon", "dong giang", "ben hien", "avuong", "tay giang",
    "hung son", "kham duc", "phuoc nang", "phuoc chanh", "phuoc thanh", "phuoc hiep",
    "phuoc tra", "viet an", "hiep duc", "tien phuoc", "lanh ngoc", "thanh binh", "son cam ha",
    "nong son", "que phuoc", "thuong duc", "ha nha", "tan hiep",
})
UNINHABITED_COMMUNES = frozenset({"hoang sa"})

KIND_PREFIXES = {"Phường ": CommuneKind.WARD, "Xã ": CommuneKind.COMMUNE,
                 "Đặc khu ": CommuneKind.SPECIAL_ZONE}


class DemoPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds, only while the demo creates ~300 officers with its public password.

    At full strength (one million rounds) that alone would take minutes. The hash keeps the
    standard format, so the normal hasher checks it and upgrades it on the officer's first
    sign-in.
    """

    iterations = 1_000


@contextmanager
def _fast_demo_hashing() -> Iterator[None]:
    with override_settings(
        PASSWORD_HASHERS=["haicap.core.demo.load.DemoPasswordHasher", *settings.PASSWORD_HASHERS]
    ):
        yield


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    office: str


@dataclass
class DemoReport:
    province: Province
    already_loaded: bool = False
    reset: bool = False
    offices: int = 0
    officers: int = 0
    citizens: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    example_citizens: list[User] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    dossiers: "DemoDossiers | None" = None


def short_name(commune: Commune) -> str:
    """"Phường Hải Châu" → "Hải Châu"."""
    for prefix in KIND_PREFIXES:
        if commune.name.startswith(prefix):
            return commune.name[len(prefix):]
    return commune.name


def codename(commune: Commune) -> str:
    """The ASCII name in the commune's logins: "Phường Hội An Đông" → "hoiandong"."""
    return "".join(ch for ch in fold(short_name(commune)) if ch.isalnum())


def commune_codenames(communes: list[Commune]) -> dict[str, str]:
    """Codenames by commune code, made unique with the kind where two communes share a name."""
    names = {commune.code: codename(commune) for commune in communes}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    kind_words = {CommuneKind.WARD: "phuong", CommuneKind.COMMUNE: "xa",
                  CommuneKind.SPECIAL_ZONE: "dackhu"}
    return {
        commune.code: (names[commune.code] if counts[names[commune.code]] == 1
                       else f"{kind_words.get(commune.kind, 'xa')}{names[commune.code]}")
        for commune in communes
    }


def commune_office_code(commune: Commune) -> str:
    return f"UB-{commune.code}"


def province_office_codes(province_code: str) -> list[str]:
    return [f"{prefix}-{province_code}"
            for prefix in (CENTRE_PREFIX, OPERATIONS_PREFIX, *(d[0] for d in DEPARTMENTS))]


def demo_office_codes(province: Province) -> list[str]:
    communes = Commune.objects.filter(province=province).values_list("code", flat=True)
    return [f"UB-{code}" for code in communes] + province_office_codes(province.code)


def is_loaded(province: Province) -> bool:
    return Office.objects.filter(code=f"{CENTRE_PREFIX}-{province.code}").exists()


def old_province_of(communes: list[Commune]) -> dict[str, str]:
    """The pre-2025 province (as a CCCD birth code) each new commune was mostly formed from."""
    rows = CommuneSuccession.objects.filter(
        commune__in=communes, is_default=True
    ).values_list("commune_id", "legacy_commune__district__province_id")
    votes: dict[str, dict[str, int]] = {}
    for commune_code, legacy_province in rows:
        by_province = votes.setdefault(commune_code, {})
        by_province[legacy_province] = by_province.get(legacy_province, 0) + 1
    return {
        code: f"{int(max(counts, key=counts.get)):03d}" for code, counts in votes.items()
    }


def commune_weight(commune: Commune, old_province: str) -> float:
    key = fold(short_name(commune))
    if key in UNINHABITED_COMMUNES:
        return 0.0
    if key in UPLAND_AND_ISLAND_COMMUNES:
        return WEIGHT_UPLAND_COMMUNE
    is_ward = commune.kind == CommuneKind.WARD
    if old_province == DA_NANG:
        return WEIGHT_CITY_WARD if is_ward else WEIGHT_CITY_COMMUNE
    return WEIGHT_TOWN_WARD if is_ward else WEIGHT_LOWLAND_COMMUNE


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainder), exactly and repeatably."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    shares = {key: total * weight / weight_sum for key, weight in weights.items()}
    counts = {key: int(share) for key, share in shares.items()}
    by_remainder = sorted(weights, key=lambda key: (-(shares[key] - counts[key]), key))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


class _DemoBuilder:
    def __init__(self, province: Province, *, seed: int):
        self.province = province
        self.seed = seed
        self.officer_rng = random.Random(f"{seed}-officers")
        self.report = DemoReport(province=province)

    def officer_name(self) -> str:
        gender = self.officer_rng.choice(("male", "female"))
        birth_year = self.officer_rng.randint(1968, 1999)
        return generate_name(self.officer_rng, gender=gender, birth_year=birth_year).full

    def office(self, *, code: str, name: str, kind: str, commune: Commune | None = None) -> Office:
        self.report.offices += 1
        return services.create_office(code=code, name=name, kind=kind, province=self.province,
                                      commune=commune)

    def officer(self, *, username: str, role: str, office: Office) -> None:
        services.create_officer(username=username, full_name=self.officer_name(), role=role,
                                office=office, password=DEMO_PASSWORD)
        self.report.officers += 1

    def build(self, *, citizens: int) -> None:
        communes = list(Commune.objects.filter(province=self.province).order_by("code"))
        codenames = commune_codenames(communes)
        province_name = self.province.name[:1].lower() + self.province.name[1:]
        centre = self.office(
            code=f"{CENTRE_PREFIX}-{self.province.code}",
            name=f"Trung tâm Phục vụ hành chính công {province_name}",
            kind=OfficeKind.ONE_STOP_CENTRE,
        )
        self.officer(username="motcua.trungtam", role=Role.DESK_OFFICER, office=centre)
        # The centre appraises the province-level procedures no department executes.
        self.officer(username="chuyenvien.trungtam", role=Role.SPECIALIST, office=centre)
        self.officer(username="lanhdao.trungtam", role=Role.LEADER, office=centre)

        departments = {}
        for prefix, suffix, name in DEPARTMENTS:
            department = self.office(code=f"{prefix}-{self.province.code}", name=name,
                                     kind=OfficeKind.DEPARTMENT)
            departments[prefix] = department
            self.officer(username=f"chuyenvien.{suffix}", role=Role.SPECIALIST,
                         office=department)
            self.officer(username=f"lanhdao.{suffix}", role=Role.LEADER, office=department)

        operations = self.office(
            code=f"{OPERATIONS_PREFIX}-{self.province.code}",
            name="Trung tâm Giám sát, điều hành đô thị thông minh",
            kind=OfficeKind.DEPARTMENT,
        )
        self.officer(username="dieuhanh", role=Role.OPS_VIEWER, office=operations)
        self.officer(username="dulieu", role=Role.DATA_STEWARD, office=departments["SKHCN"])

        for commune in communes:
            office = self.office(code=commune_office_code(commune), name=f"UBND {commune.name}",
                                 kind=OfficeKind.COMMUNE, commune=commune)
            for role, word in COMMUNE_LOGINS:
                self.officer(username=f"{word}.{codenames[commune.code]}", role=role,
                             office=office)

        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            services.create_administrator(username=ADMIN_USERNAME, full_name="Quản trị hệ thống",
                                          password=DEMO_PASSWORD)
        self.residents(communes, citizens)

    def residents(self, communes: list[Commune], total: int) -> None:
        old_provinces = old_province_of(communes)
        home = {c.code: old_provinces.get(c.code, DA_NANG) for c in communes}
        counts = allocate(total, {c.code: commune_weight(c, home[c.code]) for c in communes})
        taken_ids = set(User.objects.exclude(national_id=None)
                        .values_list("national_id", flat=True))
        people = PersonGenerator(f"{self.seed}-citizens", taken_ids=taken_ids)
        address_rng = random.Random(f"{self.seed}-addresses")
        for commune in communes:
            is_ward = commune.kind != CommuneKind.COMMUNE
            for _ in range(counts[commune.code]):
                person = people.person(home_province=home[commune.code])
                services.register_citizen(
                    national_id=person.national_id,
                    full_name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    gender=person.gender,
                    phone=person.phone,
                    address_street=street_address(address_rng,
                                                  commune_short_name=short_name(commune),
                                                  is_ward=is_ward),
                    residence_commune=commune,
                )
                self.report.citizens += 1


def demo_citizens(province: Province):
    """The demo's residents: citizens whose commune of residence is in the demo province."""
    return User.objects.filter(role=Role.CITIZEN, residence_commune__province=province)


# Each app's own demo data that is not removed with the dossiers, removed before the citizens and
# officers its rows point to: dotted paths (as the demo command's DEMO_STEPS), each taking the
# province.
REMOVE_STEPS = ("haicap.mdm.demo.remove",)


def remove_demo(province: Province) -> dict[str, int]:
    """Delete the demo's dossiers, the apps' demo data (REMOVE_STEPS), citizens, officers and
    offices. The audit log keeps its rows."""
    from haicap.core.demo.dossiers import remove_dossiers

    codes = demo_office_codes(province)
    dossiers = remove_dossiers(province, codes)
    for step in REMOVE_STEPS:
        import_string(step)(province)
    citizens = demo_citizens(province).delete()[1].get(User._meta.label, 0)
    officers = User.objects.filter(
        Q(office__code__in=codes) | Q(username=ADMIN_USERNAME, role=Role.ADMINISTRATOR)
    ).delete()[1].get(User._meta.label, 0)
    offices = Office.objects.filter(code__in=codes).delete()[1].get(Office._meta.label, 0)
    removed = {"dossiers": dossiers, "citizens": citizens, "officers": officers,
               "offices": offices}
    audit.record("demo.reset", object_type="units.province", object_id=province.code,
                 summary=f"removed {dossiers} dossiers, {citizens} citizens, {officers} "
                         f"officers, {offices} offices",
                 changes=removed)
    return removed


def count_existing(report: DemoReport) -> None:
    codes = demo_office_codes(report.province)
    report.offices = Office.objects.filter(code__in=codes).count()
    report.officers = User.objects.filter(office__code__in=codes).count()
    report.citizens = demo_citizens(report.province).count()


def describe_logins(report: DemoReport) -> None:
    """The logins worth printing, and three residents to pick in the VNeID sandbox."""
    users = User.objects.filter(username__in=LISTED_USERNAMES).select_related("office")
    by_username = {user.username: user for user in users}
    report.logins = [
        DemoLogin(role=user.role, username=user.username,
                  office=user.office.name if user.office else "—")
        for user in (by_username.get(name) for name in LISTED_USERNAMES) if user is not None
    ]
    adults = (demo_citizens(report.province).exclude(phone="")
              .select_related("residence_commune").order_by("pk"))
    # One resident of a city ward, one of Hội An, one of a rural commune, where there are such.
    examples = [adults.filter(residence_commune__kind=CommuneKind.WARD).first(),
                adults.filter(residence_commune__name__endswith="Hội An").first(),
                adults.filter(residence_commune__kind=CommuneKind.COMMUNE).first()]
    report.example_citizens = [citizen for citizen in examples if citizen is not None]
    report.example_citizens += [
        citizen for citizen in adults.exclude(pk__in=[c.pk for c in report.example_citizens])[:3]
    ][: 3 - len(report.example_citizens)]


def load_demo(*, province_code: str | None = None, citizens: int = DEFAULT_CITIZENS,
              reset: bool = False, seed: int = DEMO_SEED,
              dossiers: int | None = None) -> DemoReport:
    """Build the demo province once; keep it on later runs unless `reset` asks to rebuild it.

    Units, the calendar and the procedure catalogue are (re)loaded first, each idempotently;
    the demo dossiers (dossiers.py, DEFAULT_DOSSIERS unless `dossiers` says) come last, when
    the province has none.
    """
    from haicap.catalog.services import load_catalog
    from haicap.core.demo.dossiers import DEFAULT_DOSSIERS, load_dossiers
    from haicap.units.services import load_units
    from haicap.worktime.services import load_calendar

    province_code = province_code or settings.HAICAP_PROVINCE_CODE
    load_units()
    load_calendar()
    load_catalog()
    token = set_actor(DEMO_ACTOR)
    try:
        with transaction.atomic():
            province = Province.objects.get(code=province_code)
            report = DemoReport(province=province)
            if is_loaded(province) and not reset:
                report.already_loaded = True
                count_existing(report)
            else:
                if reset:
                    remove_demo(province)
                builder = _DemoBuilder(province, seed=seed)
                with _fast_demo_hashing():
                    builder.build(citizens=citizens)
                report = builder.report
                report.reset = reset
            describe_logins(report)
            report.dossiers = load_dossiers(
                province, count=DEFAULT_DOSSIERS if dossiers is None else dossiers, seed=seed)
            return report
    finally:
        reset_actor(token)


DEMO_PARTNER_CODE = "demo-partner"
DEMO_PARTNER_NAME = "Bệnh viện Phụ sản – Nhi Đà Nẵng (demo)"


def demo_partner_token() -> str:
    """The demo partner system (it submits birth registrations from the maternity ward and reads
    its own dossiers) and a fresh token of it; earlier demo tokens keep working."""
    from haicap.core.tokens import ensure_partner, issue_token

    token = set_actor(DEMO_ACTOR)
    try:
        with transaction.atomic():
            partner = ensure_partner(code=DEMO_PARTNER_CODE, name=DEMO_PARTNER_NAME)
            _row, secret = issue_token(partner)
    finally:
        reset_actor(token)
    return secret
