"""One HTTP GET to the Comtrade API, bounded whatever the server does.

* A whole-attempt deadline, not a per-read timeout: a socket timeout restarts with every byte,
  so a server that answers a byte at a time (in its status line and headers, in the TLS
  handshake, in chunk-size lines, in the body) would hold a per-read timeout for ever. A
  timer shuts the attempt's sockets down when its time is up, whatever call is waiting on
  them; the attempt then fails as timed out.
* Size limits on the answer as sent and as unpacked (gzip).
* An answer shorter than its declared length is a broken connection (retried), never an
  answer: a proxy or server that hangs up part-way must not leave a cut-off file that parses.
* The subscription key never follows a redirect to another host.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import functools
import http.client
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from typing import Any

from kzaf.comtrade import codes
from kzaf.comtrade.errors import ComtradeFetchError

KEY_HEADER = "Ocp-Apim-Subscription-Key"
# Limits on one answer: a monthly HS query is a few MB; anything far larger is a mistake or
# hostile, and is refused before it fills the disk or the memory.
MAX_RESPONSE_BYTES = 256 * 2**20  # as sent (compressed)
MAX_DECOMPRESSED_BYTES = 1024 * 2**20  # after gzip
_CHUNK = 2**16


def http_get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, Any, bytes, str]:
    """Status, headers, body (decompressed) and the final URL after redirects, all within
    ``timeout`` seconds (TimeoutError past it). A broken connection is an OSError."""
    request = urllib.request.Request(url, headers=headers, method="GET")
    with _Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(
            _KeepKeyOnHost, _WatchedHTTPHandler(deadline), _WatchedHTTPSHandler(deadline)
        )
        try:
            status, response_headers, body, final_url = _exchange(opener, request, deadline)
        except (OSError, http.client.HTTPException) as exc:
            if deadline.passed:
                raise TimeoutError(f"no complete answer within {timeout:g} s") from None
            if isinstance(exc, OSError):
                raise
            raise ConnectionError(f"the answer broke off ({type(exc).__name__})") from None
    if (response_headers.get("Content-Encoding") or "").lower() == "gzip":
        body = _gunzip_limited(body, MAX_DECOMPRESSED_BYTES)
    return status, response_headers, body, final_url


def _exchange(opener, request, deadline: _Deadline) -> tuple[int, Any, bytes, str]:
    try:
        with opener.open(request, timeout=deadline.seconds) as response:
            status, response_headers = response.status, response.headers
            final_url = response.geturl()
            body = _read_limited(response, deadline, MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        with exc:
            status, response_headers, final_url = exc.code, exc.headers, exc.geturl()
            body = _read_limited(exc, deadline, MAX_RESPONSE_BYTES)
    return status, response_headers, body, final_url or request.full_url


class _Deadline:
    """Shuts down every socket of one attempt when its time is up (a timer thread), so a
    read waiting on a dripping server returns at once instead of waiting for the next byte."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.passed:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed, or detached when TLS took it over
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        """As HTTPSConnection.connect, with the TLS handshake under the deadline too."""
        http.client.HTTPConnection.connect(self)
        server_hostname = getattr(self, "_tunnel_host", None) or self.host  # via a proxy
        context = self._context  # type: ignore[attr-defined]  # set by HTTPSConnection
        sock = context.wrap_socket(
            self.sock, server_hostname=server_hostname, do_handshake_on_connect=False
        )
        self._deadline.watch(sock)
        self.sock = sock
        sock.do_handshake()


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTPConnection, deadline=self._deadline), req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(
            functools.partial(_WatchedHTTPSConnection, deadline=self._deadline),
            req,
            context=self._context,
        )


class _KeepKeyOnHost(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but sends the subscription key only to the host it was meant for:
    urllib copies every header to the new location, so a redirect to another host would
    hand it the key."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urllib.parse.urlsplit(newurl).hostname != (
            urllib.parse.urlsplit(req.full_url).hostname
        ):
            for name in list(new.headers):
                if name.lower() == KEY_HEADER.lower():
                    del new.headers[name]
            for name in list(new.unredirected_hdrs):
                if name.lower() == KEY_HEADER.lower():
                    del new.unredirected_hdrs[name]
        return new


def _read_limited(response: Any, deadline: _Deadline, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes; shorter than its declared length, an error.

    read1() returns after one read of the socket (read() of a fixed size loops until it has
    them all), and the deadline shuts the socket down under a read that waits too long."""
    declared = response.headers.get("Content-Length")
    expected = int(declared) if declared and declared.isdigit() else None
    if expected is not None and expected > limit:
        raise ComtradeFetchError(
            f"the answer declares {expected:,} bytes, over the limit of {limit:,} bytes"
        )
    read = getattr(response, "read1", response.read)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = read(_CHUNK)
        if deadline.passed:
            raise TimeoutError("the answer did not arrive within the timeout")
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise ComtradeFetchError(f"the answer is larger than {limit:,} bytes; refused")
        chunks.append(chunk)
    if expected is not None and size < expected:
        raise ConnectionError(f"the answer broke off after {size:,} of {expected:,} bytes")
    return b"".join(chunks)


def _gunzip_limited(body: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = decompressor.decompress(body, limit + 1)
    if len(out) > limit or decompressor.unconsumed_tail:
        raise ComtradeFetchError(f"the answer unpacks to more than {limit:,} bytes; refused")
    return out


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)


def api_message(body: bytes) -> str:
    """The API's own words about an error, shortened."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        payload = codes.parse_json(text)
    except json.JSONDecodeError:
        return " ".join(text.split())[:300]
    if isinstance(payload, dict):
        inner = payload.get("errorObject")
        for candidate in (
            payload.get("message"),
            payload.get("error"),
            inner.get("errorMessage") if isinstance(inner, dict) else None,
        ):
            if candidate:
                return str(candidate)[:300]
    return text[:300]
