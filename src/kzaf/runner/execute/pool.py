"""The local pool: long-lived worker processes behind a ``concurrent.futures.Executor``.

Each slot runs one ``python -m kzaf.runner.execute.worker`` process for the whole run, so
interpreter start and the imports of papermill and nbconvert are paid once per worker, not per
notebook.
Calls go to the first free worker in the order they were submitted (the runner submits the
longest notebooks first). A call is a function named by module and name with JSON arguments,
and its result comes back as JSON: what a notebook job needs, and nothing that must be pickled.

``stop()`` (Ctrl-C, SIGTERM) ends every worker's process group, kernels included: SIGTERM, then
SIGKILL after a grace period. A call whose worker died gets a ``WorkerDied`` result (for a
notebook job) rather than hanging.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import IO, Any

from kzaf.runner.execute import kernel_server

STOP_GRACE_S = 10.0


def function_name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


class LocalPool(Executor):
    def __init__(self, slots: int, log: IO[str] | None = None, env: dict[str, str] | None = None):
        self._env = env or {}  # added to the workers' environment (kernel_server.running)
        self._todo: queue.Queue[tuple[int, str, tuple[Any, ...], Future[Any]] | None]
        self._todo = queue.Queue()
        self.started: queue.Queue[Any] = queue.Queue()  # the first argument of each started call
        self._log = log
        self._procs: dict[int, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count()
        self._threads = [
            threading.Thread(target=self._slot, args=(i,), daemon=True, name=f"kzaf-slot-{i}")
            for i in range(max(1, slots))
        ]
        for thread in self._threads:
            thread.start()

    # -- Executor ------------------------------------------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if kwargs:
            raise TypeError("the local pool passes positional JSON arguments only")
        if self._stopping.is_set():
            raise RuntimeError("cannot submit to a stopped pool")
        future: Future[Any] = Future()
        self._todo.put((next(self._ids), function_name(fn), args, future))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            self.stop()
            return
        for _ in self._threads:
            self._todo.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    # -- workers -------------------------------------------------------------------------

    def _spawn(self, slot: int) -> subprocess.Popen[str]:
        env = {**os.environ, **self._env}
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet the kernel's debugger note
        env["PYTHONUNBUFFERED"] = "1"
        env["KZAF_POOL_WORKER"] = "1"  # kzaf.runner.execute.worker.POOL_WORKER_ENV
        proc = subprocess.Popen(
            [sys.executable, "-m", "kzaf.runner.execute.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log if self._log is not None else subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=env,
            start_new_session=True,
        )
        with self._lock:
            self._procs[slot] = proc
        return proc

    def _slot(self, slot: int) -> None:
        proc = None
        while not self._stopping.is_set():
            item = self._todo.get()
            if item is None:
                break
            call_id, name, args, future = item
            if not future.set_running_or_notify_cancel():
                continue
            if proc is None or proc.poll() is not None:
                proc = self._spawn(slot)
            assert proc.stdin is not None and proc.stdout is not None
            with contextlib.suppress(OSError):
                proc.stdin.write(json.dumps({"id": call_id, "fn": name, "args": args}) + "\n")
                proc.stdin.flush()
            answer = None
            for line in proc.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if message.get("event") == "start":
                    self.started.put(args[0] if args else None)
                elif message.get("event") == "done":
                    answer = message
                    break
            if answer is None:  # the worker died
                code = proc.wait()
                future.set_result(self._died(code))
                proc = None
            elif "raised" in answer:
                future.set_exception(RuntimeError(answer["raised"]))
            else:
                future.set_result(answer["result"])
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.wait()

    def _died(self, code: int) -> dict[str, Any]:
        return {
            "status": "interrupted" if self._stopping.is_set() else "failed",
            "error": {
                "ename": "WorkerDied",
                "evalue": f"the worker process ended with exit code {code} "
                "(killed, out of memory or interrupted?)",
            },
        }

    def stop(self) -> None:
        """Stop every worker (SIGTERM to its process group, SIGKILL after a grace period);
        calls not started are cancelled."""
        self._stopping.set()
        while True:
            try:
                item = self._todo.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[3].cancel()
        for _ in self._threads:
            self._todo.put(None)
        with self._lock:
            procs = list(self._procs.values())
        kernel_server.stop_groups(procs, STOP_GRACE_S)
        for thread in self._threads:
            thread.join(timeout=1.0)
        for proc in procs:  # the pipes of ended workers, closed here (not left to the collector)
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError, ValueError):
                    if stream is not None:
                        stream.close()
