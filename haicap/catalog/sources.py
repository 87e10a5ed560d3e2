"""Reading procedure definitions with their YAML locations.

The YAML is composed into nodes first (PyYAML's composer keeps `start_mark.line` on each node),
then constructed into data, so every validation error and lint finding can point at
`file:line` for its path (`workflow.steps[2].role`). Timestamps stay strings (a date in an
example is data for the e-form, not a Python date), and a key written twice is an error rather
than PyYAML's silent "last one wins".
"""

import gc
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from pydantic import ValidationError

from haicap.catalog.spec import ProcedureSpec

Path_ = tuple[str | int, ...]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One fault in the catalogue: a stable code, a severity and where it is."""

    file: str
    line: int
    code: str
    severity: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code} {self.severity} {self.message}" + (
            f" [{self.path}]" if self.path else ""
        )

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "code": self.code,
                "severity": self.severity, "path": self.path, "message": self.message}


def format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# libyaml's parser is ~15x faster than the pure-Python one (2,000 files: seconds, not minutes).
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader without the timestamp type: dates stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceFile:
    """A definition's data with the line (1-based) of every path in it."""

    name: str
    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Iterable[str | int]) -> int:
        """The line of `path`, or of its nearest ancestor present in the file."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)

    def finding(self, code: str, severity: str, path: Iterable[str | int],
                message: str) -> Finding:
        parts = tuple(path)
        return Finding(file=self.name, line=self.line_of(parts), code=code, severity=severity,
                       path=format_path(parts), message=message)


@dataclass
class LocatedSpec:
    """A valid definition and the file it came from."""

    spec: ProcedureSpec
    source: SourceFile

    def finding(self, code: str, severity: str, path: Iterable[str | int],
                message: str) -> Finding:
        return self.source.finding(code, severity, path, message)


STRING_TAG = "tag:yaml.org,2002:str"


def _build(node: yaml.Node, path: Path_, loader, lines: dict[Path_, int], source: SourceFile,
           duplicates: list[Finding]) -> Any:
    """The data of `node`, recording the line of every path on the way (one walk).

    Strings (most scalars) are taken as they are; other scalars go through PyYAML's safe
    constructor, so numbers, booleans and nulls read exactly as with `yaml.safe_load`.
    """
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        data = {}
        for key_node, value_node in node.value:
            key = _build(key_node, (*path, "<key>"), loader, {}, source, duplicates)
            if key in data:
                duplicates.append(Finding(
                    file=source.name, line=key_node.start_mark.line + 1, code="CAT001",
                    severity=ERROR, path=format_path((*path, key)),
                    message=_("The key %(key)s is written twice.") % {"key": key},
                ))
            data[key] = _build(value_node, (*path, key), loader, lines, source, duplicates)
            # A key's line is where the key is written (a nested block starts on the next line).
            lines[(*path, key)] = key_node.start_mark.line + 1
        return data
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, position), loader, lines, source, duplicates)
                for position, item in enumerate(node.value)]
    if node.tag == STRING_TAG:
        return node.value
    return loader.construct_object(node, deep=True)


def parse_text(text: str, name: str) -> tuple[SourceFile, list[Finding]]:
    """Parse YAML text into a SourceFile; syntax errors and repeated keys come back as findings."""
    source = SourceFile(name=name)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return source, [source.finding("CAT001", ERROR, (), _("The file is empty."))]
            duplicates: list[Finding] = []
            source.data = _build(node, (), loader, source.lines, source, duplicates)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        return source, [Finding(file=name, line=line, code="CAT001", severity=ERROR, path="",
                                message=_("The YAML cannot be read: %(problem)s")
                                % {"problem": problem})]
    return source, duplicates


def _reason(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _("Unknown key.")
    if kind == "missing":
        return _("This key is required.")
    return error["msg"]


def validate_source(source: SourceFile) -> tuple[LocatedSpec | None, list[Finding]]:
    """Validate parsed data against ProcedureSpec; each error located at its path."""
    if not isinstance(source.data, dict):
        return None, [source.finding("CAT002", ERROR, (),
                                     _("A procedure definition must be a mapping."))]
    try:
        spec = ProcedureSpec.model_validate(source.data)
    except ValidationError as error:
        findings = []
        for item in error.errors(include_url=False):
            # pydantic appends the enum/union branch to the loc; keep the data path only.
            loc = tuple(part for part in item["loc"] if isinstance(part, int | str))
            loc = _data_path(source.data, loc)
            findings.append(source.finding("CAT002", ERROR, loc, _reason(item)))
        return None, findings
    return LocatedSpec(spec=spec, source=source), []


def _data_path(data: Any, loc: Path_) -> Path_:
    """The part of `loc` that walks the data: drops pydantic's type-branch labels, keeps a
    missing or unknown key so the finding names it."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict):
            path.append(part)
            if part not in node:
                break
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        else:
            break
    return tuple(path)


def read_text(text: str, name: str) -> tuple[LocatedSpec | None, list[Finding]]:
    source, findings = parse_text(text, name)
    if any(finding.is_error for finding in findings):
        return None, findings
    located, errors = validate_source(source)
    return located, findings + errors


def read_file(path: Path, *, root: Path | None = None) -> tuple[LocatedSpec | None,
                                                                 list[Finding]]:
    name = _display_name(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Finding(file=name, line=1, code="CAT001", severity=ERROR, path="",
                              message=_("The file cannot be read: %(problem)s")
                              % {"problem": error})]
    located, findings = read_text(text, name)
    if located is not None and path.stem != located.spec.code:
        findings.append(located.finding(
            "CAT003", WARNING, ("code",),
            _("The file should be named after the procedure code: %(code)s.yaml")
            % {"code": located.spec.code},
        ))
    return located, findings


def catalogue_files(directory: Path) -> tuple[list[Path], list[Finding]]:
    """Every `*.yaml` / `*.yml` under `directory`, sorted (or a finding if there is none)."""
    directory = Path(directory)
    if not directory.is_dir():
        return [], [Finding(file=str(directory), line=1, code="CAT001", severity=ERROR,
                            path="", message=_("There is no such directory."))]
    return sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")]), []


def read_directory(directory: Path) -> tuple[list[LocatedSpec], list[Finding]]:
    """Every catalogue file under `directory`, read and validated."""
    files, findings = catalogue_files(directory)
    specs: list[LocatedSpec] = []
    for located, file_findings in map_files(files, partial(read_file, root=Path(directory))):
        findings += file_findings
        if located is not None:
            specs.append(located)
    return specs, findings


PARALLEL_FROM = 200  # files; below this, starting worker processes costs more than it saves


def map_files(files: list[Path], function) -> list:
    """`function` over the files in order; large catalogues on several processes (parsing and
    validating are CPU-bound). What `function` returns travels back pickled: keep it small."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or workers < 2:
        return [function(path) for path in files]
    context = multiprocessing.get_context("fork")
    # Forked workers share the parent's memory until they write to it; freezing the parent's
    # objects keeps the workers' garbage collector from touching (and so copying) all of it.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(function, files,
                                 chunksize=max(1, len(files) // (workers * 4))))
    finally:
        gc.unfreeze()


def _display_name(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve().parent))
        except ValueError:
            pass
    return str(path)
