"""Notebook jobs sent to an engine and their results collected as they finish.

A job travels as a JSON message (:func:`job_message`) to :func:`kzaf.runner.execute.worker.
execute_job`, in whatever process the engine gives it. Its outputs count only with the commit
marker its worker wrote last (:func:`outcome`); the client alone writes results, manifest and
index.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from pathlib import Path
from typing import IO, Any

from kzaf.logs import RunLog
from kzaf.runner.execute import engines
from kzaf.runner.execute.signals import Interrupted, set_handlers
from kzaf.runner.execute.worker import COMMIT_MARKER, execute_job


def job_message(
    index: int,
    *,
    notebook: Path,
    folder: Path,
    stem: str,
    title: str,
    parameters: Mapping[str, Any],
    timeout: float | None,
    page: Mapping[str, Any],
    data: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """What a worker needs to run one notebook into ``folder`` (``<run>/<set>/<stem>``);
    ``data``: the data folder the run checked and its digest, which the worker's kernel
    reads (and first checks)."""
    return {
        "id": index,
        "input": str(notebook),
        "folder": str(folder),
        "stem": stem,
        "title": title,
        "parameters": dict(parameters),
        "timeout": timeout,
        "page": dict(page),
        "log": str(folder.parent.parent / "workers.log"),  # the run's
        "data_dir": data[0] if data else None,
        "data_sha256": data[1] if data else None,
    }


@contextlib.contextmanager
def opened_engine(
    executor: Executor | None,
    engine: str,
    scheduler: str | None,
    slots: int,
    workers_log: IO[str],
    kernels: Any = None,
    data: tuple[str, str] | None = None,
) -> Iterator[engines.Engine]:
    """``executor`` if given, else the named engine; stopped (workers and kernels ended,
    queued jobs cancelled) when the run is interrupted, closed when it ends."""
    if executor is not None:
        given = engines.Engine(
            executor,
            f"the given executor ({type(executor).__name__})",
            lambda: executor.shutdown(wait=False, cancel_futures=True),
        )
        opened: contextlib.AbstractContextManager[engines.Engine] = contextlib.nullcontext(given)
    else:
        opened = engines.open_engine(engine, scheduler, slots, workers_log, kernels, data)
    with opened as running:
        try:
            yield running
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | Interrupted):
                set_handlers(signal.SIG_IGN, signal.SIG_IGN)  # a second Ctrl-C waits
            running.stop()
            raise


def run_jobs(
    engine: engines.Engine,
    messages: Sequence[dict[str, Any]],
    labels: Mapping[int, str],
    on_result: Callable[[int, dict[str, Any]], None],
    log: RunLog,
) -> None:
    """Submit the messages in the order given and hand each job's result to ``on_result``
    as it finishes, with an ``ok`` or ``FAILED`` line in the log."""
    pending: dict[Future[Any], dict[str, Any]] = {
        engine.executor.submit(execute_job, message): message for message in messages
    }
    finished = 0
    while pending:
        _log_started(engine, labels, log)
        done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
        for future in done:
            message = pending.pop(future)
            index = message["id"]
            result = outcome(future, Path(message["folder"]) / COMMIT_MARKER)
            finished += 1
            on_result(index, result)
            duration = result.get("duration_s")
            took = f"{duration:.1f} s" if duration is not None else ""
            count = f"[{finished}/{len(messages)}]"
            if result.get("status") == "ok":
                log(f"  ok      {labels[index]}  {took}  {count}")
            elif result.get("status") == "not run":
                log(f"  NOT RUN {labels[index]}  {count}  {describe_failure(result.get('error'))}")
            else:
                where = describe_failure(result.get("error"))
                log(f"  FAILED  {labels[index]}  {took}  {count}  {where}", error=True)
    _log_started(engine, labels, log)


def _log_started(engine: engines.Engine, labels: Mapping[int, str], log: RunLog) -> None:
    """``start`` lines, from an engine that tells when a job starts (the local pool)."""
    if engine.started is None:
        return
    while not engine.started.empty():
        message = engine.started.get_nowait()
        if isinstance(message, dict) and "id" in message:
            log(f"  start   {labels[message['id']]}")


def outcome(future: Future[Any], marker: Path) -> dict[str, Any]:
    """A job's result: what the worker returned, if its outputs were committed.

    A job the engine cancelled on its own (the run stops its engine only when interrupted,
    and collects nothing then), because a Dask scheduler ended say, is no "not run" if it had
    started: its worker creates its folder first, so a folder there means it ran, and
    stopped unfinished."""
    if future.cancelled():
        if marker.parent.is_dir():
            return {
                "status": "failed",
                "error": {
                    "ename": "EngineLost",
                    "evalue": "the job started (its folder exists) but the engine cancelled it "
                    "before it finished (did the Dask scheduler end?); what it wrote is kept",
                },
            }
        return {
            "status": "not run",
            "error": {
                "ename": "EngineLost",
                "evalue": "the engine cancelled the job before it started "
                "(did the Dask scheduler end?)",
            },
        }
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


def describe_failure(error: Mapping[str, Any] | None) -> str:
    """Where a notebook failed, in one line: cell, In [n], the cell's first line, the error."""
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
