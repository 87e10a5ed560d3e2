"""`haicap ioc rebuild`, `haicap ioc refresh [--loop]` and `haicap ioc schedule`."""

import time

from django.core.management.base import BaseCommand

from haicap.ioc import conf, services, tasks


class Command(BaseCommand):
    help = "KPI facts of the operations centre, folded from the dossier event log."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("rebuild", help=(
            "Fold every dossier's events again, from scratch. On PostgreSQL the dossier-fact "
            "table is held exclusively until it commits (its indexes are rebuilt): pages that "
            "read it wait — about 13 minutes for 5M dossiers; run it off-hours."))
        refresh = actions.add_parser(
            "refresh", help="Fold the events after the watermark (--loop: every poll "
                            "interval, without the task worker).")
        refresh.add_argument("--loop", action="store_true")
        actions.add_parser("schedule", help="Start the recurring refresh job for "
                                            "`haicap db_worker` (idempotent).")

    def handle(self, *args, action, **options):
        if action == "rebuild":
            started = time.monotonic()
            report = services.rebuild()
            self.stdout.write(f"KPI facts rebuilt: {report.dossiers} dossiers, "
                              f"{report.daily_rows} daily rows, watermark {report.watermark} "
                              f"({time.monotonic() - started:.1f} s)")
        elif action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("refresh job enqueued" if enqueued
                              else "refresh job already waiting")
        else:
            while True:
                report = services.refresh()
                self.stdout.write(f"{report.events} events, {report.dossiers} dossiers, "
                                  f"{report.daily_keys} daily keys, watermark "
                                  f"{report.watermark}")
                if not options["loop"]:
                    return
                time.sleep(conf.poll_seconds())
