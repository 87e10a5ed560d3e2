"""`haicap address convert`: old or new free-text addresses → the new commune and province."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Address conversion: `convert ADDRESS` or `convert --file FILE --format jsonl`."
    # A conversion touches no model definitions; skipping the checks saves start-up time.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        convert = actions.add_parser("convert", help="convert addresses to the new units")
        convert.add_argument("address", nargs="?", help="one address, in quotes")
        convert.add_argument("--file", help="one address per line; '-' reads stdin")
        convert.add_argument("--format", choices=["text", "jsonl"], default=None,
                             help="output: readable text (default for one address) or jsonl")

    def handle(self, *args, action: str, address: str | None, file: str | None,
               format: str | None, **options):
        from haicap.units.address import normalize_address

        if (address is None) == (file is None):
            raise CommandError("give one ADDRESS or --file FILE")
        output = format or ("jsonl" if file else "text")
        if file is None:
            lines = [address]
        elif file == "-":
            lines = sys.stdin
        else:
            try:
                lines = open(file, encoding="utf-8")  # noqa: SIM115 - streamed below
            except OSError as error:
                raise CommandError(str(error)) from error
        write = self.stdout.write
        for line in lines:
            result = normalize_address(line.rstrip("\r\n"))
            if output == "jsonl":
                write(json.dumps(result.as_dict(), ensure_ascii=False))
            else:
                write(_readable(result))


def _readable(result) -> str:
    lines = [f"{result.input}", f"  status: {result.status}  confidence: {result.confidence:.2f}"]
    if result.commune:
        lines.append(f"  new address: {result.new_address}")
        lines.append(f"  commune: {result.commune.code} {result.commune.name}; "
                     f"province: {result.province.code} {result.province.name}")
    elif result.street:
        lines.append(f"  street: {result.street}")
    old = [unit for unit in (result.old_units.commune, result.old_units.district,
                             result.old_units.province) if unit]
    if old:
        lines.append("  written with: " + ", ".join(f"{u.name} ({u.code})" for u in old))
    if result.status != "resolved":
        for candidate in result.candidates:
            lines.append(f"  candidate: {candidate.commune.code} {candidate.commune.name}, "
                         f"{candidate.province.name} (score {candidate.score:.2f}, "
                         f"{candidate.reason})")
    return "\n".join(lines)
