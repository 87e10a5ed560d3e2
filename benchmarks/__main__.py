"""`python -m benchmarks`: a throwaway database, the real unit data, every bench_*.py module."""

import importlib
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    workdir = tempfile.mkdtemp(prefix="haicap-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
    os.environ.setdefault("HAICAP_VAR_DIR", workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "haicap.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import framework
    from haicap.units.services import load_units

    call_command("migrate", verbosity=0, interactive=False)
    load_units()
    selected = set(sys.argv[1:])
    failed = False
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        key = path.stem.removeprefix("bench_")
        if selected and key not in selected:
            continue
        module = importlib.import_module(f"benchmarks.{path.stem}")
        report = module.run()
        framework.print_report(module.TITLE, report)
        framework.write_section(key, framework.render(module.TITLE, report))
        failed = failed or not all(row.passed for row in report.rows)
    print(f"\nwrote {framework.RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
