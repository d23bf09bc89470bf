"""A run's options: what the command line asked (:class:`RunOptions`, built by the CLI from
argparse), resolved once, with the run file, the environment and the defaults, into
:class:`Settings`. Nothing below the CLI reads argparse; nothing after planning re-decides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kzaf import paths
from kzaf.redaction import url_secrets
from kzaf.runner.errors import PlanError
from kzaf.runner.execute import engines
from kzaf.runner.plan.run_files import RunFile
from kzaf.runner.publish import store


@dataclass(frozen=True)
class RunOptions:
    """``kzaf run`` / ``kzaf sweep`` as asked, typed (None: not given)."""

    notebooks: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str, str], ...] = ()  # ("p" or "r", NAME, VALUE), in order
    parameter_files: tuple[Path, ...] = ()
    parameter_yaml: tuple[str, ...] = ()
    run_file: Path | None = None
    grid: tuple[str, ...] = ()  # NAME=V1,V2 (kzaf sweep)
    jobs: int | None = None
    force: bool = False
    timeout: float | None = None
    reports_dir: str | None = None  # a folder or a store's URL
    notebooks_dir: Path | None = None
    log: Path | None = None
    dry_run: bool = False
    engine: str | None = None
    scheduler: str | None = None
    argv: tuple[str, ...] = ()  # the command as typed, for the manifest


@dataclass(frozen=True)
class Settings:
    """Everything a run decides before it plans its jobs, each decided once."""

    notebooks_dir: Path
    reports: Path  # the local reports folder (a store's staging folder for a URL)
    upload_to: store.Store | None  # a URL's store, uploaded to when the run has finished
    slots: int
    timeout: float | None
    force: bool
    engine: str  # kzaf.runner.execute.engines: local pool or Dask
    scheduler: str | None  # an existing Dask scheduler's address
    whole: bool  # the whole collection (or a run file's sets): only then may `latest` move
    dry_run: bool
    argv: tuple[str, ...]
    run_file: RunFile | None
    secrets: Mapping[str, str] = field(default_factory=dict)  # a store URL's credentials


def log_path(options: RunOptions, run_file: RunFile | None) -> Path | None:
    return options.log or (run_file.log if run_file else None)


def resolve(options: RunOptions, run_file: RunFile | None) -> Settings:
    """The command line beats the run file, which beats the environment and the defaults."""
    notebooks_dir = Path(
        options.notebooks_dir
        or (run_file.notebooks_dir if run_file and run_file.notebooks_dir else None)
        or paths.notebooks_dir()
    )
    given = (
        options.reports_dir
        or (run_file.output if run_file and run_file.output else None)
        or os.environ.get(paths.REPORTS_DIR_ENV)  # read as text: a URL is no Path
        or paths.reports_dir()
    )
    try:  # a URL other than file:// is a store: the run executes in a local staging folder
        reports, target = store.locate(str(given))
    except store.StoreError as exc:
        raise PlanError(str(exc)) from None
    reports = reports.resolve()
    check_writable(reports, "reports folder")
    engine, scheduler = engines.choose(options.engine, options.scheduler)
    timeout = (
        options.timeout if options.timeout is not None else (run_file.timeout if run_file else None)
    )
    if timeout is not None and not 0 < timeout < float("inf"):
        raise PlanError(f"the timeout must be a positive number of seconds, got {timeout}")
    if options.jobs is not None and options.jobs < 1:
        raise PlanError(f"--jobs must be at least 1, got {options.jobs}")
    return Settings(
        notebooks_dir=notebooks_dir,
        reports=reports,
        upload_to=target,
        slots=options.jobs or (run_file.jobs if run_file else None) or os.cpu_count() or 1,
        timeout=timeout,
        force=options.force,
        engine=engine,
        scheduler=scheduler,
        whole=not options.notebooks and not options.grid,
        dry_run=options.dry_run,
        argv=options.argv,
        run_file=run_file,
        secrets=url_secrets(str(given)) if target is not None else {},
    )


def check_writable(folder: Path, what: str) -> None:
    """Refuse a folder the run could not write, before anything runs (nothing is created)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise PlanError(f"the {what} {folder} cannot be created: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PlanError(f"the {what} {folder} is not writable (no write access to {existing})")
