"""`haicap documents prune`: delete uploads never attached to a dossier (run it daily)."""

from django.core.management.base import BaseCommand

from haicap.documents import services


class Command(BaseCommand):
    help = "Document housekeeping: delete unattached uploads and files without a row."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("prune", help="Delete uploads not attached within 24 hours, their "
                                         "files, and files no upload names.")

    def handle(self, *args, action, **options):
        report = services.prune()
        self.stdout.write(f"prune: {report.uploads} uploads, {report.files} files deleted")
