"""What a run will do: which notebooks, in which parameter sets, with which values.

Everything here reads small files (notebook JSON, YAML) with light imports, so a run whose
inputs have not changed decides that in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf.parameters.cell import Parameter, ParameterCellError, notebook_parameters
from kzaf.parameters.listing import describe
from kzaf.parameters.rules import ParameterRuleError, broken, rules_of
from kzaf.parameters.values import (
    Assignments,
    ParameterError,
    from_mapping,
    matches,
    resolve,
    unmatched,
)

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
DEFAULT_SET = "default"
_SET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PlanError(ValueError):
    """Bad input found before anything runs (a notebook, run file or data problem)."""


@dataclass(frozen=True)
class Notebook:
    path: Path
    stem: str
    title: str
    parameters: list[Parameter]
    source_sha256: str  # of the cells' types, sources and tags (not outputs) and the kernel
    rules: dict[str, str] = field(default_factory=dict)  # kzaf.parameters.rules, by parameter


def discover(directory: Path) -> list[Path]:
    """The collection's notebooks (``NN_name.ipynb``) in reading order."""
    return sorted(p.resolve() for p in directory.glob(NOTEBOOK_GLOB))


def select(names: Sequence[str], directory: Path) -> list[Path]:
    """Notebooks named on the command line: a path, or a stem / file name / number in
    ``directory``. No names: every notebook in ``directory``."""
    available = discover(directory)
    if not names:
        if not available:
            raise PlanError(f"no notebooks (NN_name.ipynb) in {directory}")
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path.resolve())
            continue
        found = [p for p in available if matches(name, p.stem)]
        if len(found) != 1:
            listing = ", ".join(p.stem for p in available) or "none"
            raise PlanError(
                f"no notebook {name!r} in {directory} (available: {listing})"
                if not found
                else f"{name!r} names several notebooks: {', '.join(p.stem for p in found)}"
            )
        chosen.append(found[0])
    stems = [p.stem for p in chosen]
    if len(set(stems)) != len(stems):
        raise PlanError(f"notebooks given twice or sharing a name: {', '.join(stems)}")
    return chosen


def read_notebook(path: Path) -> Notebook:
    try:
        with path.open(encoding="utf-8") as handle:
            content = json.load(handle)
        parameters = notebook_parameters(path)
        cells = content.get("cells", [])
        rules = rules_of(cells)
    except FileNotFoundError as exc:
        raise PlanError(f"{path}: notebook not found") from exc
    except (json.JSONDecodeError, ParameterCellError, ParameterRuleError, SyntaxError) as exc:
        raise PlanError(f"{path}: {exc}") from exc
    shape = [
        (c.get("cell_type"), _text(c.get("source", "")), c.get("metadata", {}).get("tags", []))
        for c in cells
    ]
    kernel = content.get("metadata", {}).get("kernelspec", {}).get("name")
    digest = hashlib.sha256(json.dumps([kernel, shape]).encode()).hexdigest()
    return Notebook(path, path.stem, _title(cells, path.stem), parameters, digest, rules)


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _title(cells: list[dict[str, Any]], fallback: str) -> str:
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _text(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return fallback


# ---------------------------------------------------------------------------------------------
# Parameter sets and run files


@dataclass(frozen=True)
class ParameterSet:
    name: str
    notebooks: list[str] | None  # references; None: the run's notebooks
    assignments: Assignments = field(default_factory=Assignments)


@dataclass(frozen=True)
class RunFile:
    path: Path
    sha256: str
    output: Path | str | None  # a URL (a store) stays text
    log: Path | None
    notebooks_dir: Path | None
    jobs: int | None
    timeout: float | None
    notebooks: list[str] | None
    sets: list[ParameterSet]
    text: str
    grid: list[Any] = field(default_factory=list)  # kzaf.runner.sweep.Axis: sets x grid


RUN_FILE_KEYS = {"output", "log", "jobs", "timeout", "notebooks", "notebooks_dir", "sets", "grid"}
SET_KEYS = {"notebooks", "parameters"}


def read_run_file(path: Path) -> RunFile:
    """A YAML run file (read with ``yaml.safe_load``); relative paths are relative to it."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        content = yaml.safe_load(text)
    except FileNotFoundError as exc:
        raise PlanError(f"{path}: run file not found") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(content, dict):
        raise PlanError(f"{path}: a run file is a YAML mapping (keys: {sorted(RUN_FILE_KEYS)})")
    unknown = sorted(set(map(str, content)) - RUN_FILE_KEYS)
    if unknown:
        raise PlanError(f"{path}: unknown key(s) {unknown}; allowed: {sorted(RUN_FILE_KEYS)}")
    base = path.resolve().parent

    def where(value: Any, key: str) -> Path | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise PlanError(f"{path}: {key!r} must be a path")
        return (base / value).resolve()

    jobs = content.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise PlanError(f"{path}: 'jobs' must be a positive integer, got {jobs!r}")
    timeout = content.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise PlanError(f"{path}: 'timeout' must be a number of seconds, got {timeout!r}")
    notebooks = _names(content.get("notebooks"), f"{path}: 'notebooks'")
    raw_sets = content.get("sets") or {DEFAULT_SET: {}}
    if not isinstance(raw_sets, dict):
        raise PlanError(f"{path}: 'sets' maps a set name to its notebooks and parameters")
    sets = []
    for name, spec in raw_sets.items():
        name = str(name)
        if not _SET_NAME.match(name):
            raise PlanError(f"{path}: set name {name!r} must be letters, digits, '_', '-', '.'")
        spec = spec or {}
        if not isinstance(spec, dict) or set(map(str, spec)) - SET_KEYS:
            raise PlanError(f"{path}: set {name!r} may hold only {sorted(SET_KEYS)}, got {spec!r}")
        source = f"{path.name}, set {name!r}"
        sets.append(
            ParameterSet(
                name,
                _names(spec.get("notebooks"), f"{source}: 'notebooks'"),
                _assignments(spec.get("parameters"), source),
            )
        )
    grid = []
    if content.get("grid") is not None:
        from kzaf.runner.sweep import axes_from_mapping

        grid = axes_from_mapping(content["grid"], path.name)
    return RunFile(
        path=path.resolve(),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        output=(
            content["output"]
            if "://" in str(content.get("output") or "")
            else where(content.get("output"), "output")
        ),
        log=where(content.get("log"), "log"),
        notebooks_dir=where(content.get("notebooks_dir"), "notebooks_dir"),
        jobs=jobs,
        timeout=float(timeout) if timeout is not None else None,
        notebooks=notebooks,
        sets=sets,
        text=text,
        grid=grid,
    )


def _names(value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise PlanError(f"{what} must be a list of notebook names")
    return [f"{v:02d}" if isinstance(v, int) else v for v in value]


def _assignments(mapping: Any, source: str) -> Assignments:
    try:
        return from_mapping(mapping, source)
    except ParameterError as exc:
        raise PlanError(str(exc)) from exc


def read_parameter_file(path: Path) -> Assignments:
    """``-f params.yaml``: names to values, with sections for single notebooks."""
    import yaml

    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PlanError(f"{path}: parameter file not found") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML ({exc})") from exc
    return _assignments(content, path.name)


def read_parameter_yaml(text: str) -> Assignments:
    """``-y 'YAML'``."""
    import yaml

    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanError(f"-y: not valid YAML ({exc})") from exc
    return _assignments(content, "-y")


# ---------------------------------------------------------------------------------------------
# Jobs


@dataclass
class Job:
    set_name: str
    notebook: Notebook
    overrides: dict[str, Any]
    effective: dict[str, Any]
    sources: dict[str, str]
    key: str = ""  # cache key, filled in by kzaf.runner.cache

    @property
    def label(self) -> str:
        return f"{self.set_name}/{self.notebook.stem}"

    @property
    def rel_dir(self) -> str:
        return f"{self.set_name}/{self.notebook.stem}"


def build_jobs(
    sets: Iterable[ParameterSet],
    default_notebooks: Sequence[str],
    notebooks_dir: Path,
    extra: Assignments,
    secret_values: Iterable[str] = (),
) -> list[Job]:
    """One job per notebook per set, parameters checked; raise ParameterError on any problem.

    ``extra`` (the command line's values) applies to every set; with several sets it must fit
    somewhere in the run rather than in each set.
    """
    secret_values = list(secret_values)
    sets = list(sets)
    cache: dict[Path, Notebook] = {}
    jobs: list[Job] = []
    problems: list[str] = []
    involved: dict[str, Notebook] = {}
    several = len(sets) > 1
    for parameter_set in sets:
        names = default_notebooks if parameter_set.notebooks is None else parameter_set.notebooks
        paths = select(names, notebooks_dir)
        notebooks = []
        for path in paths:
            if path not in cache:
                cache[path] = read_notebook(path)
            notebooks.append(cache[path])
        strict = Assignments()
        strict.update(parameter_set.assignments)
        if not several:
            strict.update(extra)
        resolved, found = resolve(
            {nb.stem: nb.parameters for nb in notebooks},
            strict,
            loose=extra if several else None,
            context=f"set {parameter_set.name!r}" if several else "",
            secret_values=secret_values,
        )
        if found:
            problems += found
            named = [nb for nb in notebooks if any(p.startswith(nb.stem + ":") for p in found)]
            for nb in named or notebooks:
                involved[nb.stem] = nb
        for nb in notebooks:
            values = resolved[nb.stem]
            # Ranges and relations, once every value has its declared type.
            if not any(p.startswith(nb.stem + ":") for p in found):
                where = f"{nb.stem} (set {parameter_set.name!r})" if several else nb.stem
                problems += [f"{where}: {b}" for b in broken(nb.rules, values.effective)]
            jobs.append(
                Job(parameter_set.name, nb, values.overrides, values.effective, values.sources)
            )
    if several:
        everything = {nb.stem: nb.parameters for nb in cache.values()}
        found = unmatched(everything, extra)
        problems += found
        if found:
            involved.update({nb.stem: nb for nb in cache.values()})
    if problems and not involved:  # values that break rules: one line each
        hint = "nothing was run (`kzaf params NOTEBOOK` lists every rule)"
        raise ParameterError("\n".join([*problems[:-1], f"{problems[-1]}; {hint}"]))
    if problems:
        lines = ["parameter problems; nothing was run:"]
        lines += [f"  - {p}" for p in problems]
        lines.append("valid parameters:")
        lines += [describe(nb.stem, nb.parameters, nb.rules) for nb in involved.values()]
        raise ParameterError("\n".join(lines))
    return jobs
