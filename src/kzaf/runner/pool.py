"""Worker processes of a run, fed from a queue, stopped cleanly on interrupt.

Each slot is a thread that owns one ``python -m kzaf.runner.worker`` process (in its own
session, so a terminal's Ctrl-C reaches only the runner, which then stops the workers itself).
If a worker dies mid-notebook, that notebook is reported failed and the slot starts a new
worker for the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

STOP_GRACE_S = 10.0


class Pool:
    def __init__(self, jobs: list[dict[str, Any]], slots: int, log: IO[str]):
        self._todo: queue.Queue[dict[str, Any] | None] = queue.Queue()
        for job in jobs:
            self._todo.put(job)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._log = log
        self._procs: dict[int, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._count = len(jobs)
        self._threads = [
            threading.Thread(target=self._slot, args=(i,), daemon=True, name=f"kzaf-slot-{i}")
            for i in range(max(1, min(slots, len(jobs))))
        ]
        for _ in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            thread.start()

    def results(self) -> Iterator[dict[str, Any]]:
        """``start`` and ``done`` events until every job is done."""
        done = 0
        while done < self._count:
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            done += event["event"] == "done"
            yield event

    def _spawn(self, slot: int) -> subprocess.Popen[str]:
        env = dict(os.environ)
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet the kernel's debugger note
        env["PYTHONUNBUFFERED"] = "1"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kzaf.runner.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
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
            job = self._todo.get()
            if job is None:
                break
            if proc is None or proc.poll() is not None:
                proc = self._spawn(slot)
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(json.dumps(job) + "\n")
                proc.stdin.flush()
            except OSError:
                pass
            result = None
            for line in proc.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if message.get("event") == "start":
                    self.events.put({"event": "start", "id": job["id"]})
                elif message.get("event") == "done":
                    result = message["result"]
                    break
            if result is None:  # the worker died
                code = proc.wait()
                result = {
                    "status": "failed" if not self._stopping.is_set() else "interrupted",
                    "error": {
                        "ename": "WorkerDied",
                        "evalue": f"the worker process ended with exit code {code} "
                        "(killed, out of memory or interrupted?)",
                    },
                }
                proc = None
            self.events.put({"event": "done", "id": job["id"], "result": result})
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.wait()

    def stop(self) -> None:
        """Stop every worker (SIGTERM to its process group, SIGKILL after a grace period)."""
        self._stopping.set()
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._todo.put(None)
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for thread in self._threads:
            thread.join(timeout=1.0)

    def close(self) -> None:
        for thread in self._threads:
            thread.join()
