"""A ``dask scheduler`` and ``dask worker`` started as separate processes on 127.0.0.1, and
stopped by process id: shared by ``bench_sweep.py`` and ``tests/test_runner_dask.py``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

DASK = str(Path(sys.executable).with_name("dask"))
# Dask's HTTP servers listen on every address (the scheduler's on 8787) unless told otherwise.
LOOPBACK = ["--no-dashboard", "--dashboard-address", "127.0.0.1:0"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """By process id (and its group: a worker's nanny starts children)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextlib.contextmanager
def scheduler_and_worker(
    workers: int, logs: Path, limit_s: float = 60
) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """Yield the scheduler's address (once ``workers`` worker processes of one thread each have
    joined) and the two processes; both are stopped on the way out."""
    import distributed

    port = str(free_port())
    address = f"tcp://127.0.0.1:{port}"
    common = {"stdout": subprocess.DEVNULL, "start_new_session": True}
    procs: list[subprocess.Popen] = []
    try:
        scheduler = [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, *LOOPBACK]
        # Each log is closed here once the process holds its own copy of the descriptor.
        with (logs / "scheduler.log").open("w") as log:
            procs.append(subprocess.Popen(scheduler, stderr=log, **common))
        worker = [DASK, "worker", address, "--host", "127.0.0.1", "--nworkers", str(workers),
                  "--nthreads", "1", *LOOPBACK]  # fmt: skip
        with (logs / "worker.log").open("w") as log:
            procs.append(subprocess.Popen(worker, stderr=log, **common))
        with distributed.Client(address, timeout=limit_s) as client:
            client.wait_for_workers(workers, timeout=limit_s)
        yield address, procs
    finally:
        for proc in reversed(procs):
            stop(proc)
