"""Where notebook jobs run: any ``concurrent.futures.Executor``.

- ``local`` (default): :class:`kzaf.runner.execute.pool.LocalPool`, long-lived worker processes.
- ``dask``: a ``distributed.LocalCluster`` started for the run on 127.0.0.1, one worker
  process per slot with one thread each (a kernel's memory is invisible to Dask's limits, so
  workers are sized by cores, not by memory).
- a scheduler address (``--scheduler tcp://HOST:8786`` or ``$DASK_SCHEDULER_ADDRESS``): an
  existing Dask cluster. Its workers must run the same environment (same kzaf source, lock and
  Python) and see the same data at the same path (the checksums of the data the client
  checked and records in the manifest), both checked before anything is submitted, and see the
  reports folder at the same path. An address that is malformed, or where nothing answers
  Dask's handshake within :data:`CONNECT_TIMEOUT_S`, is bad input (exit 2, one line).

``distributed`` is imported only here and only for Dask (the ``kzaf[dask]`` extra).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import IO, Any

from kzaf.runner.errors import PlanError
from kzaf.runner.execute import kernel_server
from kzaf.text.words import count

ENGINES = ("local", "dask")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT_S = 10


@dataclass
class Engine:
    executor: Executor
    description: str
    stop: Callable[[], None]  # on interrupt: cancel what is queued, end what runs if we own it
    started: Any = None  # a queue of jobs that have started (the local pool tells; Dask does not)
    close: Callable[[], None] = field(default=lambda: None)


def choose(engine: str | None, scheduler: str | None) -> tuple[str, str | None]:
    """The engine and scheduler address a run uses: ``--scheduler`` or, unless the engine is
    ``local``, ``$DASK_SCHEDULER_ADDRESS`` names an existing cluster."""
    if scheduler and engine == "local":
        raise PlanError("--engine local and --scheduler exclude each other")
    if engine == "local":
        return "local", None
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        return "dask", check_address(scheduler)
    return engine or "local", None


# tcp://HOST:PORT (or HOST:PORT; tls://, ws://, wss:// alike); HOST a name, IPv4 or [IPv6].
_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ws|wss)://)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r":(?P<port>[0-9]{1,5})$"
)


def check_address(address: str) -> str:
    """A scheduler address as Dask reads it, or bad input naming what is wrong."""
    found = _ADDRESS.match(address.strip())
    if not found or not 0 < int(found["port"]) < 65536:
        raise PlanError(
            f"--scheduler {address!r}: not a Dask scheduler address "
            "(expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786)"
        )
    return address.strip()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise PlanError(
            "the Dask engine needs the distributed package: install the kzaf[dask] extra "
            "(pip install 'kzaf[dask]')"
        ) from None
    return distributed


@contextlib.contextmanager
def open_engine(
    engine: str,
    scheduler: str | None,
    slots: int,
    workers_log: IO[str],
    kernels: kernel_server.Started | None = None,
    data: tuple[str, str] | None = None,
) -> Iterator[Engine]:
    """``data``: the data folder the client checked and its digest
    (:func:`kzaf.runner.publish.fingerprints.data_digest`), which an existing cluster's
    workers must see alike."""
    if engine == "local":
        from kzaf.runner.execute.pool import LocalPool

        # Kernels forked from one warm process (``kernels``, started while the run was checked
        # when it executes several notebooks): their imports are paid once per run.
        with _kernel_server(kernels, workers_log) as kernel_env:
            pool = LocalPool(slots, workers_log, kernel_env)
            yield Engine(pool, count(slots, "local worker"), pool.stop, pool.started)
        return
    distributed = _distributed()
    with contextlib.ExitStack() as stack:
        if scheduler:
            handshake(scheduler)
            try:
                client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise PlanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            stack.callback(client.close)
            where = f"the Dask scheduler at {scheduler}"
            check_environment(client, data)
        else:
            os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
            cluster = distributed.LocalCluster(
                host="127.0.0.1",
                n_workers=slots,
                threads_per_worker=1,
                processes=True,
                # Every server on the loopback address and a free port (Dask's HTTP servers
                # otherwise listen on all addresses, the scheduler's on a fixed 8787).
                dashboard_address="127.0.0.1:0",
                worker_dashboard_address="127.0.0.1:0",
                scheduler_port=0,
            )
            stack.callback(cluster.close)
            client = distributed.Client(cluster)
            stack.callback(client.close)
            where = f"a Dask LocalCluster of {count(slots, 'worker')} ({cluster.scheduler_address})"
        executor = client.get_executor(pure=False)

        def stop() -> None:
            with contextlib.suppress(Exception):
                executor.shutdown(wait=False)  # cancels every future not finished

        yield Engine(executor, where, stop)


@contextlib.contextmanager
def _kernel_server(
    started: kernel_server.Started | None, workers_log: IO[str]
) -> Iterator[dict[str, str]]:
    """The variables that send the workers' kernels to ``started`` (stopped at the end); none
    without it (fresh kernels, or those of a server this process uses, inherited)."""
    if started is None:
        yield {}
        return
    try:
        yield started.env
    finally:
        started.stop(workers_log)


def handshake(address: str, within_s: float | None = None) -> None:
    """Dask's handshake with ``address``, the whole of it within ``within_s`` (default
    :data:`CONNECT_TIMEOUT_S`): ``distributed.Client`` bounds the connection, but waits for
    the other side's handshake for ever, so a port that accepts and stays silent (not a
    Dask scheduler) would hang the run. Run in a thread of its own: the caller may be inside
    an event loop."""
    import asyncio
    import concurrent.futures

    from distributed.comm import connect

    limit = CONNECT_TIMEOUT_S if within_s is None else within_s

    async def shake() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=limit), limit)
        await comm.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(asyncio.run, shake()).result()
        except TimeoutError:
            raise PlanError(
                f"cannot reach the Dask scheduler at {address}: no Dask answer within "
                f"{limit:g} s (is a Dask scheduler listening there?)"
            ) from None
        except (OSError, ValueError) as exc:
            raise PlanError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def check_environment(client: Any, data: tuple[str, str] | None = None) -> None:
    """Refuse workers whose kzaf source, lock or Python differ from the client's, or that see
    other data at the data folder's path: their results would not be the run the manifest
    describes."""
    from kzaf.runner.execute.worker import data_state, environment

    here = environment()
    try:
        there = client.run(environment)
    except Exception as exc:
        raise PlanError(
            f"the Dask workers cannot run kzaf ({type(exc).__name__}: {exc}); install the "
            "same kzaf and requirements.lock on every worker"
        ) from None
    if not there:
        raise PlanError("the Dask scheduler has no workers")
    for address, found in sorted(there.items()):
        differ = [k for k in here if here[k] != found.get(k)]
        if differ:
            raise PlanError(
                f"the Dask worker {address} runs a different environment ({', '.join(differ)}: "
                f"{found.get(differ[0])!r}, here {here[differ[0]]!r}); workers need the same "
                "kzaf source, requirements.lock and Python as the client"
            )
    if data is not None:
        _check_data(client, data, data_state)


def _check_data(client: Any, data: tuple[str, str], data_state: Any) -> None:
    folder, digest = data
    try:
        seen = client.run(data_state, folder)
    except Exception as exc:
        raise PlanError(f"the Dask workers cannot check the data ({exc})") from None
    for address, found in sorted(seen.items()):
        if found != digest:
            raise PlanError(
                f"the Dask worker {address} does not see the data this run checked at "
                f"{folder} ({found if not str(found).startswith('sha256:') else 'other files'});"
                " workers need the same data at the same path (a shared folder)"
            )
