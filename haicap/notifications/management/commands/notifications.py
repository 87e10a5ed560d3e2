"""`haicap notifications dispatch [--once]` and `haicap notifications schedule`."""

import time

from django.core.management.base import BaseCommand

from haicap.notifications import conf, services, tasks


class Command(BaseCommand):
    help = "Deliver notifications from the outbox."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        dispatch = actions.add_parser(
            "dispatch", help="Drain the outbox and send what is due, every poll interval "
                             "(--once: one pass, for cron).")
        dispatch.add_argument("--once", action="store_true")
        actions.add_parser("schedule", help="Start the recurring delivery job for "
                                            "`haicap db_worker` (idempotent).")

    def handle(self, *args, action, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("delivery job enqueued" if enqueued
                              else "delivery job already waiting")
            return
        while True:
            self._pass()
            if options["once"]:
                return
            time.sleep(conf.poll_seconds())

    def _pass(self) -> None:
        report = services.deliver_once()
        dispatched = report.dispatched
        self.stdout.write(f"outbox: {dispatched.messages} messages, {dispatched.notifications} "
                          f"notifications, {dispatched.webhooks} webhook events; sending: "
                          f"{_counts(report.sent)}; webhooks: {_counts(report.called)}")


def _counts(report: services.SendReport) -> str:
    counts = sorted(report.counts.items())
    return ", ".join(f"{count} {outcome}" for outcome, count in counts) or "0"
