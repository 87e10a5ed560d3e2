"""`haicap national-portal sync [--once]`, `haicap national-portal report --date YYYY-MM-DD`
and `haicap national-portal schedule`."""

import time

from django.core.management.base import BaseCommand, CommandError

from haicap.core.errors import DomainError
from haicap.core.periods import Period
from haicap.national_portal import conf, selectors, services, tasks
from haicap.national_portal.models import FeedItem


class Command(BaseCommand):
    help = "Feed dossier statuses to the national public-service portal (sandbox)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        sync = actions.add_parser("sync", help="Read new dossier events and send what is due, "
                                               "every poll interval (--once: one pass, cron).")
        sync.add_argument("--once", action="store_true")
        report = actions.add_parser("report", help="The day's synchronization report and "
                                                   "reconciliation.")
        report.add_argument("--date", required=True, help="YYYY-MM-DD")
        actions.add_parser("schedule", help="Start the recurring sync job for "
                                            "`haicap db_worker` (idempotent).")

    def handle(self, *args, action, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("sync job enqueued" if enqueued else "sync job already waiting")
        elif action == "report":
            self._report(options["date"])
        else:
            self._sync(options["once"])

    def _sync(self, once: bool) -> None:
        while True:
            self.stdout.write(services.sync_once().line())
            if once:
                return
            time.sleep(conf.poll_seconds())

    def _report(self, day: str) -> None:
        try:
            period = Period.parse(day)
        except DomainError as error:
            raise CommandError(error.message) from error
        write = self.stdout.write
        sync = selectors.sync_report(FeedItem.objects.all(), period)
        write(f"Synchronization report {period} (national statuses 1-10):")
        write("  procedure  received  in_process  on_time  late  returned  ended  " +
              " ".join(f"s{status}" for status in range(1, 11)))
        for row in sync.totals:
            write(f"  {row.procedure_code}  {row.received}  {row.in_process}  "
                  f"{row.finished_on_time}  {row.finished_late}  {row.returned}  "
                  f"{row.ended_without_result}  "
                  + " ".join(str(row.by_status[status]) for status in range(1, 11)))
        reconciliation = selectors.reconciliation(FeedItem.objects.all(), period)
        write("Reconciliation (sandbox portal):" if reconciliation.sandbox
              else "Reconciliation:")
        for day_row in reconciliation.days:
            write(f"  {day_row.day}: produced {day_row.produced}, sent {day_row.sent}, "
                  f"acknowledged {day_row.acknowledged}, rejected {day_row.rejected}, "
                  f"failed {day_row.failed}, pending {day_row.pending}")
        for discrepancy in reconciliation.discrepancies:
            write(f"  ! {discrepancy.kind}: {discrepancy.key} {discrepancy.dossier_code} "
                  f"status {discrepancy.national_status} {discrepancy.detail}")
