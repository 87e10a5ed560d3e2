"""Writing procedures back to YAML files: the round trip spreadsheet → database → git.

Officers edit the catalogue in Excel; `haicap catalog import` publishes it, and
`haicap catalog export --format yaml DIR` writes the published versions as the YAML files the
repository keeps, one per procedure, in the key order of the format.
"""

from pathlib import Path

import yaml

from haicap.catalog.selectors import published_procedures
from haicap.catalog.spec import ProcedureSpec


class _Dumper(yaml.SafeDumper):
    """Block style, Vietnamese left readable, multi-line text as literal blocks, and lists
    indented under their key as in the files people write."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def spec_to_yaml(spec: ProcedureSpec) -> str:
    data = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def export_specs_to_yaml(specs: list[ProcedureSpec], directory: Path | str) -> int:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        (directory / f"{spec.code}.yaml").write_text(spec_to_yaml(spec), encoding="utf-8")
    return len(specs)


def export_catalog_to_yaml(directory: Path | str) -> int:
    """Write every active procedure's current published version; returns how many."""
    specs = [procedure.current_version.spec for procedure in published_procedures()]
    return export_specs_to_yaml(specs, directory)
