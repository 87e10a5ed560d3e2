"""`haicap catalog load|check|export|import`: the procedure catalogue from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haicap.catalog.lint import check_directory
from haicap.catalog.services import (
    CatalogRejected,
    default_directory,
    load_catalog,
    province_offices,
)


class Command(BaseCommand):
    help = "Load, check, export or import the procedure catalogue."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="Lint and publish catalog/procedures/ (or DIR).")
        load.add_argument("directory", nargs="?", type=Path)
        check = actions.add_parser("check", help="Lint; exit 1 when there are errors.")
        check.add_argument("directory", nargs="?", type=Path)
        check.add_argument("--no-offices", action="store_true",
                           help="Skip the rule that needs the province's offices (CAT060).")
        export = actions.add_parser(
            "export", help="Write the published catalogue to Excel (FILE.xlsx) or YAML (DIR).")
        export.add_argument("file", type=Path)
        export.add_argument("--format", choices=["xlsx", "yaml"], default="xlsx",
                            help="xlsx: one workbook; yaml: one file per procedure in DIR")
        imports = actions.add_parser("import", help="Lint and publish procedures from Excel.")
        imports.add_argument("file", type=Path)

    def handle(self, *args, action: str, **options):
        return getattr(self, f"do_{action}")(**options)

    def print_findings(self, findings) -> None:
        for finding in findings:
            style = self.style.ERROR if finding.is_error else self.style.WARNING
            self.stdout.write(style(str(finding)))

    def do_check(self, directory: Path | None, no_offices: bool, **options) -> None:
        directory = directory or default_directory()
        offices = None if no_offices else province_offices()
        count, findings = check_directory(directory, offices=offices)
        self.print_findings(findings)
        errors = sum(1 for finding in findings if finding.is_error)
        self.stdout.write(
            f"{count} procedures, {errors} errors, {len(findings) - errors} warnings"
            + ("" if offices is not None else " (no offices: CAT060 skipped)")
        )
        if errors:
            raise CommandError(f"{errors} errors in the catalogue", returncode=1)

    def do_load(self, directory: Path | None, **options) -> None:
        self.report(lambda: load_catalog(directory))

    def do_import(self, file: Path, **options) -> None:
        from haicap.catalog.excel import import_catalog

        self.report(lambda: import_catalog(file))

    def do_export(self, file: Path, format: str, **options) -> None:
        if format == "yaml":
            from haicap.catalog.yaml_export import export_catalog_to_yaml as export
        else:
            from haicap.catalog.excel import export_catalog as export

        count = export(file)
        self.stdout.write(f"{count} procedures written to {file}")

    def report(self, load) -> None:
        try:
            report = load()
        except CatalogRejected as rejected:
            self.print_findings(rejected.findings)
            raise CommandError(rejected.message, returncode=1) from None
        self.print_findings(report.warnings)
        self.stdout.write(self.style.SUCCESS(report.summary()))
