"""Run files (YAML: output, log, jobs, timeout, notebooks, parameter sets, a grid) and
parameter files (``-f``, ``-y``), read by kzaf.safe_yaml, with limits; relative paths in a run file
are relative to it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf.parameters.values import Assignments, ParameterError, from_mapping
from kzaf.runner.errors import PlanError
from kzaf.runner.plan.sets import DEFAULT_SET, MAX_SET_NAME, SET_NAME, ParameterSet
from kzaf.runner.plan.sweep import axes_from_mapping


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
    grid: list[Any] = field(default_factory=list)  # kzaf.runner.plan.sweep.Axis: sets x grid


RUN_FILE_KEYS = {"output", "log", "jobs", "timeout", "notebooks", "notebooks_dir", "sets", "grid"}
SET_KEYS = {"notebooks", "parameters"}


def read_run_file(path: Path) -> RunFile:
    """A YAML run file (read by kzaf.safe_yaml, with limits); relative paths are relative to it."""
    text, content = _read_mapping(path)
    base = path.resolve().parent

    def where(value: Any, key: str) -> Path | None:
        if value is None:
            return None
        if not isinstance(value, str) or "\0" in value:
            raise PlanError(f"{path}: {key!r} must be a path")
        return (base / value).resolve()

    jobs, timeout = _jobs_and_timeout(content, path)
    notebooks = _names(content.get("notebooks"), f"{path}: 'notebooks'")
    sets = _sets(content.get("sets") or {DEFAULT_SET: {}}, path)
    grid = []
    if content.get("grid") is not None:
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
        timeout=timeout,
        notebooks=notebooks,
        sets=sets,
        text=text,
        grid=grid,
    )


def _read_mapping(path: Path) -> tuple[str, dict[Any, Any]]:
    """The run file's text and its YAML mapping, with no key but the known ones."""
    import yaml

    from kzaf import safe_yaml

    text = _read_text(path, "run file")
    try:
        content = safe_yaml.load(text, str(path))
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {safe_yaml.syntax_error(exc)}") from exc
    if not isinstance(content, dict):
        raise PlanError(f"{path}: a run file is a YAML mapping (keys: {sorted(RUN_FILE_KEYS)})")
    unknown = sorted(set(map(str, content)) - RUN_FILE_KEYS)
    if unknown:
        raise PlanError(f"{path}: unknown key(s) {unknown}; allowed: {sorted(RUN_FILE_KEYS)}")
    return text, content


def _jobs_and_timeout(content: dict[Any, Any], path: Path) -> tuple[int | None, float | None]:
    jobs = content.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise PlanError(f"{path}: 'jobs' must be a positive integer, got {jobs!r}")
    timeout = content.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise PlanError(f"{path}: 'timeout' must be a number of seconds, got {timeout!r}")
    return jobs, float(timeout) if timeout is not None else None


def _sets(raw_sets: Any, path: Path) -> list[ParameterSet]:
    if not isinstance(raw_sets, dict):
        raise PlanError(f"{path}: 'sets' maps a set name to its notebooks and parameters")
    sets = []
    for name, spec in raw_sets.items():
        name = str(name)
        if not SET_NAME.match(name) or len(name) > MAX_SET_NAME:
            raise PlanError(
                f"{path}: set name {name[:40]!r}{'...' if len(name) > 40 else ''} must be "
                f"letters, digits, '_', '-', '.' (at most {MAX_SET_NAME}; it names a folder)"
            )
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
    return sets


def _read_text(path: Path, what: str) -> str:
    """A YAML file's text; a missing, unreadable or non-UTF-8 file is bad input (one line)."""
    from kzaf import safe_yaml

    try:  # refused past safe_yaml's size limit before it is read whole
        return safe_yaml.read_file(path, what)
    except FileNotFoundError as exc:
        raise PlanError(f"{path}: {what} not found") from exc
    except safe_yaml.YamlInputError as exc:  # too large, not UTF-8, unreadable: its own line
        raise PlanError(str(exc)) from None
    except (OSError, ValueError) as exc:  # a folder, no permission, a NUL in the name
        raise PlanError(
            f"{path}: cannot read the {what} ({getattr(exc, 'strerror', exc)})"
        ) from None


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

    from kzaf import safe_yaml

    text = _read_text(path, "parameter file")
    try:
        content = safe_yaml.load(text, str(path))
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {safe_yaml.syntax_error(exc)}") from exc
    return _assignments(content, path.name)


def read_parameter_yaml(text: str) -> Assignments:
    """``-y 'YAML'``."""
    import yaml

    from kzaf import safe_yaml

    try:
        content = safe_yaml.load(text, "-y", inline=True)
    except yaml.YAMLError as exc:
        raise PlanError(f"-y: not valid YAML: {safe_yaml.syntax_error(exc)}") from exc
    return _assignments(content, "-y")
