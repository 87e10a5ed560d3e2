import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haicap.api import api


def schema_text() -> str:
    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/, or check that a committed copy is current."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--output", help="file to write (default: standard output)")
        group.add_argument("--check", metavar="FILE", help="fail when FILE differs")

    def handle(self, *args, output=None, check=None, **options):
        text = schema_text()
        if check:
            committed = Path(check).read_text(encoding="utf-8") if Path(check).exists() else ""
            if committed != text:
                raise CommandError(
                    f"{check} is not the generated schema; run `make openapi` and commit it."
                )
            self.stdout.write(f"{check} matches the generated schema.")
        elif output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            sys.stdout.write(text)
