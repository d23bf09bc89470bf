"""``kzaf run``: check, reuse what is unchanged, execute the rest in parallel, publish.

Load inputs (notebooks, parameters, run file, data checksums) -> decide what to reuse ->
execute in worker processes -> write manifest and index -> move the run folder into place ->
move ``latest`` if every notebook succeeded.

Reports layout (``<reports>`` is ``reports/`` unless ``--reports-dir``, ``$KZAF_REPORTS_DIR`` or
a run file's ``output`` says otherwise; a URL is a store, see :mod:`kzaf.runner.store`)::

    <reports>/
      latest -> 20250101T120000.123Z-3f9a2c  relative symlink; moves only after a fully
                                             successful run of the whole collection
      20250101T120000.123Z-3f9a2c/           one folder per run, never overwritten
        index.html  manifest.json  run.log  workers.log
        <set>/<notebook>/                    set "default" unless a run file names sets
          <notebook>.ipynb  <notebook>.html  <notebook>.code.html  figures/  result.json
      .incomplete-<run id>/                  a run being written, or one interrupted
      .cache/                                fingerprints of reusable notebook runs
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kzaf import paths
from kzaf.logs import RunLog as Log
from kzaf.parameters.listing import describe
from kzaf.parameters.values import Assignments, ParameterError, from_cli
from kzaf.runner import cache, engines, kernel_server, plan, store, sweep
from kzaf.runner.redact import redact_text, redact_tree, secret_variables

LATEST = "latest"
INCOMPLETE = ".incomplete-"
EXIT_FAILED, EXIT_INPUT, EXIT_SIGINT, EXIT_SIGTERM = 1, 2, 130, 143


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) during a run."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def new_run_id(moment: dt.datetime | None = None) -> str:
    """Sortable by start time (to the millisecond), unique: ``20250101T120000.123Z-3f9a2c``."""
    moment = moment or _now()
    return f"{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


@dataclass
class Plan:
    jobs: list[plan.Job]
    reports: Path
    slots: int
    timeout: float | None
    force: bool
    data_dir: Path
    data: dict[str, dict[str, Any]]
    run_file: plan.RunFile | None
    argv: list[str]
    whole: bool  # the whole collection (or a run file's sets): only then may `latest` move
    engine: str = "local"  # kzaf.runner.engines: local pool or Dask
    scheduler: str | None = None  # an existing Dask scheduler's address
    swept: dict[str, dict[str, Any]] = field(default_factory=dict)  # set -> its grid values
    reuse: dict[int, dict[str, Any]] = field(default_factory=dict)  # job index -> cache entry
    upload_to: store.Store | None = None  # a URL's store, uploaded to when the run has finished
    kernels: kernel_server.Started | None = None  # started early; the local engine adopts it


# ---------------------------------------------------------------------------------------------
# Load inputs


def _cli_assignments(args: argparse.Namespace) -> Assignments:
    extra = Assignments()
    for path in args.parameter_files or []:
        extra.update(plan.read_parameter_file(Path(path)))
    for text in args.yaml or []:
        extra.update(plan.read_parameter_yaml(text))
    for kind, name, value in args.cli_parameters or []:
        extra.update(from_cli([(name, value)], raw=kind == "r"))
    return extra


def prepare(args: argparse.Namespace, log: Log) -> Plan:
    run_file = plan.read_run_file(Path(args.run_file)) if args.run_file else None
    if run_file and args.notebooks:
        raise plan.PlanError(
            "give notebooks either on the command line or in the run file, not both"
        )
    log_path = args.log or (run_file.log if run_file else None)
    if log_path:
        try:
            log.attach(Path(log_path))
        except OSError as exc:
            raise plan.PlanError(f"cannot write the log file {log_path}: {exc.strerror}") from None
    notebooks_dir = Path(
        args.notebooks_dir
        or (run_file.notebooks_dir if run_file and run_file.notebooks_dir else None)
        or paths.notebooks_dir()
    )
    given = (
        args.reports_dir
        or (run_file.output if run_file and run_file.output else None)
        or os.environ.get(paths.REPORTS_DIR_ENV)  # read as text: a URL is no Path
        or paths.reports_dir()
    )
    try:  # a URL other than file:// is a store: the run executes in a local staging folder
        reports, target = store.locate(str(given))
    except store.StoreError as exc:
        raise plan.PlanError(str(exc)) from None
    reports = reports.resolve()
    _check_writable(reports, "reports folder")
    sets = run_file.sets if run_file else [plan.ParameterSet(plan.DEFAULT_SET, None)]
    axes = (run_file.grid if run_file else []) + [
        sweep.parse_grid_option(text) for text in getattr(args, "grid", None) or []
    ]
    if axes:
        sets = sweep.expand(axes, sets)
    engine, scheduler = engines.choose(
        getattr(args, "engine", None), getattr(args, "scheduler", None)
    )
    names = args.notebooks or (run_file.notebooks if run_file else None) or []
    jobs = plan.build_jobs(
        sets, names, notebooks_dir, _cli_assignments(args), secret_variables().values()
    )
    if not jobs:
        raise plan.PlanError(f"no notebooks to run in {notebooks_dir}")
    data_dir = paths.data_dir().resolve()
    # The kernels (working folder: the run folder) read the very folder checked here.
    os.environ[paths.DATA_DIR_ENV] = str(data_dir)
    data = cache.data_files(data_dir)
    timeout = args.timeout if args.timeout is not None else (run_file.timeout if run_file else None)
    if timeout is not None and not 0 < timeout < float("inf"):
        raise plan.PlanError(f"the timeout must be a positive number of seconds, got {timeout}")
    shared = cache.environment_fingerprint(data)
    for job in jobs:
        job.key = cache.job_key(job, shared, timeout)
    if args.jobs is not None and args.jobs < 1:
        raise plan.PlanError(f"--jobs must be at least 1, got {args.jobs}")
    slots = args.jobs or (run_file.jobs if run_file else None) or os.cpu_count() or 1
    result = Plan(
        jobs,
        reports,
        slots,
        timeout,
        args.force,
        data_dir,
        data,
        run_file,
        getattr(args, "argv", []),
        whole=not args.notebooks and not getattr(args, "grid", None),
        engine=engine,
        scheduler=scheduler,
        swept=sweep.swept(sets) if axes else {},
        upload_to=target,
    )
    if not args.force:
        for index, job in enumerate(jobs):
            entry = cache.lookup(reports, job.key)
            if entry is not None:
                result.reuse[index] = entry
    _before_executing(result, dry_run=getattr(args, "dry_run", False))
    return result


def _before_executing(p: Plan, dry_run: bool) -> None:
    """When notebooks will execute: check the data's content, and start the local engine's
    kernel server first, so its imports (two seconds, which every kernel waits for) overlap
    the check (half a second off a run). Nothing starts when every notebook is reused."""
    to_execute = len(p.jobs) - len(p.reuse)
    if not to_execute:
        return
    if p.engine == "local" and not dry_run:
        p.kernels = kernel_server.start_server(to_execute)
    try:
        _check_data_content(p.data_dir)
    except plan.PlanError:
        if p.kernels is not None:
            p.kernels.stop()
        raise


def _check_writable(folder: Path, what: str) -> None:
    """Refuse a folder the run could not write, before anything runs (nothing is created)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise plan.PlanError(f"the {what} {folder} cannot be created: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise plan.PlanError(f"the {what} {folder} is not writable (no write access to {existing})")


def _check_data_content(data_dir: Path) -> None:
    """Validate the tables' content (types, keys, ranges), not only their checksums: a bad row
    stops the run before a kernel starts, named by file, row and column. Skipped when every
    notebook is reused, so a run with nothing to do stays instant."""
    from kzaf import data

    try:
        data.load(data_dir)
    except data.DataValidationError as exc:
        raise plan.PlanError(f"the data in {data_dir} are not valid:\n{exc}") from None


# ---------------------------------------------------------------------------------------------
# Execute


def _job_message(
    index: int, job: plan.Job, folder: Path, timeout: float | None, page: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": index,
        "input": str(job.notebook.path),
        "folder": str(folder),
        "stem": job.notebook.stem,
        "title": job.notebook.title,
        "parameters": job.overrides,
        "timeout": timeout,
        "page": page,
        "log": str(folder.parent.parent / "workers.log"),  # the run's
    }


def _data_accessed(data_dir: Path) -> str:
    """The latest date on which a source in ``sources.csv`` was accessed (for page stamps)."""
    import csv

    try:
        with (data_dir / "sources.csv").open(encoding="utf-8", newline="") as handle:
            dates = [row.get("access_date") or "" for row in csv.DictReader(handle)]
    except OSError:
        return "unknown"
    return max((d for d in dates if d), default="unknown")


def _page_context(p: Plan, run_id: str, started: dt.datetime) -> dict[int, dict[str, Any]]:
    """Per job: links to the index and to the previous and next notebook of the same set,
    and the stamp every page carries."""
    from kzaf import __version__
    from kzaf.runner import manifest

    commit = (manifest.git_state().get("commit") or "unknown")[:12]
    accessed = _data_accessed(p.data_dir)
    context = {}
    for index, job in enumerate(p.jobs):
        siblings = sorted(
            (j for j in p.jobs if j.set_name == job.set_name), key=lambda j: j.notebook.stem
        )
        at = siblings.index(job)

        def link(other: plan.Job) -> dict[str, str]:
            stem = other.notebook.stem
            return {"href": f"../{stem}/{stem}.html", "title": other.notebook.title}

        changed = ", ".join(f"{k} = {v}" for k, v in job.overrides.items())
        context[index] = {
            "nav": {
                "index": "../../index.html",
                "prev": link(siblings[at - 1]) if at > 0 else None,
                "next": link(siblings[at + 1]) if at + 1 < len(siblings) else None,
            },
            "stamp": {
                "run_id": run_id,
                "run_date": f"{started:%Y-%m-%d %H:%M} UTC",
                "version": __version__,
                "commit": commit,
                "data_accessed": accessed,
                "changed": changed,
            },
        }
    return context


def _where(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    place = []
    if error.get("cell") is not None:
        place.append(f"cell {error['cell']}")
    if error.get("execution_count") is not None:
        place.append(f"In [{error['execution_count']}]")
    if error.get("line"):
        place.append(f"`{error['line']}`")
    head = " ".join(place)
    evalue = (str(error.get("evalue", "")).strip().splitlines() or [""])[0][:300]
    return f"{head + ': ' if head else ''}{error.get('ename', '')}: {evalue}"


def _previous_latest(reports: Path) -> str | None:
    link = reports / LATEST
    try:
        return os.readlink(link) if link.is_symlink() else None
    except OSError:
        return None


def _move_latest(reports: Path, run_id: str) -> tuple[str | None, str | None]:
    """Point ``latest`` at the run (atomically), unless a newer run already holds it.

    Returns (the reason it was impossible, or None; where ``latest`` points now). A lock
    serialises concurrent runs, and run ids sort by start time, so a run that started earlier
    but finished later never moves ``latest`` back, and each run reports what it really did.
    """
    import fcntl

    temporary = reports / f".{LATEST}-{run_id}"
    with (reports / ".latest.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = _previous_latest(reports)
        if current is not None and current > run_id and (reports / current).is_dir():
            return None, current
        try:
            os.symlink(run_id, temporary)
            os.replace(temporary, reports / LATEST)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return (
                f"{reports / LATEST} could not be replaced by a link ({exc}); is it a folder?",
                current,
            )
    return None, run_id


def execute(p: Plan, log: Log, executor: Executor | None = None) -> int:
    """Run the plan. Notebook jobs go to ``executor`` if given (any
    ``concurrent.futures.Executor`` whose workers run kzaf), else to the plan's engine (the
    local pool, a Dask LocalCluster or an existing Dask scheduler)."""
    try:
        return _execute(p, log, executor)
    finally:
        if p.kernels is not None:  # the engine stops it; not if it never opened
            p.kernels.stop()


def _execute(p: Plan, log: Log, executor: Executor | None) -> int:
    started = _now()
    run_id = new_run_id(started)
    work = p.reports / f"{INCOMPLETE}{run_id}"
    try:
        work.mkdir(parents=True)
    except OSError as exc:
        log(f"kzaf run: cannot write the reports folder {p.reports}: {exc.strerror}", error=True)
        return EXIT_INPUT
    log.attach(work / "run.log")
    secret = secret_variables()
    to_run = [i for i in range(len(p.jobs)) if i not in p.reuse]
    slots = min(p.slots, len(to_run)) if to_run else 0
    results: dict[int, dict[str, Any]] = {}
    previous = _set_handlers(_raise_interrupted, signal.getsignal(signal.SIGINT))
    engine = None
    try:
        with contextlib.ExitStack() as stack:
            if to_run:
                workers_log = stack.enter_context(
                    (work / "workers.log").open("a", encoding="utf-8")
                )
                try:
                    engine = stack.enter_context(_engine(p, executor, slots, workers_log))
                except plan.PlanError as exc:
                    log(f"kzaf run: {exc}", error=True)
                    log.close()
                    _restore_handlers(previous)
                    shutil.rmtree(work, ignore_errors=True)
                    return EXIT_INPUT
            log(
                f"kzaf run {run_id}: {len(p.jobs)} notebook run(s); {len(p.reuse)} unchanged and "
                f"reused, {len(to_run)} to execute"
                + (f" on {engine.description}" if engine else "")
                + f"; writing {work}"
            )
            for index, entry in sorted(p.reuse.items()):
                job = p.jobs[index]
                cache.link_tree(entry["folder"], work / job.rel_dir, skip={"result.json"})
                result = dict(entry["result"])
                result["reused_from"] = result.get("reused_from") or entry["run"]
                results[index] = result
                _write_result(work, job, result)
                log(f"  reused  {job.label}  (unchanged since run {result['reused_from']})")
            if engine is not None:
                _run_jobs(p, engine, to_run, work, run_id, started, results, log)
    except (KeyboardInterrupt, Interrupted) as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        _set_handlers(signal.SIG_IGN, signal.SIG_IGN)  # finish the clean-up
        manifest = _manifest(p, run_id, started, results, "interrupted")
        cache.write_json_atomic(work / "manifest.json", manifest)
        _redact_run(work, secret)
        log(
            f"kzaf run {run_id}: interrupted by signal {signum}; partial outputs kept in "
            f"{work} for debugging; earlier runs and '{LATEST}' are untouched",
            error=True,
        )
        log.close()
        _restore_handlers(previous)
        return EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM
    code = _publish(p, run_id, started, work, results, log, secret, previous)
    if p.upload_to is None:
        return code
    return _upload(p.upload_to, p.reports / run_id, code == 0 and p.whole, code, log)


def _upload(target: store.Store, final: Path, may_move: bool, code: int, log: Log) -> int:
    """Copy the published (hence redacted) run to the store, its marker last; move the store's
    ``latest`` only for a complete, successful run of the whole collection."""
    if not (final / "manifest.json").is_file():
        return code  # nothing was published (see the messages above)
    status = json.loads((final / "manifest.json").read_text(encoding="utf-8"))["status"]
    try:
        count = store.upload_run(final, target, status)
        log(f"kzaf run {final.name}: {count} files uploaded to {target.url}/{final.name}")
        if may_move and status == "ok":
            now = store.move_latest(target, final.name)
            log(f"  {target.url}/{store.LATEST} -> {now}")
    except Exception as exc:  # a store error of any kind: the run stays in the staging folder
        log(
            f"kzaf run {final.name}: uploading to {target.url} failed ({type(exc).__name__}: "
            f"{exc}); the run is kept in {final}; the store's '{store.LATEST}' is unchanged",
            error=True,
        )
        return EXIT_FAILED
    return code


@contextlib.contextmanager
def _engine(
    p: Plan, executor: Executor | None, slots: int, workers_log: IO[str]
) -> Iterator[engines.Engine]:
    """The engine, stopped (workers and kernels ended, queued jobs cancelled) when the run is
    interrupted; closed when it ends."""
    if executor is not None:
        given = engines.Engine(
            executor,
            f"the given executor ({type(executor).__name__})",
            lambda: executor.shutdown(wait=False, cancel_futures=True),
        )
        opened: contextlib.AbstractContextManager[engines.Engine] = contextlib.nullcontext(given)
    else:
        opened = engines.open_engine(p.engine, p.scheduler, slots, workers_log, p.kernels)
    with opened as engine:
        try:
            yield engine
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | Interrupted):
                _set_handlers(signal.SIG_IGN, signal.SIG_IGN)  # a second Ctrl-C waits
            engine.stop()
            raise


def _run_jobs(
    p: Plan,
    engine: engines.Engine,
    to_run: list[int],
    work: Path,
    run_id: str,
    started: dt.datetime,
    results: dict[int, dict[str, Any]],
    log: Log,
) -> None:
    """Submit the jobs longest first (durations of earlier runs) and collect their results
    as they finish. Each job's outputs count only with the commit marker its worker wrote
    last; the client alone writes results, manifest and index."""
    from kzaf.runner.worker import COMMIT_MARKER, execute_job

    known = cache.durations(p.reports)
    order = sorted(to_run, key=lambda i: -known.get(p.jobs[i].notebook.stem, 1e9))
    pages = _page_context(p, run_id, started)
    pending: dict[Future[Any], int] = {}
    for i in order:
        message = _job_message(i, p.jobs[i], work / p.jobs[i].rel_dir, p.timeout, pages[i])
        pending[engine.executor.submit(execute_job, message)] = i
    finished = 0
    while pending:
        _log_started(engine, p, log)
        done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
        for future in done:
            index = pending.pop(future)
            job = p.jobs[index]
            result = _outcome(future, work / job.rel_dir / COMMIT_MARKER)
            finished += 1
            results[index] = result
            _write_result(work, job, result)
            duration = result.get("duration_s")
            took = f"{duration:.1f} s" if duration is not None else ""
            if result.get("status") == "ok":
                log(f"  ok      {job.label}  {took}  [{finished}/{len(to_run)}]")
            else:
                log(
                    f"  FAILED  {job.label}  {took}  [{finished}/{len(to_run)}]  "
                    + _where(result.get("error")),
                    error=True,
                )
    _log_started(engine, p, log)


def _log_started(engine: engines.Engine, p: Plan, log: Log) -> None:
    """``start`` lines, from an engine that tells when a job starts (the local pool)."""
    if engine.started is None:
        return
    while not engine.started.empty():
        message = engine.started.get_nowait()
        if isinstance(message, dict) and "id" in message:
            log(f"  start   {p.jobs[message['id']].label}")


def _outcome(future: Future[Any], marker: Path) -> dict[str, Any]:
    """A job's result: what the worker returned, if its outputs were committed."""
    if future.cancelled():
        return {"status": "interrupted", "error": {"ename": "Cancelled", "evalue": "not run"}}
    error = future.exception()
    if error is not None:
        return {
            "status": "failed",
            "error": {"ename": type(error).__name__, "evalue": str(error)[:2000]},
        }
    result = dict(future.result())
    if result.get("status") in ("ok", "failed") and not marker.is_file():
        result["status"] = "failed"
        result["error"] = result.get("error") or {
            "ename": "NotCommitted",
            "evalue": f"the worker returned, but {marker.name} is missing from "
            f"{marker.parent}: its outputs are incomplete (or the worker does not share "
            "this folder)",
        }
    return result


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(signum)


def _set_handlers(on_term: Any, on_int: Any) -> dict[int, Any]:
    """Install handlers (``None``: keep); return the previous ones. Outside the main thread
    (an embedding scheduler) signals stay as they are."""
    previous: dict[int, Any] = {}
    for signum, handler in ((signal.SIGTERM, on_term), (signal.SIGINT, on_int)):
        if handler is None:
            continue
        with contextlib.suppress(ValueError, TypeError):
            previous[signum] = signal.signal(signum, handler)
    return previous


def _restore_handlers(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signum, handler)


def _write_result(work: Path, job: plan.Job, result: dict[str, Any]) -> None:
    result = {
        **result,
        "set": job.set_name,
        "notebook": job.notebook.stem,
        "cache_key": job.key,
        "overrides": job.overrides,
    }
    folder = work / job.rel_dir
    folder.mkdir(parents=True, exist_ok=True)
    cache.write_json_atomic(folder / "result.json", result)


def _manifest(
    p: Plan, run_id: str, started: dt.datetime, results: dict[int, dict[str, Any]], status: str
) -> dict[str, Any]:
    from kzaf.runner import manifest

    ended = _now()
    return {
        "kzaf_manifest": manifest.MANIFEST_FORMAT,
        "run_id": run_id,
        "status": status,
        "started": _iso(started),
        "ended": _iso(ended),
        "duration_s": round((ended - started).total_seconds(), 2),
        "command": p.argv,
        "run_file": (
            {"path": str(p.run_file.path), "sha256": p.run_file.sha256} if p.run_file else None
        ),
        "jobs": p.slots,
        "forced": p.force,
        "cell_timeout_s": p.timeout,
        "code": {
            **manifest.git_state(),
            "kzaf_source_sha256": cache.library_sha256(),
            "requirements_lock_sha256": cache.lock_sha256(),
        },
        "software": manifest.software(),
        "data": {"directory": str(p.data_dir), "files": p.data},
        "notebooks": [
            manifest.job_entry(job, results.get(i, {"status": "not run"}))
            for i, job in enumerate(p.jobs)
        ],
    }


def _redact_run(work: Path, secret: dict[str, str]) -> None:
    """Every file the run folder holds, in every state (complete, failed, interrupted: a
    worker stopped mid-notebook leaves a partial notebook papermill wrote unredacted)."""
    redact_tree(work, secret)


def _publish(
    p: Plan,
    run_id: str,
    started: dt.datetime,
    work: Path,
    results: dict[int, dict[str, Any]],
    log: Log,
    secret: dict[str, str],
    previous_handler: Any,
) -> int:
    from kzaf.runner import index

    failed = [i for i in range(len(p.jobs)) if results.get(i, {}).get("status") != "ok"]
    status = "failed" if failed else "ok"
    manifest = _manifest(p, run_id, started, results, status)
    manifest = json.loads(redact_text(json.dumps(manifest), secret))
    cache.write_json_atomic(work / "manifest.json", manifest)
    from kzaf.runner.pages import source_catalogue

    by_label = {p.jobs[i].label: r for i, r in results.items()}
    compare_page = None
    if len({job.set_name for job in p.jobs}) > 1:  # a sweep or a run file's sets
        from kzaf.runner import compare

        try:
            compare_page = compare.write(work, manifest, by_label, p.swept)[0]
        except Exception as exc:  # the reports stand without it; say why it is missing
            log(f"kzaf run: the comparison page could not be written: {exc}", error=True)
    page = index.render(
        manifest,
        by_label,
        source_catalogue(p.data_dir),
        compare=compare_page,
    )
    (work / "index.html").write_text(redact_text(page, secret), encoding="utf-8")
    final = p.reports / run_id
    before = _previous_latest(p.reports)
    # The folder move, the cache records and the latest link happen together or not at all.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        _redact_run(work, secret)
        if final.exists():  # a run id is random; this guards the impossible anyway
            raise FileExistsError(f"{final} exists; not overwriting another run")
        os.rename(work, final)
        for i, job in enumerate(p.jobs):
            if results.get(i, {}).get("status") == "ok":
                cache.record(p.reports, job.key, run_id, job.rel_dir)
        cache.record_durations(
            p.reports,
            {
                p.jobs[i].notebook.stem: r["duration_s"]
                for i, r in results.items()
                if r.get("duration_s") is not None and not r.get("reused_from")
            },
        )
        problem, now_latest = (
            _move_latest(p.reports, run_id) if not failed and p.whole else (None, before)
        )
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _restore_handlers(previous_handler)
    took = (_now() - started).total_seconds()
    if problem:
        log(f"kzaf run {run_id}: all notebooks ran, but {problem}", error=True)
        log.close()
        return EXIT_FAILED
    if failed:
        for i in failed:
            log(f"FAILED {p.jobs[i].label}: {_where(results.get(i, {}).get('error'))}", error=True)
        log(
            f"kzaf run {run_id}: {len(failed)} of {len(p.jobs)} notebook run(s) failed in "
            f"{took:.1f} s; everything is kept in {final}/index.html (failed notebooks are "
            f"linked there with their error); '{LATEST}' unchanged"
            + (f" (still {before})" if before else ""),
            error=True,
        )
        log.close()
        return EXIT_FAILED
    log(f"kzaf run {run_id}: all {len(p.jobs)} notebook run(s) ok in {took:.1f} s")
    if p.whole and now_latest == run_id:
        log(f"  {final}/index.html; {p.reports / LATEST} -> {run_id}")
    elif p.whole:
        log(
            f"  {final}/index.html; '{LATEST}' not moved: it points to {now_latest}, a run "
            "that started later and finished first"
        )
    else:
        log(
            f"  {final}/index.html; '{LATEST}' not moved: "
            + ("a sweep never moves it" if p.swept else "only some notebooks were run")
            + (f" (still {before})" if before else "")
        )
    log.close()
    return 0


# ---------------------------------------------------------------------------------------------
# Entry points


def main(args: argparse.Namespace) -> int:
    log = Log()
    try:
        p = prepare(args, log)
    except (plan.PlanError, ParameterError) as exc:
        log(f"kzaf run: {exc}", error=True)
        log.close()
        return EXIT_INPUT
    if args.dry_run:
        from kzaf.applicability import parts_by_job

        notes = parts_by_job(((j.notebook.stem, j.effective) for j in p.jobs), p.data_dir)
        for index, job in enumerate(p.jobs):
            entry = p.reuse.get(index)
            what = f"reuse from {entry['run']}" if entry else "execute"
            values = ", ".join(f"{k}={v!r}" for k, v in job.overrides.items()) or "defaults"
            log(f"{what:<34} {job.label}  ({values})")
            for part, reason in notes[index]:
                log(f"{'':<34}   empty or not applicable: {part} ({reason})")
        log.close()
        return 0
    known = cache.durations(p.reports)
    log.expect(
        {j.label: known.get(j.notebook.stem) for i, j in enumerate(p.jobs) if i not in p.reuse},
        p.slots,
    )
    try:
        return execute(p, log)
    finally:
        log.close()


def show_parameters(notebook: str, notebooks_dir: str | None, as_json: bool) -> int:
    directory = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    try:
        (path,) = plan.select([notebook], directory)
        nb = plan.read_notebook(path)
    except plan.PlanError as exc:
        print(f"kzaf params: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if as_json:
        rows = [
            {
                "name": q.name,
                "type": q.annotation,
                "default": q.default,
                "comment": q.comment,
                "rule": nb.rules.get(q.name),
            }
            for q in nb.parameters
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(describe(nb.stem, nb.parameters, nb.rules))
    return 0
