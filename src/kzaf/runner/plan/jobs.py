"""Jobs: one notebook run in one parameter set, its values checked against the notebook's
parameters and rules before anything runs, and keyed on everything it depends on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf.parameters.listing import describe
from kzaf.parameters.rules import broken
from kzaf.parameters.values import (
    Assignments,
    ParameterError,
    resolve,
    unmatched,
)
from kzaf.runner.plan.notebooks import Notebook, read_notebook, select
from kzaf.runner.plan.sets import ParameterSet


@dataclass
class Job:
    set_name: str
    notebook: Notebook
    overrides: dict[str, Any]
    effective: dict[str, Any]
    sources: dict[str, str]
    key: str = ""  # the reuse key (job_key), filled in when the run is planned

    @property
    def label(self) -> str:
        return f"{self.set_name}/{self.notebook.stem}"

    @property
    def rel_dir(self) -> str:
        return f"{self.set_name}/{self.notebook.stem}"


@dataclass
class _Checked:
    """What the sets' checks found so far: the problems, and the notebooks they involve."""

    several: bool
    secret_values: list[str]
    read: dict[Path, Notebook] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    involved: dict[str, Notebook] = field(default_factory=dict)

    def notebook(self, path: Path) -> Notebook:
        if path not in self.read:
            self.read[path] = read_notebook(path)
        return self.read[path]


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
    sets = list(sets)
    checked = _Checked(several=len(sets) > 1, secret_values=list(secret_values))
    jobs: list[Job] = []
    for parameter_set in sets:
        names = default_notebooks if parameter_set.notebooks is None else parameter_set.notebooks
        notebooks = [checked.notebook(path) for path in select(names, notebooks_dir)]
        jobs += _set_jobs(parameter_set, notebooks, extra, checked)
    if checked.several:
        everything = {nb.stem: nb.parameters for nb in checked.read.values()}
        found = unmatched(everything, extra)
        checked.problems += found
        if found:
            checked.involved.update({nb.stem: nb for nb in checked.read.values()})
    if checked.problems and not checked.involved:  # values that break rules: one line each
        hint = "nothing was run (`kzaf params NOTEBOOK` lists every rule)"
        raise ParameterError("\n".join([*checked.problems[:-1], f"{checked.problems[-1]}; {hint}"]))
    if checked.problems:
        lines = ["parameter problems; nothing was run:"]
        lines += [f"  - {p}" for p in checked.problems]
        lines.append("valid parameters:")
        lines += [describe(nb.stem, nb.parameters, nb.rules) for nb in checked.involved.values()]
        raise ParameterError("\n".join(lines))
    return jobs


def _set_jobs(
    parameter_set: ParameterSet, notebooks: list[Notebook], extra: Assignments, checked: _Checked
) -> list[Job]:
    """The set's jobs, their values resolved; problems are added to ``checked``."""
    several = checked.several
    strict = Assignments()
    strict.update(parameter_set.assignments)
    if not several:
        strict.update(extra)
    resolved, found = resolve(
        {nb.stem: nb.parameters for nb in notebooks},
        strict,
        loose=extra if several else None,
        context=f"set {parameter_set.name!r}" if several else "",
        secret_values=checked.secret_values,
    )
    if found:
        checked.problems += found
        named = [nb for nb in notebooks if any(p.startswith(nb.stem + ":") for p in found)]
        for nb in named or notebooks:
            checked.involved[nb.stem] = nb
    jobs = []
    for nb in notebooks:
        values = resolved[nb.stem]
        # Ranges and relations, once every value has its declared type.
        if not any(p.startswith(nb.stem + ":") for p in found):
            where = f"{nb.stem} (set {parameter_set.name!r})" if several else nb.stem
            checked.problems += [f"{where}: {b}" for b in broken(nb.rules, values.effective)]
        jobs.append(Job(parameter_set.name, nb, values.overrides, values.effective, values.sources))
    return jobs


def job_key(job: Job, shared: Mapping[str, Any], timeout: float | None) -> str:
    """The reuse key of a notebook run: a sha256 over the run's shared fingerprints
    (:func:`kzaf.runner.publish.fingerprints.environment_fingerprint`), the notebook's cells,
    its parameter values and the cell timeout."""
    material = {
        "shared": shared,
        "notebook": job.notebook.source_sha256,
        "parameters": job.effective,
        "timeout": timeout,
    }
    text = json.dumps(material, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()
