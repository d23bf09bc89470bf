"""Kernels forked from one warm process, so a run pays the kernel's imports once, not per notebook.

A fresh Jupyter kernel spends about 3 CPU-seconds before a notebook's first line does any work:
starting the interpreter and ipykernel, then importing numpy, pandas, matplotlib, seaborn,
scipy and statsmodels. The kernel server pays that once: it imports those libraries (never
kzaf itself, whose source may change between runs) and then forks one child per kernel
request. Each child sets the requester's folder, environment and arguments and becomes an
ordinary ipykernel; the notebook sees the same kernel, only started in milliseconds.

How a kernel is requested: a started server (:class:`Started`) writes a ``python3`` kernel
spec, in a private folder put first on ``JUPYTER_PATH``, whose command is
``kernel_launcher.py`` (only when the ``python3`` spec it stands in for would start this same
interpreter the standard way: :func:`python3_spec`). jupyter_client
(papermill, nbval, JupyterLab) starts that launcher as if it were the kernel; the launcher
hands its arguments, folder, environment and standard streams to the server over a Unix
socket and stands in for the forked kernel (signals relayed, exit status returned). A launcher
that cannot use the server starts an ordinary kernel instead.

What differs from a fresh kernel, and why it does not matter here:

- libraries imported by the server are already in ``sys.modules`` (so a ``matplotlibrc`` in the
  notebook's folder is not read: kzaf sets its style in code);
- numpy's global random state is reseeded in each child, as a fresh process would be; Python's
  ``random`` reseeds itself after a fork;
- pandas, imported outside a kernel, would choose the terminal's ``display.max_columns``: the
  server sets a kernel's (20), so a DataFrame prints as in a fresh kernel.

The server refuses requests from another Python environment (another ``sys.prefix``), exits
when the process that started it ends, and kills each kernel whose launcher has gone.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# This file runs as a script too (the server, started by path): it imports nothing of kzaf, so
# that kzaf modules, which read the environment, load afresh inside each kernel.
SERVER_ENV = "KZAF_KERNEL_SERVER"  # the socket's path; kernel_launcher.SERVER_ENV says the same
MAX_REQUEST = 1 << 20  # bytes: the launcher's environment travels with its request
LAUNCHER = Path(__file__).with_name("kernel_launcher.py")
DISABLE_ENV = "KZAF_KERNEL_SERVER_OFF"  # set (to anything) to start every kernel afresh
KERNEL_NAME = "python3"  # the kernel the notebooks declare
# What a kzaf notebook's kernel imports before its first line of work, kzaf excepted.
PRELOAD = (
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "numpy",
    "pandas",
    "scipy.special",
    "scipy.stats",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",  # the inline backend draws with it
    "matplotlib.backends.backend_svg",  # kzaf saves charts as SVG
    "IPython.core.pylabtools",
    "seaborn",
    "pandas.io.formats.string",
    "statsmodels.base.covtype",
    "statsmodels.regression.linear_model",
    "statsmodels.tools.tools",
    "statsmodels.tools.numdiff",
    "statsmodels.tsa.statespace.structural",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel would choose
POLL_S = 0.2


# -- the client side: a spec folder and a server for the length of a run ------------------


NATIVE_SPEC: dict[str, Any] = {  # ipykernel's own, when no python3 spec is installed
    "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "metadata": {"debugger": True},
}


def kernel_spec(address: str, standard: dict[str, Any] = NATIVE_SPEC) -> dict[str, Any]:
    """The ``standard`` python3 kernel spec, made to start kernels through the server at
    ``address`` (everything else, its name and metadata, as it was)."""
    return {
        **standard,
        "argv": [sys.executable, str(LAUNCHER), "-f", "{connection_file}"],
        "env": {SERVER_ENV: address},
    }


def in_use() -> bool:
    """Whether this process's kernels already come from a server (a test session's, say)."""
    address = os.environ.get(SERVER_ENV, "")
    return bool(address) and Path(address).is_socket() and "JUPYTER_PATH" in os.environ


class Started:
    """A kernel server this process started: the variables that send kernels to it, and stop().

    Its messages (rare: a library it could not preload, a crash) go to ``server.log`` in its
    private folder until :meth:`stop` copies them to the log it is given."""

    def __init__(self, standard: dict[str, Any] = NATIVE_SPEC) -> None:
        # /tmp rather than the run folder: a Unix socket's path must stay under ~100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="kzaf-kernels-"))
        address = str(self.folder / "server.sock")
        spec = self.folder / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        text = json.dumps(kernel_spec(address, standard), indent=1)
        (spec / "kernel.json").write_text(text, "utf-8")
        self.log = self.folder / "server.log"
        with self.log.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, __file__, address, str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        inherited = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
        paths = [str(self.folder), *filter(None, inherited)]
        self.env = {"JUPYTER_PATH": os.pathsep.join(paths), SERVER_ENV: address}
        _wait_listening(self.process, Path(address))

    def stop(self, log: IO[str] | None = None) -> None:
        """End the server and every kernel it forked; copy its messages to ``log``."""
        stop(self.process)
        with contextlib.suppress(OSError):
            said = self.log.read_text(encoding="utf-8")
            if said and log is not None:
                log.write(said)
                log.flush()
        shutil.rmtree(self.folder, ignore_errors=True)


STANDARD_ARGS = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]


def python3_spec() -> dict[str, Any] | None:
    """The ``python3`` kernel spec found first, if it starts this very interpreter with
    ipykernel's standard arguments (the server forks this interpreter, so it may stand in for
    that spec only); None for a ``python3`` spec of the user's that names another Python,
    other arguments or extra environment variables: it starts its own kernels."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("kernels"):
        path = Path(folder) / KERNEL_NAME / "kernel.json"
        if not path.is_file():
            continue
        try:
            spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        argv = spec.get("argv") or [""]
        # jupyter_client itself runs a spec's bare "python" as its own interpreter.
        major, minor = sys.version_info[:2]
        own = {"python", f"python{major}", f"python{major}.{minor}"}
        same = argv[0] in own or os.path.realpath(argv[0]) == os.path.realpath(sys.executable)
        return spec if same and argv[1:] == STANDARD_ARGS and not spec.get("env") else None
    return NATIVE_SPEC  # no spec on disk: jupyter_client starts ipykernel here


def start_server(notebooks: int) -> Started | None:
    """A new server for a run that executes ``notebooks`` notebooks, or None when kernels
    should start afresh: one notebook gains nothing from a server (its imports are paid either
    way), ``$KZAF_KERNEL_SERVER_OFF`` is set, ``python3`` names another interpreter, or this
    process already uses a server (a test run's), whose variables are inherited."""
    if notebooks < 2 or os.environ.get(DISABLE_ENV) or in_use():
        return None
    spec = python3_spec()
    if spec is None:
        return None
    try:
        return Started(spec)
    except OSError as exc:  # no private temporary folder or socket: kernels start afresh
        print(f"kzaf: kernel server not started ({exc}); kernels start afresh", file=sys.stderr)
        return None


@contextlib.contextmanager
def running(log: IO[str] | None = None) -> Iterator[dict[str, str]]:
    """Start a kernel server; yield the environment variables that make ``python3`` kernels
    come from it; stop it, and every kernel it forked, at the end (a test run's server).

    Yields the current variables when this process already uses a server, and none (kernels
    start afresh) when :func:`start_server` starts none."""
    if os.environ.get(DISABLE_ENV):
        yield {}
        return
    if in_use():
        yield {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], SERVER_ENV: os.environ[SERVER_ENV]}
        return
    server = start_server(notebooks=2)
    if server is None:
        yield {}
        return
    try:
        yield server.env
    finally:
        server.stop(log)


def _wait_listening(server: subprocess.Popen[Any], address: Path, within_s: float = 10) -> None:
    """The server binds its socket before its imports (milliseconds after it starts); a
    launcher that came earlier would find no socket and start an ordinary kernel."""
    deadline = time.monotonic() + within_s
    while not address.is_socket() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def stop_groups(processes: list[subprocess.Popen[Any]], grace_s: float = 5.0) -> None:
    """End processes that lead their own process groups (and whatever they started): SIGTERM
    to every group at once, then SIGKILL to each group still there after ``grace_s``. Also
    what the local pool does with its workers."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop(server: subprocess.Popen[Any], grace_s: float = 5.0) -> None:
    """SIGTERM (the server kills its kernels and exits), then SIGKILL after ``grace_s``."""
    stop_groups([server], grace_s)


# -- the server ----------------------------------------------------------------------------


def preload() -> None:
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # read when matplotlib is imported
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError as exc:  # a smaller environment: that import is paid by the kernel
            print(f"kernel server: not preloaded: {name} ({exc})", file=sys.stderr)
    # pandas picks one default at import: 0 columns (fit the terminal) outside a kernel, 20 in
    # one. Imported here, outside any kernel, it would pick 0, and every DataFrame's text form
    # would differ from a fresh kernel's (strict nbval compares it): give it a kernel's.
    if "pandas" in sys.modules:
        sys.modules["pandas"].set_option("display.max_columns", 20)
    # The inline backend must load inside the kernel, where it hooks into IPython's display.
    assert "matplotlib_inline.backend_inline" not in sys.modules, "backend loaded too early"
    # What is loaded now lives as long as every kernel: the collector need never scan it again
    # (and leaving it alone keeps its memory shared between the forked kernels).
    gc.freeze()


def refusal(request: dict[str, Any]) -> str | None:
    """Why a request cannot be served by this process (None: it can)."""
    if request.get("prefix") != sys.prefix or request.get("version") != sys.version:
        return f"the kernel server runs {sys.prefix} (Python {sys.version.split()[0]})"
    return None


def become_kernel(request: dict[str, Any], streams: list[int], keep_closed: list[int]) -> None:
    """In the forked child: take the launcher's streams, folder and environment, then run
    ipykernel as ``python -m ipykernel_launcher`` would. Never returns."""
    code = 1
    try:
        os.setsid()  # its own process group: the server can end it with whatever it started
        for fd in keep_closed:
            os.close(fd)
        for target, fd in enumerate(streams):
            os.dup2(fd, target)
            os.close(fd)
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [
            (launcher and launcher.origin) or "ipykernel_launcher",
            *request["argv"],
            # The kernel ends if the server dies (ipykernel read $JPY_PARENT_PID on import,
            # in the server, so it is given here).
            f"--IPKernelApp.parent_handle={os.getppid()}",
        ]
        sys.path[0] = request["cwd"]  # as ``python -m`` puts the working folder first
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


class Server:
    def __init__(self, address: str, parent: int):
        self.parent = parent
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(address)
        os.chmod(address, 0o600)  # the environment (secrets included) travels over it
        self.listener.listen(64)
        self.kernels: dict[int, socket.socket] = {}  # pid -> its launcher's connection
        self.stopping = False

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        while not self.stopping and os.getppid() == self.parent:
            connections = list(self.kernels.values())
            readable, _, _ = select.select([self.listener, *connections], [], [], POLL_S)
            self.reap()  # may close connections listed as readable: looked up again below
            for sock in readable:
                if sock is self.listener:
                    self.accept()
                    continue
                pid = next((p for p, c in self.kernels.items() if c is sock), None)
                if pid is not None and not sock.recv(16):  # its launcher is gone
                    self.kill(pid)
        for pid in list(self.kernels):
            self.kill(pid)
        deadline = time.monotonic() + 5
        while self.kernels and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)

    def accept(self) -> None:
        connection, _ = self.listener.accept()
        try:
            message, streams, _, _ = socket.recv_fds(connection, MAX_REQUEST, 3)
            request = json.loads(message)
        except (OSError, ValueError) as exc:
            print(f"kernel server: bad request ({exc})", file=sys.stderr)
            connection.close()
            return
        why = refusal(request) or (None if len(streams) == 3 else "three streams expected")
        if why:
            connection.send(json.dumps({"refused": why}).encode())
            connection.close()
            for fd in streams:
                os.close(fd)
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            others = [self.listener.fileno(), connection.fileno()]
            become_kernel(request, streams, others + [c.fileno() for c in self.kernels.values()])
        for fd in streams:
            os.close(fd)
        self.kernels[pid] = connection
        connection.send(json.dumps({"pid": pid}).encode())

    def kill(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    def reap(self) -> None:
        while self.kernels:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self.kernels.pop(pid, None)
            if connection is not None:
                with contextlib.suppress(OSError):
                    code = os.waitstatus_to_exitcode(status)
                    connection.send((json.dumps({"exit": code}) + "\n").encode())
                connection.close()


def main(argv: list[str]) -> int:
    address, parent = argv[0], int(argv[1])
    server = Server(address, parent)  # listening before the imports: launchers queue
    preload()
    server.serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
