"""`haicap units load`: load the administrative units and the 2025 succession."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Administrative units: `load` loads (or refreshes) all units and the succession."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("load", help="load units from the packaged data sets (idempotent)")

    def handle(self, *args, action: str, **options):
        from haicap.units.services import load_units

        summary = load_units()
        for line in summary.lines():
            self.stdout.write(line)
