"""``kzaf run``: check, reuse what is unchanged, execute the rest in parallel, publish.

The core that joins the four wings: plan (options -> settings -> jobs) -> execute (an engine
runs the jobs) -> publish (manifest, redaction, the run folder moved into place, ``latest``)
-> site (index and comparison pages). It reads :class:`~kzaf.runner.plan.options.RunOptions`,
never argparse.

Reports layout (``<reports>`` is ``reports/`` unless ``--reports-dir``, ``$KZAF_REPORTS_DIR`` or
a run file's ``output`` says otherwise; a URL is a store, see :mod:`kzaf.runner.publish.store`)::

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

import contextlib
import datetime as dt
import errno
import json
import secrets
import shutil
import signal
import sys
import traceback
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf import atomic, paths
from kzaf.logs import RunLog as Log
from kzaf.parameters.listing import describe
from kzaf.parameters.values import ParameterError
from kzaf.redaction import secret_variables
from kzaf.runner.errors import PlanError
from kzaf.runner.execute import dispatch, kernel_server
from kzaf.runner.execute.signals import (
    Interrupted,
    raise_interrupted,
    restore_handlers,
    set_handlers,
)
from kzaf.runner.plan import notebooks as plan_notebooks
from kzaf.runner.plan import prepare as planning
from kzaf.runner.plan.options import RunOptions
from kzaf.runner.plan.prepare import Plan
from kzaf.runner.publish import cache, fingerprints, manifest, runs, store
from kzaf.runner.publish.files import link_tree, write_json_atomic
from kzaf.runner.publish.latest import LATEST, previous_latest
from kzaf.runner.publish.runs import INCOMPLETE
from kzaf.text.words import count

__all__ = ["INCOMPLETE", "LATEST", "Log", "Plan", "RunOptions"]

EXIT_FAILED, EXIT_INPUT, EXIT_SIGINT, EXIT_SIGTERM = 1, 2, 130, 143


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def new_run_id(moment: dt.datetime | None = None) -> str:
    """Sortable by start time (to the millisecond), unique: ``20250101T120000.123Z-3f9a2c``."""
    moment = moment or _now()
    return f"{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


# ---------------------------------------------------------------------------------------------
# Plan


def prepare(options: RunOptions, log: Log) -> Plan:
    """The plan; when notebooks will execute, the data's content checked and (local engine,
    not a dry run) the kernel server started."""
    p = planning.prepare(options, log)
    _before_executing(p)
    return p


def _before_executing(p: Plan) -> None:
    """When notebooks will execute: check the data's content, and start the local engine's
    kernel server first, so its imports (two seconds, which every kernel waits for) overlap
    the check (half a second off a run). Nothing starts when every notebook is reused."""
    to_execute = len(p.jobs) - len(p.reuse)
    if not to_execute:
        return
    if p.settings.engine == "local" and not p.settings.dry_run:
        p.kernels = kernel_server.start_server(to_execute)
    try:
        planning.check_data_content(p.data_dir)
    except PlanError:
        if p.kernels is not None:
            p.kernels.stop()
        raise


# ---------------------------------------------------------------------------------------------
# Execute


def execute(p: Plan, log: Log, executor: Executor | None = None) -> int:
    """Run the plan. Notebook jobs go to ``executor`` if given (any
    ``concurrent.futures.Executor`` whose workers run kzaf), else to the plan's engine (the
    local pool, a Dask LocalCluster or an existing Dask scheduler)."""
    try:
        return _execute(p, log, executor)
    finally:
        if p.kernels is not None:  # the engine stops it; not if it never opened
            p.kernels.stop()


@dataclass
class _Run:
    """One execution of a plan: what every step of it reads and adds to."""

    p: Plan
    log: Log
    run_id: str
    started: dt.datetime
    work: Path  # <reports>/.incomplete-<run id> until it is published
    secret: Mapping[str, str]
    results: dict[int, dict[str, Any]] = field(default_factory=dict)  # job index -> result

    @property
    def final(self) -> Path:
        return self.p.settings.reports / self.run_id


def _execute(p: Plan, log: Log, executor: Executor | None) -> int:
    started = _now()
    run_id = new_run_id(started)
    work = p.settings.reports / f"{INCOMPLETE}{run_id}"
    try:
        work.mkdir(parents=True)
    except OSError as exc:
        log(f"kzaf run: cannot write the reports folder {work.parent}: {exc.strerror}", error=True)
        return EXIT_INPUT
    log.attach(work / "run.log")
    r = _Run(p, log, run_id, started, work, {**secret_variables(), **p.settings.secrets})
    previous = set_handlers(raise_interrupted, signal.getsignal(signal.SIGINT))
    try:
        try:
            _run(r, executor)
        except PlanError as exc:  # the engine could not start: nothing ran
            log(f"kzaf run: {exc}", error=True)
            log.close()
            shutil.rmtree(work, ignore_errors=True)
            return EXIT_INPUT
        code = _publish(r, previous)
    except (KeyboardInterrupt, Interrupted) as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        _close_partial(r, "interrupted")
        log(
            f"kzaf run {run_id}: interrupted by signal {signum}; partial outputs kept in "
            f"{work} for debugging; earlier runs and '{LATEST}' are untouched",
            error=True,
        )
        log.close()
        return EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM
    except Exception as exc:  # anything unexpected, a full disk included: redacted all the same
        return _crashed(r, exc)
    finally:
        restore_handlers(previous)
    target = p.settings.upload_to
    if target is None:
        return code
    return _upload(target, r.final, code == 0 and p.settings.whole, code, log)


def _close_partial(r: _Run, status: str) -> Path:
    """A run that stopped before it was published: its manifest written if the disk allows,
    and every file redacted (a file that cannot be rewritten is removed). Returns the folder
    (the final one, should the stop have come after the folder was moved into place)."""
    set_handlers(signal.SIG_IGN, signal.SIG_IGN)  # finish the clean-up
    folder = r.work if r.work.exists() else r.final
    with contextlib.suppress(OSError):
        runs.write_manifest(folder, _manifest(r, status), r.secret)
    try:
        runs.redact_run(folder, r.secret)
    except OSError as exc:  # a file that can be neither read nor removed: say so, loudly
        r.log(f"kzaf run {r.run_id}: {folder} may still hold a secret: {exc}", error=True)
    return folder


# A write the file system refused: bad input in the exit-status table's sense (a full disk,
# a read-only or missing place, a name too long), reported in one line with exit status 2.
_REFUSED_WRITES = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.ENAMETOOLONG,
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
}


def _crashed(r: _Run, exc: Exception) -> int:
    """One line for an unexpected stop (the traceback goes to the run's log file only)."""
    r.log.detail("".join(traceback.format_exception(exc)))
    folder = _close_partial(r, "crashed")
    kept = (
        f"partial outputs (secrets removed) kept in {folder}; "
        f"earlier runs and '{LATEST}' are untouched"
    )
    if isinstance(exc, OSError) and exc.errno in _REFUSED_WRITES:
        where = exc.filename or folder
        r.log(f"kzaf run {r.run_id}: cannot write {where}: {exc.strerror}; {kept}", error=True)
        r.log.close()
        return EXIT_INPUT
    said = (str(exc).strip().splitlines() or [""])[0][:300]
    r.log(
        f"kzaf run {r.run_id}: stopped by an unexpected error ({type(exc).__name__}: {said}); "
        f"{kept}; the traceback is in its run.log",
        error=True,
    )
    r.log.close()
    return EXIT_FAILED


def _run(r: _Run, executor: Executor | None) -> None:
    """Reuse what is unchanged, then execute the rest on the engine."""
    p = r.p
    to_run = [i for i in range(len(p.jobs)) if i not in p.reuse]
    slots = min(p.settings.slots, len(to_run)) if to_run else 0
    with contextlib.ExitStack() as stack:
        engine = None
        if to_run:
            workers_log = stack.enter_context((r.work / "workers.log").open("a", encoding="utf-8"))
            s = p.settings
            engine = stack.enter_context(
                dispatch.opened_engine(
                    executor, s.engine, s.scheduler, slots, workers_log, p.kernels, _data(p)
                )
            )
        r.log(
            f"kzaf run {r.run_id}: {count(len(p.jobs), 'notebook run')}; "
            f"{len(p.reuse)} unchanged and reused, {len(to_run)} to execute"
            + (f" on {engine.description}" if engine else "")
            + f"; writing {r.work}"
        )
        _reuse(r)
        if engine is not None:

            def on_result(index: int, result: dict[str, Any]) -> None:
                r.results[index] = result
                _write_result(r.work, p.jobs[index], result)

            labels = {i: job.label for i, job in enumerate(p.jobs)}
            dispatch.run_jobs(engine, _messages(r, to_run), labels, on_result, r.log)


def _reuse(r: _Run) -> None:
    for index, entry in sorted(r.p.reuse.items()):
        job = r.p.jobs[index]
        link_tree(entry["folder"], r.work / job.rel_dir, skip={"result.json"})
        result = dict(entry["result"])
        result["reused_from"] = result.get("reused_from") or entry["run"]
        r.results[index] = result
        _write_result(r.work, job, result)
        r.log(f"  reused  {job.label}  (unchanged since run {result['reused_from']})")


def _messages(r: _Run, to_run: list[int]) -> list[dict[str, Any]]:
    """The jobs to execute as worker messages, longest first (durations of earlier runs)."""
    from kzaf.runner.site.pages import page_contexts
    from kzaf.runner.site.references import data_accessed

    p = r.p
    known = cache.durations(p.settings.reports)
    order = sorted(to_run, key=lambda i: -known.get(p.jobs[i].notebook.stem, 1e9))
    commit = (manifest.git_state().get("commit") or "unknown")[:12]
    pages = page_contexts(p.jobs, r.run_id, r.started, commit, data_accessed(p.data_dir))
    return [
        dispatch.job_message(
            i,
            notebook=p.jobs[i].notebook.path,
            folder=r.work / p.jobs[i].rel_dir,
            stem=p.jobs[i].notebook.stem,
            title=p.jobs[i].notebook.title,
            parameters=p.jobs[i].overrides,
            timeout=p.settings.timeout,
            page=pages[i],
            data=_data(p),
        )
        for i in order
    ]


def _data(p: Plan) -> tuple[str, str]:
    """The data folder the run checked and the digest its workers must see there."""
    return str(p.data_dir), fingerprints.data_digest(p.data)


def _write_result(work: Path, job: Any, result: dict[str, Any]) -> None:
    result = {
        **result,
        "set": job.set_name,
        "notebook": job.notebook.stem,
        "cache_key": job.key,
        "overrides": job.overrides,
    }
    folder = work / job.rel_dir
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / "result.json", result)


# ---------------------------------------------------------------------------------------------
# Publish


def _manifest(
    r: _Run, status: str, files: Mapping[int, Mapping[str, str]] | None = None
) -> dict[str, Any]:
    p, ended = r.p, _now()
    run_file = p.settings.run_file
    return {
        "kzaf_manifest": manifest.MANIFEST_FORMAT,
        "run_id": r.run_id,
        "status": status,
        "started": _iso(r.started),
        "ended": _iso(ended),
        "duration_s": round((ended - r.started).total_seconds(), 2),
        "command": list(p.settings.argv),
        "run_file": {"path": str(run_file.path), "sha256": run_file.sha256} if run_file else None,
        "jobs": p.settings.slots,
        "forced": p.settings.force,
        "cell_timeout_s": p.settings.timeout,
        "code": {
            **manifest.git_state(),
            "kzaf_source_sha256": fingerprints.library_sha256(),
            "requirements_lock_sha256": fingerprints.lock_sha256(),
        },
        "software": manifest.software(),
        "data": {"directory": str(p.data_dir), "files": p.data},
        "notebooks": [
            manifest.job_entry(job, r.results.get(i, {"status": "not run"}), (files or {}).get(i))
            for i, job in enumerate(p.jobs)
        ],
    }


def _write_pages(r: _Run, written: Mapping[str, Any]) -> None:
    """The index and the sitemap, and for a run of several parameter sets the comparison
    pages."""
    from kzaf.redaction import redact_text
    from kzaf.runner.site import index, sitemap
    from kzaf.runner.site.references import source_catalogue

    p = r.p
    by_label = {p.jobs[i].label: result for i, result in r.results.items()}
    compare_pages: list[str] = []
    if len({job.set_name for job in p.jobs}) > 1:  # a sweep or a run file's sets
        from kzaf.runner.site import compare

        try:
            compare_pages = compare.write(r.work, written, by_label, p.swept)
        except Exception as exc:  # the reports stand without it; say why it is missing
            r.log(f"kzaf run: the comparison page could not be written: {exc}", error=True)
    compare_page = compare_pages[0] if compare_pages else None
    page = index.render(written, by_label, source_catalogue(p.data_dir), compare=compare_page)
    atomic.write_text(r.work / "index.html", redact_text(page, r.secret))
    atomic.write_text(r.work / "sitemap.xml", sitemap.render(written, compare_pages))


def _publish(r: _Run, previous_handlers: dict[int, Any]) -> int:
    p = r.p
    failed = [i for i in range(len(p.jobs)) if r.results.get(i, {}).get("status") != "ok"]
    # Redacted first, so the manifest records the checksums of the files as published.
    runs.redact_run(r.work, r.secret)
    files = {i: cache.folder_files(r.work / job.rel_dir) for i, job in enumerate(p.jobs)}
    manifest_now = _manifest(r, "failed" if failed else "ok", files)
    _write_pages(r, runs.write_manifest(r.work, manifest_now, r.secret))
    before = previous_latest(p.settings.reports)
    try:
        problem, now_latest = _commit(r, failed)
    finally:
        restore_handlers(previous_handlers)
    took = (_now() - r.started).total_seconds()
    if problem:
        r.log(f"kzaf run {r.run_id}: all notebooks ran, but {problem}", error=True)
    elif failed:
        _report_failures(r, failed, took, before)
    else:
        _report_success(r, took, now_latest, before)
    r.log.close()
    return EXIT_FAILED if problem or failed else 0


def _commit(r: _Run, failed: list[int]) -> tuple[str | None, str | None]:
    """The run folder moved into place with its cache records, and ``latest`` if it may."""
    p = r.p
    return runs.commit_run(
        r.work,
        p.settings.reports,
        r.run_id,
        reusable=[
            (job.key, job.rel_dir)
            for i, job in enumerate(p.jobs)
            if r.results.get(i, {}).get("status") == "ok"
        ],
        durations={
            p.jobs[i].notebook.stem: result["duration_s"]
            for i, result in r.results.items()
            if result.get("duration_s") is not None and not result.get("reused_from")
        },
        may_move_latest=not failed and p.settings.whole,
    )


def _report_failures(r: _Run, failed: list[int], took: float, before: str | None) -> None:
    for i in failed:
        result = r.results.get(i, {})
        where = dispatch.describe_failure(result.get("error"))
        state = "NOT RUN" if result.get("status", "not run") == "not run" else "FAILED"
        r.log(f"{state} {r.p.jobs[i].label}: {where}", error=True)
    r.log(
        f"kzaf run {r.run_id}: {len(failed)} of {count(len(r.p.jobs), 'notebook run')} failed in "
        f"{took:.1f} s; everything is kept in {r.final}/index.html (failed notebooks are "
        f"linked there with their error); '{LATEST}' unchanged"
        + (f" (still {before})" if before else ""),
        error=True,
    )


def _report_success(r: _Run, took: float, now_latest: str | None, before: str | None) -> None:
    p, final = r.p, r.final
    ran = "the one notebook run" if len(p.jobs) == 1 else f"all {len(p.jobs)} notebook runs"
    r.log(f"kzaf run {r.run_id}: {ran} ok in {took:.1f} s")
    if p.settings.whole and now_latest == r.run_id:
        r.log(f"  {final}/index.html; {p.settings.reports / LATEST} -> {r.run_id}")
    elif p.settings.whole:
        r.log(
            f"  {final}/index.html; '{LATEST}' not moved: it points to {now_latest}, a run "
            "that started later and finished first"
        )
    else:
        r.log(
            f"  {final}/index.html; '{LATEST}' not moved: "
            + ("a sweep never moves it" if p.swept else "only some notebooks were run")
            + (f" (still {before})" if before else "")
        )


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


# ---------------------------------------------------------------------------------------------
# Entry points


def main(options: RunOptions) -> int:
    log = Log()
    try:
        p = prepare(options, log)
    except (PlanError, ParameterError) as exc:
        log(f"kzaf run: {exc}", error=True)
        log.close()
        return EXIT_INPUT
    if options.dry_run:
        _dry_run(p, log)
        log.close()
        return 0
    known = cache.durations(p.settings.reports)
    log.expect(
        {j.label: known.get(j.notebook.stem) for i, j in enumerate(p.jobs) if i not in p.reuse},
        p.settings.slots,
    )
    try:
        return execute(p, log)
    finally:
        log.close()


def _dry_run(p: Plan, log: Log) -> None:
    """What would run or be reused, and which parts would be empty or not applicable."""
    from kzaf.applicability import parts_by_job

    notes = parts_by_job(((j.notebook.stem, j.effective) for j in p.jobs), p.data_dir)
    for index, job in enumerate(p.jobs):
        entry = p.reuse.get(index)
        what = f"reuse from {entry['run']}" if entry else "execute"
        values = ", ".join(f"{k}={v!r}" for k, v in job.overrides.items()) or "defaults"
        log(f"{what:<34} {job.label}  ({values})")
        for part, reason in notes[index]:
            log(f"{'':<34}   empty or not applicable: {part} ({reason})")


def show_parameters(notebook: str, notebooks_dir: str | None, as_json: bool) -> int:
    directory = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    try:
        (path,) = plan_notebooks.select([notebook], directory)
        nb = plan_notebooks.read_notebook(path)
    except PlanError as exc:
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
