"""`haicap opendata publish` (every dataset now), `haicap opendata schedule` (the nightly job)."""

from django.core.management.base import BaseCommand, CommandError

from haicap.opendata import services, tasks


class Command(BaseCommand):
    help = "Publish the open-data datasets."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("publish", help="Regenerate every dataset now (an unchanged one "
                                           "keeps its release).")
        actions.add_parser("schedule", help="Start the nightly publication job for "
                                            "`haicap db_worker` (idempotent).")

    def handle(self, *args, action, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("publication job enqueued" if enqueued
                              else "publication job already waiting")
            return
        report = services.publish_all()
        for slug, error in sorted(report.failed.items()):
            self.stderr.write(f"{slug}: {error}")
        self.stdout.write(f"open data: {report.summary()}")
        if report.failed:
            raise CommandError("some datasets were not published; their previous release stays")
