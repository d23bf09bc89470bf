"""What the hostile tests share: the real command in a subprocess, a key in its environment,
the ways a file may spell that key, and a loopback server standing for another host."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from run_env import without_kzaf_variables

# A fixture key, long enough that pandas cuts it when it shows it in a table.
KEY = "kzafFixtureKey-" + "9d3b7e1f4a6c2058" * 4


def env(**extra: str) -> dict[str, str]:
    return without_kzaf_variables(COMTRADE_API_KEY=KEY, **extra)


def kzaf(*args: str, environment: dict[str, str] | None = None, timeout: float = 600):
    """The real command, no terminal: stdin closed, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "kzaf.cli", *args],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
        env=environment or env(), timeout=timeout, check=False,
    )  # fmt: skip


def spellings(value: str) -> set[str]:
    """The value as the files of a run may spell it: as is, HTML-, JSON- and URL-escaped."""
    return {
        value,
        html.escape(value),
        json.dumps(value)[1:-1],
        json.dumps(html.escape(value))[1:-1],
        quote(value, safe=""),
    }


def leaks(folder: Path, secret: str = KEY, fragment: int = 12) -> list[str]:
    """Files (and names) below ``folder`` holding ``fragment`` or more characters in a row of
    the secret, in any spelling."""
    pieces = {
        form[i : i + fragment]
        for form in spellings(secret)
        for i in range(len(form) - fragment + 1)
    }
    found = []
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        if any(p in path.name for p in pieces) or any(p.encode() in data for p in pieces):
            found.append(str(path.relative_to(folder)))
    return found


def one_line(stderr: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in stderr


@contextmanager
def other_host() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 standing for another host: yields its base URL and the paths
    requested from it (a page must request none)."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()
