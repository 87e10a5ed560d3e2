"""`haicap schedule`: start the recurring background jobs (settings.HAICAP_RECURRING_JOBS)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue each recurring job of HAICAP_RECURRING_JOBS unless one is already waiting."

    def handle(self, *args, **options):
        for path in settings.HAICAP_RECURRING_JOBS:
            enqueued = import_string(path)()
            self.stdout.write(f"{path}: {'enqueued' if enqueued else 'already waiting'}")
