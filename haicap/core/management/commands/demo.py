import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

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


class Command(BaseCommand):
    help = (
        "Load the demo province (administrative units, calendar, offices, officers, residents). "
        "Running it again keeps the demo data; --reset rebuilds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=DEFAULT_CITIZENS,
                            help=f"number of residents to create (default {DEFAULT_CITIZENS})")
        parser.add_argument("--province", default=None,
                            help="province code (default: HAICAP_PROVINCE_CODE, "
                                 f"{settings.HAICAP_PROVINCE_CODE})")
        parser.add_argument("--reset", action="store_true",
                            help="delete the demo's citizens, officers and offices and rebuild")
        parser.add_argument("--seed", type=int, default=DEMO_SEED,
                            help="seed of the generated people (same seed, same people)")

    def handle(self, *args, citizens, province, reset, seed, **options):
        if citizens < 0:
            raise CommandError("--citizens must be 0 or more.")
        started = time.monotonic()
        try:
            report = load_demo(province_code=province, citizens=citizens, reset=reset, seed=seed)
        except (DomainError, ValidationError, IntegrityError) as error:
            raise CommandError(
                f"The demo could not be built; nothing of it was saved. {error}"
            ) from error
        elapsed = time.monotonic() - started
        self.print_report(report, elapsed)
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

    def print_api_token(self, token: str) -> None:
        write = self.stdout.write
        write("")
        write(f"API token of the demo partner system {DEMO_PARTNER_NAME} ({DEMO_PARTNER_CODE}; "
              "scopes submit, read_own; shown once, `haicap api-token demo-partner` prints "
              "another):")
        write(f"  {token}")
        write(f'  curl -H "Authorization: Bearer {token}" {PORTAL_ADDRESS}/api/v1/dossiers')
