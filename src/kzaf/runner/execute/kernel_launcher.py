"""Start a Jupyter kernel by asking a kzaf kernel server to fork one (``kernel_server``).

The kernel spec written by :mod:`kzaf.runner.execute.kernel_server` names this file, run by path (so
nothing of kzaf is imported here: the launcher must start in milliseconds). It stands in for
the kernel in front of jupyter_client, which launched it: it relays signals (an interrupt, a
terminate) to the forked kernel and exits with the kernel's exit status. When the server is
missing, refuses (another Python environment) or fails, the launcher replaces itself with an
ordinary ``python -m ipykernel_launcher``, so a kernel always starts.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from typing import NoReturn

SERVER_ENV = "KZAF_KERNEL_SERVER"  # the server's socket path; as kernel_server.SERVER_ENV
PARENT_POLL_S = 1.0
RELAYED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


def ordinary_kernel(argv: list[str], why: str) -> NoReturn:
    """Become ``python -m ipykernel_launcher ARGV`` (never returns)."""
    if why:
        print(f"kzaf kernel server not used ({why}); starting a fresh kernel", file=sys.stderr)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def request(argv: list[str]) -> bytes:
    return json.dumps(
        {
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "python": sys.executable,
            "prefix": sys.prefix,
            "version": sys.version,
        }
    ).encode("utf-8")


def _wait(connection: socket.socket, pid: int) -> int:
    """Relay signals to the kernel until the server reports its exit status; end the kernel
    if whoever started the launcher dies first (as an ordinary kernel's parent poller would)."""
    for signum in RELAYED:
        signal.signal(signum, lambda s, _frame: os.kill(pid, s))
    parent = os.getppid()
    connection.settimeout(PARENT_POLL_S)
    message = b""
    while True:
        try:
            chunk = connection.recv(4096)  # retried by Python after a relayed signal
        except TimeoutError:
            if os.getppid() != parent:
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own process group
                return 1
            continue
        if not chunk:  # the server is gone; so is the kernel (it kills its children)
            return 1
        message += chunk
        if message.endswith(b"\n"):
            return int(json.loads(message)["exit"])


def main(argv: list[str]) -> int:
    address = os.environ.get(SERVER_ENV)
    if not address:
        ordinary_kernel(argv, "")
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(address)
        socket.send_fds(connection, [request(argv)], [0, 1, 2])
        reply = json.loads(connection.recv(4096) or b"{}")
    except (OSError, ValueError) as exc:
        ordinary_kernel(argv, f"{address}: {exc}")
    if "pid" not in reply:
        ordinary_kernel(argv, reply.get("refused", "no kernel"))
    code = _wait(connection, int(reply["pid"]))
    if code < 0:  # killed by a signal: end the same way, as jupyter_client would see it
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
