"""A worker process of ``kzaf run``: executes notebooks with papermill and renders them.

The runner starts ``python -m kzaf.runner.execute.worker`` once per parallel slot. The worker
imports papermill and nbconvert once, then reads one job per line (JSON) on stdin and answers on
its original stdout with a ``start`` line and a ``done`` line (JSON); anything else it or its
libraries print goes to stderr (the run's ``workers.log``). On SIGTERM it stops the kernel and
exits, leaving whatever the notebook had written so far.

For each job it writes, in the job's folder (also the kernel's working directory, so figures
saved under ``figures/`` land there):

- ``<stem>.ipynb``       the executed notebook (with the error, if it failed)
- ``<stem>.html``        for readers: outputs and prose, no code
- ``<stem>.code.html``   for analysts: with code
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from kzaf import atomic, startup  # noqa: F401  (startup: before papermill, skips a slow import)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


_ERROR_TAG = "papermill-error-cell-tag"


def _tags(cell: dict[str, Any]) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _papermill(cell: dict[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("papermill", {})


def describe_error(exc: Exception, notebook: dict[str, Any] | None) -> dict[str, Any]:
    """Where a notebook failed: cell number in the source notebook, In [n], first code line."""
    from papermill.exceptions import PapermillExecutionError

    cells = [c for c in (notebook or {}).get("cells", []) if _ERROR_TAG not in _tags(c)]
    if isinstance(exc, PapermillExecutionError):
        index, ename, evalue = exc.cell_index, exc.ename, str(exc.evalue)
        traceback = [_ANSI.sub("", line) for line in exc.traceback or []]
    else:  # a dead kernel or a timeout: the last cell papermill started is where it stopped
        started = [i for i, c in enumerate(cells) if _papermill(c).get("start_time")]
        index = started[-1] if started else None
        ename, evalue, traceback = type(exc).__name__, str(exc), []
    found: dict[str, Any] = {"ename": ename, "evalue": _ANSI.sub("", evalue)[:2000]}
    if index is not None and index < len(cells):
        cell = cells[index]
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        # Counted in the source notebook: without the injected parameters cell, from 1.
        injected = sum(1 for c in cells[:index] if "injected-parameters" in _tags(c))
        found["cell"] = index - injected + 1
        found["execution_count"] = cell.get("execution_count")
        found["line"] = next((s.strip() for s in source.splitlines() if s.strip()), "")[:200]
    if traceback:
        found["traceback"] = "\n".join(traceback)[-4000:]
    return found


class Renderer:
    """The two HTML views of an executed notebook.

    nbconvert is imported in a background thread while the first notebook executes (the
    worker mostly waits on the kernel then), which takes its import off the critical path.
    """

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._catalogue: dict[str, Any] | None = None
        threading.Thread(target=self._load, daemon=True).start()

    def _load(self) -> None:
        try:
            from nbconvert import HTMLExporter

            # nbconvert's basic template: the notebook's body only, no JupyterLab CSS and no
            # scripts from other hosts; kzaf.runner.site.pages wraps it in the site's shell.
            self.reader = HTMLExporter(
                template_name="basic",
                exclude_input=True,
                exclude_input_prompt=True,
                exclude_output_prompt=True,
            )
            self.analyst = HTMLExporter(template_name="basic")
        except BaseException as exc:  # reported when rendering is attempted
            self._failure = exc
        finally:
            self._ready.set()

    def write(
        self,
        notebook: Any,
        folder: Path,
        stem: str,
        title: str,
        page: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        self._ready.wait()
        if self._failure is not None:
            raise RuntimeError(f"nbconvert could not be loaded: {self._failure}")
        from kzaf.runner.site import pages
        from kzaf.runner.site.references import source_catalogue
        from kzaf.runner.site.sanitize import sanitize_notebook

        notebook = sanitize_notebook(notebook)
        page = {**(page or {}), "stem": stem}
        if self._catalogue is None:
            from kzaf.paths import data_dir

            self._catalogue = source_catalogue(data_dir())
        written = {}
        for view, exporter, name, shown in (
            ("reader", self.reader, f"{stem}.html", pages.for_readers(notebook, title)),
            ("analyst", self.analyst, f"{stem}.code.html", notebook),
        ):
            body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
            text = pages.render(
                body, view=view, title=title, page=page, error=error, catalogue=self._catalogue
            )
            atomic.write_text(folder / name, text)
            written[view] = name
        return written


KERNEL_START_ATTEMPTS = 3  # a kernel that dies while starting (a port race) is tried again
POOL_WORKER_ENV = "KZAF_POOL_WORKER"  # set in the local pool's workers
COMMIT_MARKER = ".committed"  # written last in a job's folder: its outputs are complete


def _kernel_name(path: str) -> str:
    """The kernel the notebook declares (passed explicitly: a worker's default may differ)."""
    try:
        with open(path, encoding="utf-8") as handle:
            spec = json.load(handle).get("metadata", {}).get("kernelspec", {})
    except (OSError, ValueError):
        spec = {}
    return spec.get("name") or "python3"


def _never_started(output: Path) -> bool:
    """Whether papermill failed before any cell ran (the kernel did not start)."""
    try:
        cells = json.loads(output.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return True
    return not any(_papermill(c).get("start_time") for c in cells)


def _start_race(exc: Exception, output: Path) -> bool:
    """A kernel that died or timed out while starting (two kernels taking the same ports, a
    slow start under load), before any cell ran: worth another attempt. Other errors (a bad
    notebook, a missing kernel) would fail the same way again."""
    kinds = {"RuntimeError", "TimeoutError", "DeadKernelError", "ZMQError", "ZMQBindError"}
    return type(exc).__name__ in kinds and _never_started(output)


SAVE_EVERY_S = 1.0  # while a notebook runs, its file on disk is at most this far behind


def throttle_saves() -> None:
    """papermill writes the whole output notebook (validating it against nbformat's schema)
    when each cell starts and again when it ends: about 40 writes of a 160 kB notebook for
    notebook 01, 0.3 s of its run. In kzaf's workers it writes at most once a second while
    cells run, and always when the notebook ends (failed or not), so a killed run still leaves
    its partial notebook, at most a second behind."""
    from papermill.engines import NotebookExecutionManager

    if getattr(NotebookExecutionManager.save, "throttled", False):
        return
    write = NotebookExecutionManager.save

    def save(manager: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        ended = manager.end_time is not None
        if ended or now - getattr(manager, "kzaf_saved_at", -SAVE_EVERY_S) >= SAVE_EVERY_S:
            manager.kzaf_saved_at = now
            write(manager, **kwargs)

    save.throttled = True  # type: ignore[attr-defined]
    NotebookExecutionManager.save = save


def _execute(job: dict[str, Any], output: Path, folder: Path) -> Exception | None:
    """papermill through its Python API; paths are absolute and the kernel's working folder is
    passed to the kernel (nbclient ``resources``), never papermill's ``cwd``: that changes the
    whole process's folder, which threads (a Dask worker's) share."""
    throttle_saves()
    try:
        return _execute_with_retries(job, output, folder)
    finally:
        _close_thread_event_loop()


def _close_thread_event_loop() -> None:
    """papermill's synchronous calls (jupyter_core's run_sync) leave an event loop set for the
    calling thread. In a process's main thread (a pool worker) the next job reuses it; in any
    other thread (a Dask worker's) nobody would close it, and the garbage collector's warning
    about it would surface later, in whatever code runs then. Close it here: the next job in
    this thread gets a new one."""
    import asyncio

    if threading.current_thread() is threading.main_thread():
        return
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop set for this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    asyncio.set_event_loop(None)


def _execute_with_retries(job: dict[str, Any], output: Path, folder: Path) -> Exception | None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    error: Exception | None = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                job["input"],
                str(output),
                parameters=job["parameters"] or None,
                kernel_name=job.get("kernel") or _kernel_name(job["input"]),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=True,
                execution_timeout=job.get("timeout"),
                resources={"metadata": {"path": str(folder)}},
            )
            return None
        except KeyboardInterrupt:
            raise
        except PapermillExecutionError as exc:  # a failing cell: the notebook's own error
            return exc
        except Exception as exc:  # a dead kernel or a timeout: all kept and reported
            error = exc
            if attempt == KERNEL_START_ATTEMPTS or not _start_race(exc, output):
                return exc
            print(f"kernel start failed ({exc}); attempt {attempt + 1}", file=sys.stderr)
            time.sleep(0.5 * attempt)
    return error


def data_state(data_dir: str) -> str:
    """The digest of the data at ``data_dir`` as this process sees them, or why there is none
    (:func:`kzaf.runner.publish.fingerprints.data_digest`)."""
    from kzaf.runner.errors import PlanError
    from kzaf.runner.publish.fingerprints import data_digest, data_files

    try:
        return data_digest(data_files(Path(data_dir)))
    except (PlanError, OSError) as exc:
        return "unusable here: " + (str(exc).strip().splitlines() or ["?"])[-1].strip(" -")


def _use_data(job: dict[str, Any]) -> dict[str, Any] | None:
    """Point this process (and the kernels it starts) at the data the client checked, if this
    process sees them alike; else the error that fails the job before it runs."""
    folder, digest = job.get("data_dir"), job.get("data_sha256")
    if not folder or not digest:
        return None
    found = data_state(folder)
    if found != digest:
        return {
            "ename": "DataMismatch",
            "evalue": f"the data at {folder} on this worker are not those the run checked "
            f"({found if found.startswith('unusable') else 'other files'}); nothing ran",
        }
    os.environ["KZAF_DATA_DIR"] = folder  # kzaf.paths.DATA_DIR_ENV, read by the kernels
    return None


def run_job(job: dict[str, Any], renderer: Renderer, secrets: dict[str, str]) -> dict[str, Any]:
    folder = Path(job["folder"])
    stem = job["stem"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / COMMIT_MARKER).unlink(missing_ok=True)
    refused = _use_data(job)
    if refused is not None:
        atomic.write_text(folder / COMMIT_MARKER, json.dumps({"status": "failed"}) + "\n")
        return {"status": "failed", "error": refused, "files": {}, "started": _now()}
    output = folder / f"{stem}.ipynb"
    # Charts and tables default to ./figures, the kernel's working folder; the variable says
    # the same for kernels that change folder (one job at a time per worker process).
    os.environ["KZAF_FIGURES_DIR"] = str(folder / "figures")
    started, clock = _now(), time.perf_counter()
    error = _execute(job, output, folder)
    duration = time.perf_counter() - clock
    result: dict[str, Any] = {
        "status": "ok" if error is None else "failed",
        "started": started,
        "ended": _now(),
        "duration_s": round(duration, 2),
        "error": None,
        "headline": [],
        "verdicts": [],
        "files": {},
    }
    executed = _read_executed(output, secrets, result) if output.exists() else None
    if error is not None:
        from kzaf.redaction import redact_object

        result["error"] = redact_object(describe_error(error, executed), secrets)
    clock = time.perf_counter()
    if executed is not None:
        _render(executed, folder, job, renderer, secrets, result)
    result["render_s"] = round(time.perf_counter() - clock, 2)
    result["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    # Written last: a folder without it (a worker killed mid-way) is not a finished job.
    atomic.write_text(folder / COMMIT_MARKER, json.dumps({"status": result["status"]}) + "\n")
    return result


def _read_executed(output: Path, secrets: dict[str, str], result: dict[str, Any]) -> Any:
    """The executed notebook, redacted and written back, with its payloads in ``result``."""
    from kzaf import report
    from kzaf.redaction import redact_object

    executed = redact_object(json.loads(output.read_text(encoding="utf-8")), secrets)
    # Paths inside the run folder are relative, so the folder can move (and be renamed).
    executed.get("metadata", {}).get("papermill", {})["output_path"] = output.name
    atomic.write_text(output, json.dumps(executed, indent=1, ensure_ascii=False) + "\n")
    result["files"]["notebook"] = output.name
    result["headline"] = report.read_outputs(executed, report.HEADLINE_MIME)
    result["verdicts"] = report.read_outputs(executed, report.VERDICTS_MIME)
    result["answer"] = report.read_outputs(executed, report.ANSWER_MIME)
    result["key_points"] = report.read_outputs(executed, report.KEY_POINTS_MIME)
    titles = report.read_outputs(executed, report.TITLE_MIME)
    result["title"] = titles[-1].get("text") if titles else None
    result["question"] = report.question(executed)
    return executed


def _render(
    executed: Any,
    folder: Path,
    job: dict[str, Any],
    renderer: Renderer,
    secrets: dict[str, str],
    result: dict[str, Any],
) -> None:
    """The reader and analyst pages; a rendering failure fails the job, keeping the notebook."""
    import nbformat

    from kzaf.redaction import redact_text

    try:
        node = nbformat.reads(json.dumps(executed), as_version=4)
        title = result.get("title") or job["title"]
        written = renderer.write(node, folder, job["stem"], title, job.get("page"), result["error"])
        result["files"].update(written)
        for name in ("reader", "analyst"):
            path = folder / result["files"][name]
            atomic.write_text(path, redact_text(path.read_text("utf-8"), secrets))
    except Exception as exc:  # rendering failed: keep the executed notebook, say so
        result["status"] = "failed"
        result["error"] = result["error"] or {
            "ename": f"HTML rendering: {type(exc).__name__}",
            "evalue": str(exc)[:2000],
        }


_STATE: dict[str, Any] = {}


def warm() -> None:
    """Load once per process what every job needs (nbconvert loads in the background)."""
    if "renderer" not in _STATE:
        # papermill (hence jupyter_client) whole before nbconvert starts loading in the
        # renderer's thread: two threads importing jupyter_client at once can meet it
        # half-initialised (a Dask worker's first job failed so).
        import papermill  # noqa: F401

        from kzaf.redaction import secret_variables

        _STATE["secrets"] = secret_variables()
        _STATE["renderer"] = Renderer()


def execute_job(job: dict[str, Any]) -> dict[str, Any]:
    """One notebook run, in whatever process an executor gives it (a worker of the local pool,
    a Dask worker). papermill, nbconvert and the secrets' names load once per process."""
    warm()
    log = job.get("log")
    if not log or os.environ.get(POOL_WORKER_ENV):  # the local pool sends stderr to the log
        return run_job(job, _STATE["renderer"], _STATE["secrets"])
    # A Dask worker: the kernel's and papermill's messages go to the run's workers.log, not
    # to the worker's terminal (one job at a time per worker process: threads_per_worker=1).
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log, "a", encoding="utf-8") as handle:
            os.dup2(handle.fileno(), 2)
            return run_job(job, _STATE["renderer"], _STATE["secrets"])
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def environment() -> dict[str, str | None]:
    """What must match between the client and a worker for results to mean the same."""
    from kzaf import __version__
    from kzaf.runner.publish.fingerprints import library_sha256, lock_sha256

    return {
        "python": sys.version.split()[0],
        "kzaf": __version__,
        "kzaf_source": library_sha256(),
        "requirements_lock": lock_sha256(),
    }


def _function(name: str) -> Any:
    """``module:qualified.name`` -> the function (what the local pool's ``submit`` names)."""
    import importlib

    module, _, qualname = name.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def main() -> int:
    """One call per line on stdin: ``{"id", "fn", "args"}`` (JSON); a ``start`` line, then a
    ``done`` line with the call's JSON result (or ``error`` when the call itself raised)."""
    reply = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # library prints go to the log
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    import papermill  # noqa: F401  (loaded before the first job so its time is not billed to it)

    warm()

    reply.write(json.dumps({"event": "ready"}) + "\n")
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            call = json.loads(line)
            reply.write(json.dumps({"event": "start", "id": call["id"], "at": _now()}) + "\n")
            try:
                value = _function(call["fn"])(*call.get("args", []))
                answer = {"event": "done", "id": call["id"], "result": value}
            except Exception as exc:
                answer = {
                    "event": "done",
                    "id": call["id"],
                    "raised": f"{type(exc).__name__}: {exc}",
                }
            reply.write(json.dumps(answer) + "\n")
    except KeyboardInterrupt:
        print("worker stopped by a signal", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
