"""`haicap calendar load [--first-year Y --last-year Y]` and `haicap calendar show YEAR`."""

from django.core.management.base import BaseCommand, CommandError

from haicap.core import audit
from haicap.worktime import selectors, services
from haicap.worktime.models import CalendarDay


class Command(BaseCommand):
    help = "Load or show the working-day calendar (holidays, Tết, official day swaps)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="Store the shipped calendar; admin edits are kept.")
        load.add_argument("--first-year", type=int, default=services.FIRST_YEAR)
        load.add_argument("--last-year", type=int, default=services.LAST_YEAR)
        show = actions.add_parser("show", help="List the special days of a year.")
        show.add_argument("year", type=int)

    def handle(self, *args, action, **options):
        if action == "load":
            self.load(options["first_year"], options["last_year"])
        else:
            self.show(options["year"])

    def load(self, first_year: int, last_year: int) -> None:
        if first_year > last_year:
            raise CommandError("--first-year must not be after --last-year")
        report = services.load_calendar(first_year, last_year)
        summary = (f"calendar {first_year}-{last_year}: {report.created} created, "
                   f"{report.updated} updated, {report.deleted} deleted, "
                   f"{report.kept_admin} admin rows kept")
        if report.changed:
            audit.record("calendar.load", object_type=CalendarDay._meta.label_lower,
                         summary=summary, changes=report.__dict__)
        self.stdout.write(summary)

    def show(self, year: int) -> None:
        for entry in selectors.calendar_days(year):
            self.stdout.write(f"{entry.date:%Y-%m-%d} {entry.date:%a}  {entry.kind:<15} "
                              f"{entry.name}  [{entry.source}]")
        self.stdout.write(f"{selectors.working_day_count(year)} working days in {year}")
