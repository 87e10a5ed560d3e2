"""`haicap dossiers tick`: fire the due timers (run it every minute from cron or systemd)."""

from django.core.management.base import BaseCommand

from haicap.dossiers import timers


class Command(BaseCommand):
    help = "Dossier housekeeping: fire due task timers."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        tick = actions.add_parser("tick", help="Fire the timers that are due (idempotent).")
        tick.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, action, **options):
        report = timers.tick(limit=options["limit"])
        self.stdout.write(f"timers: {report.fired} fired, {report.skipped} skipped")
