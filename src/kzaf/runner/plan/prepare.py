"""A run's plan: settings resolved, jobs built and checked, data fingerprinted, and what can
be reused looked up. Nothing runs and nothing is written (but the log file, if asked for)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf import paths
from kzaf.logs import RunLog
from kzaf.parameters.values import Assignments, from_cli
from kzaf.redaction import secret_variables
from kzaf.runner.errors import PlanError
from kzaf.runner.execute.kernel_server import Started
from kzaf.runner.plan import sweep
from kzaf.runner.plan.jobs import Job, build_jobs, job_key
from kzaf.runner.plan.options import RunOptions, Settings, log_path, resolve
from kzaf.runner.plan.run_files import read_parameter_file, read_parameter_yaml, read_run_file
from kzaf.runner.plan.sets import DEFAULT_SET, ParameterSet
from kzaf.runner.publish import cache, fingerprints


@dataclass
class Plan:
    settings: Settings
    jobs: list[Job]
    data_dir: Path
    data: dict[str, dict[str, Any]]  # data file -> its sha256 (and the recorded one)
    swept: dict[str, dict[str, Any]] = field(default_factory=dict)  # set -> its grid values
    reuse: dict[int, dict[str, Any]] = field(default_factory=dict)  # job index -> cache entry
    kernels: Started | None = None  # started early; the local engine adopts it


def prepare(options: RunOptions, log: RunLog) -> Plan:
    run_file = read_run_file(options.run_file) if options.run_file else None
    if run_file and options.notebooks:
        raise PlanError("give notebooks either on the command line or in the run file, not both")
    wanted_log = log_path(options, run_file)
    if wanted_log:
        try:  # the command as its first line: a log shared by scheduled runs says which ran
            log.attach(Path(wanted_log), header=" ".join(options.argv) or "kzaf run")
        except OSError as exc:
            raise PlanError(f"cannot write the log file {wanted_log}: {exc.strerror}") from None
    settings = resolve(options, run_file)
    log.add_secrets(settings.secrets)
    sets = run_file.sets if run_file else [ParameterSet(DEFAULT_SET, None)]
    axes = (run_file.grid if run_file else []) + [sweep.parse_grid_option(t) for t in options.grid]
    if axes:
        sets = sweep.expand(axes, sets)
    names = options.notebooks or (run_file.notebooks if run_file else None) or []
    jobs = build_jobs(
        sets, names, settings.notebooks_dir, _assignments(options), secret_variables().values()
    )
    if not jobs:
        raise PlanError(f"no notebooks to run in {settings.notebooks_dir}")
    data_dir = paths.data_dir().resolve()
    # The kernels (working folder: the run folder) read the very folder checked here.
    os.environ[paths.DATA_DIR_ENV] = str(data_dir)
    data = fingerprints.data_files(data_dir)
    shared = fingerprints.environment_fingerprint(data)
    for job in jobs:
        job.key = job_key(job, shared, settings.timeout)
    plan = Plan(settings, jobs, data_dir, data, swept=sweep.swept(sets) if axes else {})
    if not settings.force:
        for index, job in enumerate(jobs):
            entry = cache.lookup(settings.reports, job.key)
            if entry is not None:
                plan.reuse[index] = entry
    return plan


def _assignments(options: RunOptions) -> Assignments:
    """The command line's values: -f files, then -y texts, then -p/-r in the order given."""
    extra = Assignments()
    for path in options.parameter_files:
        extra.update(read_parameter_file(Path(path)))
    for text in options.parameter_yaml:
        extra.update(read_parameter_yaml(text))
    for kind, name, value in options.parameters:
        extra.update(from_cli([(name, value)], raw=kind == "r"))
    return extra


def check_data_content(data_dir: Path) -> None:
    """Validate the tables' content (types, keys, ranges), not only their checksums: a bad row
    stops the run before a kernel starts, named by file, row and column. Skipped when every
    notebook is reused, so a run with nothing to do stays instant."""
    from kzaf import data

    try:
        data.load(data_dir)
    except data.DataValidationError as exc:
        raise PlanError(f"the data in {data_dir} are not valid:\n{exc}") from None
