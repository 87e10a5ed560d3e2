import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.module_loading import import_string

from haicap.core.demo.dossiers import DEFAULT_DOSSIERS, DemoDossiers
from haicap.core.demo.load import (
    DEFAULT_CITIZENS,
    DEMO_PARTNER_CODE,
    DEMO_PARTNER_NAME,
    DEMO_SEED,
    DemoReport,
    demo_partner_token,
    load_demo,
)
from haicap.core.errors import DomainError
from haicap.core.roles import Role

PORTAL_ADDRESS = "http://127.0.0.1:8000"

# After the dossiers, in this order: each takes the province and returns one line to print.
# Ratings and complaints are dossier events, so they come before the KPI facts are built; the
# national feed and the open data read what came before them.
DEMO_STEPS = (
    "haicap.feedback.demo.load",
    "haicap.tickets.demo.load",
    "haicap.ioc.demo.load",
    "haicap.national_portal.demo.load",
    "haicap.opendata.demo.load",
    "haicap.mdm.demo.load",
)


class Command(BaseCommand):
    help = (
        "Load the demo province (administrative units, calendar, offices, officers, residents, "
        "dossiers in every state). "
        "Running it again keeps the demo data; --reset rebuilds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=DEFAULT_CITIZENS,
                            help=f"number of residents to create (default {DEFAULT_CITIZENS})")
        parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS,
                            help="number of demo dossiers spread over the last three months "
                                 f"(default {DEFAULT_DOSSIERS}; linked ones come on top)")
        parser.add_argument("--province", default=None,
                            help="province code (default: HAICAP_PROVINCE_CODE, "
                                 f"{settings.HAICAP_PROVINCE_CODE})")
        parser.add_argument("--reset", action="store_true",
                            help="delete the demo's citizens, officers and offices and rebuild")
        parser.add_argument("--seed", type=int, default=DEMO_SEED,
                            help="seed of the generated people (same seed, same people)")

    def handle(self, *args, citizens, dossiers, province, reset, seed, **options):
        if citizens < 0 or dossiers < 0:
            raise CommandError("--citizens and --dossiers must be 0 or more.")
        started = time.monotonic()
        try:
            report = load_demo(province_code=province, citizens=citizens, reset=reset, seed=seed,
                               dossiers=dossiers)
        except (DomainError, ValidationError, IntegrityError) as error:
            raise CommandError(
                f"The demo could not be built; nothing of it was saved. {error}"
            ) from error
        lines = [import_string(step)(report.province) for step in DEMO_STEPS]
        elapsed = time.monotonic() - started
        self.print_report(report, elapsed)
        for line in filter(None, lines):
            self.stdout.write(line)
        self.print_api_token(demo_partner_token())

    def print_report(self, report: DemoReport, elapsed: float) -> None:
        write = self.stdout.write
        if report.already_loaded:
            write(self.style.WARNING(
                f"Demo data of {report.province.name} already loaded: kept as it is "
                "(run `haicap demo --reset` to rebuild it)."
            ))
        else:
            verb = "Rebuilt" if report.reset else "Loaded"
            write(self.style.SUCCESS(f"{verb} the demo province {report.province.name} "
                                     f"in {elapsed:.1f} s."))
        write(f"  {report.offices} offices, {report.officers} officers, "
              f"{report.citizens} residents")
        write("")
        write(f"Portal: {PORTAL_ADDRESS}")
        write("")
        write(f"Demo logins (password for all officers: {report.password} — demo only):")
        rows = [("role", "username", "password", "office")] + [
            (str(Role(login.role).label), login.username, report.password, login.office)
            for login in report.logins
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        rows.insert(1, tuple("-" * width for width in widths))
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            write(("  " + "  ".join(cells)).rstrip())
        write("  Every commune has the same three: motcua.<commune>, chuyenvien.<commune>, "
              "lanhdao.<commune> (e.g. motcua.hoiandong, lanhdao.tamky).")
        write("")
        write("Citizens sign in through the VNeID SANDBOX (simulated, not the real VNeID): "
              "pick any demo resident, for example")
        for citizen in report.example_citizens:
            write(f"  CCCD {citizen.national_id}  {citizen.full_name}, "
                  f"{citizen.date_of_birth:%d/%m/%Y}, {citizen.address_street}, "
                  f"{citizen.residence_commune.name}")
        if report.dossiers is not None:
            self.print_dossiers(report.dossiers)

    def print_dossiers(self, dossiers: DemoDossiers) -> None:
        write = self.stdout.write
        write("")
        counts = ", ".join(f"{count} {status}" for status, count in dossiers.by_status.items()
                           if count)
        made = ("kept as they are" if dossiers.already_there
                else f"{dossiers.created} made over the last three months")
        write(f"Dossiers ({made}): {counts or 'none'}")
        citizen = dossiers.citizen
        if citizen is None:
            return
        write(f"  Try the citizen side as CCCD {citizen.national_id} {citizen.full_name} "
              f"({dossiers.citizen_dossiers} dossiers): {PORTAL_ADDRESS}/dang-nhap/vneid/ "
              f"then {PORTAL_ADDRESS}/ho-so-cua-toi/")
        write(f"  Track dossier {dossiers.tracking_code} with that CCCD at "
              f"{PORTAL_ADDRESS}/tra-cuu/")

    def print_api_token(self, token: str) -> None:
        write = self.stdout.write
        write("")
        write(f"API token of the demo partner system {DEMO_PARTNER_NAME} ({DEMO_PARTNER_CODE}; "
              "scopes submit, read_own; shown once, `haicap api-token demo-partner` prints "
              "another):")
        write(f"  {token}")
        write(f'  curl -H "Authorization: Bearer {token}" {PORTAL_ADDRESS}/api/v1/dossiers')
