"""`haicap mdm synth|bench|import|run`: generated data, the accuracy benchmark, imports and match
runs from the shell."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haicap.core.errors import DomainError


class Command(BaseCommand):
    help = "Master data: synthetic sources, the benchmark, imports and match runs."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        synth = actions.add_parser("synth", help="Write generated merged-province sources with "
                                                 "their truth.")
        self._data_arguments(synth)
        synth.add_argument("--sources", type=int, default=3)
        synth.add_argument("--out", type=Path, required=True)
        bench = actions.add_parser("bench", help="Generate, run the pipeline and plain Splink; "
                                                 "print the scores.")
        self._data_arguments(bench)
        bench.add_argument("--format", choices=("json", "text"), default="text")
        bench.add_argument("--no-baseline", action="store_true")
        part = actions.add_parser("bench-part", help="(internal) one side of the benchmark.")
        part.add_argument("part", choices=("ours", "baseline"))
        part.add_argument("directory", type=Path)
        load = actions.add_parser("import", help="Import a CSV or Excel file into a source with "
                                                 "its latest mapping.")
        load.add_argument("--source", required=True)
        load.add_argument("file", type=Path)
        run = actions.add_parser("run", help="Standardize, match and make golden records.")
        run.add_argument("--province", required=True)
        run.add_argument("--retrain", action="store_true")

    @staticmethod
    def _data_arguments(parser):
        parser.add_argument("--people", type=int, required=True)
        parser.add_argument("--noise", choices=("easy", "hard"), default="easy")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--province", default=None,
                            help="new province code (default: a merged province)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def _synth(self, *, people, noise, seed, province, sources, out, **_options):
        from haicap.mdm.synth import write_synth

        paths = write_synth(people, sources, noise, seed, out, province)
        for path in paths:
            self.stdout.write(str(path))

    def _bench(self, *, people, noise, seed, province, no_baseline, **options):
        from haicap.mdm.bench import bench

        result = bench(people, noise, seed=seed, province=province, baseline=not no_baseline)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
            return
        for name, value in result.items():
            self.stdout.write(f"{name}: {value}")

    def _bench_part(self, *, part, directory, **_options):
        from haicap.mdm import bench

        run = bench.run_ours if part == "ours" else bench.run_baseline
        self.stdout.write(json.dumps(run(directory)))

    def _import(self, *, source, file, **_options):
        from haicap.mdm import services
        from haicap.mdm.models import Source

        found = Source.objects.filter(code=source).first()
        if found is None:
            raise CommandError(f"no source {source}")
        mapping = found.mappings.order_by("-version").first()
        if mapping is None:
            raise CommandError(f"source {source} has no mapping yet")
        batch = services.import_file(found, mapping, data=file.read_bytes(), filename=file.name)
        self.stdout.write(f"batch {batch.pk}: {batch.rows_imported} rows imported, "
                          f"{batch.rows_bad} bad ({batch.encoding})")

    def _run(self, *, province, retrain, **_options):
        from haicap.mdm import pipeline
        from haicap.units.models import Province

        match_run = pipeline.run(Province.objects.get(pk=province), retrain=retrain)
        self.stdout.write(json.dumps(match_run.figures))
