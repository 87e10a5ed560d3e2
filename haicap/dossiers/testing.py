"""Builders for dossier tests: a province with offices and officers, dossiers submitted through
the real service, and acting on a dossier's open step. Plain functions, and the `province`
fixture that the conftests of the dossier, slip and workspace tests take from here."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from haicap.catalog.selectors import procedure_by_code
from haicap.catalog.services import load_catalog
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers import services
from haicap.dossiers.models import Dossier, Task
from haicap.units.models import Commune

HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
HAI_CHAU_ADDRESS = "45 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng"
MARITAL_STATUS = "1.004873"  # 3 working days: receive → appraise → approve → return
BIRTH = "1.001193"  # same day, hands off to permanent residence 1.004222
COMMUNES = {"hai_chau": "Phường Hải Châu", "hoi_an": "Phường Hội An",
            "son_tra": "Phường Sơn Trà"}


@pytest.fixture
def province() -> dict:
    return build_province()


def build_province() -> dict:
    """The catalogue, three Đà Nẵng communes' offices, the province's one-stop centre, and
    officers: a desk, two specialists and a leader at Hải Châu, a desk and a leader at Hội An,
    a desk and a specialist at Sơn Trà."""
    load_catalog()
    offices = {key: factories.commune_office(Commune.objects.get(province_id="48", name=name))
               for key, name in COMMUNES.items()}
    hai_chau, hoi_an, son_tra = offices["hai_chau"], offices["hoi_an"], offices["son_tra"]
    return {
        **offices,
        "centre": factories.province_office("48", OfficeKind.ONE_STOP_CENTRE),
        "desk": factories.officer(hai_chau, Role.DESK_OFFICER),
        "specialist": factories.officer(hai_chau, Role.SPECIALIST),
        "other_specialist": factories.officer(hai_chau, Role.SPECIALIST),
        "leader": factories.officer(hai_chau, Role.LEADER),
        "hoi_an_desk": factories.officer(hoi_an, Role.DESK_OFFICER),
        "hoi_an_leader": factories.officer(hoi_an, Role.LEADER),
        "son_tra_desk": factories.officer(son_tra, Role.DESK_OFFICER),
        "son_tra_specialist": factories.officer(son_tra, Role.SPECIALIST),
    }


def local(*moment) -> datetime:
    return datetime(*moment, tzinfo=HANOI_TIME)


def at(monkeypatch, *moment) -> datetime:
    """Freeze the services' clock at a local time."""
    now = local(*moment)
    monkeypatch.setattr(services.timezone, "now", lambda: now)
    return now


def example(code: str) -> dict:
    """The body `GET /api/v1/procedures/{code}/example` returns."""
    return procedure_by_code(code).current_version.spec.example.body(code)


def applicant(address: str = HAI_CHAU_ADDRESS, **fields) -> services.Applicant:
    defaults = {"id_number": factories.national_id("female", 1992),
                "full_name": "Nguyễn Thị Mai", "phone": "0905123456"}
    return services.Applicant(address=address, **{**defaults, **fields})


def submit(code: str = MARITAL_STATUS, desk=None, channel: str = "in_person", *,
           who: services.Applicant | None = None, submitted_by=None, **answers) -> Dossier:
    """A dossier of the procedure's example (with `answers` changed), filed at the `desk`
    office (received at once) or online."""
    body = example(code)
    return services.submit_dossier(procedure_code=code, channel=channel,
                                   applicant=who or applicant(),
                                   form={**body["form"], **answers},
                                   documents=body["documents"], receiving_office=desk,
                                   submitted_by=submitted_by).dossier


def fresh(dossier: Dossier) -> Dossier:
    dossier.refresh_from_db()
    return dossier


def task_of(dossier: Dossier) -> Task:
    """The dossier's one open step."""
    return Task.objects.active().get(dossier=dossier)


def act(verb, officer, dossier: Dossier, **extra):
    """Call an engine verb on the dossier's open step with its current lock version."""
    dossier = fresh(dossier)
    return verb(officer=officer, task=task_of(dossier), lock_version=dossier.lock_version,
                **extra)
