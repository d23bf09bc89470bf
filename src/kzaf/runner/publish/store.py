"""Reports in a store addressed by URL (fsspec): ``kzaf run --reports-dir s3://bucket/kzaf``.

Workers need a file system path, so a run always executes into a local staging folder laid
out exactly like a local reports folder (cache included: the cache stays local, so reuse works
as long as the staging folder is kept). When the run has finished and every file has been
redacted, the client uploads the run folder to the store, writes the run's commit marker
``<run>/.committed`` last (it lists every file and its size, so a reader that sees the marker
knows the run is whole), and then moves the ``latest`` pointer: a small text object naming
the run id, since object stores have no symlinks. ``latest`` never moves backwards (a run
that started earlier never replaces a later committed one) and never moves for a failed run;
a failed run is uploaded too, for debugging. Interrupted runs stay in the staging folder.

Store layout::

    <url>/
      latest                         text: the run id of the newest complete run
      20250101T120000.123Z-3f9a2c/   the run folder, as in a local reports folder
        .committed                   written last: {"run_id", "status", "files": {path: size}}

Local paths and ``file://`` URLs are plain local reports folders (with a ``latest`` symlink).
A URL's user name and password (``ftp://user:password@host/...``) are used to open the store
and nowhere else: messages, the staging folder's name and :attr:`Store.url` show the URL
without them.
Concurrent clients writing ``latest`` are not serialised (object stores have no lock); the
"never backwards" check is made just before the write.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzaf.redaction import strip_credentials

RUN_MARKER = ".committed"
LATEST = "latest"
STAGING_DIR_ENV = "KZAF_STAGING_DIR"
LOCAL_PROTOCOLS = {"file", "local"}
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$")


class StoreError(ValueError):
    """A store URL that cannot be used: the message names the URL and what to do."""


@dataclass(frozen=True)
class Store:
    url: str  # as given, for messages, without its credentials
    fs: Any  # an fsspec AbstractFileSystem
    root: str  # the reports folder inside ``fs``, without a trailing slash
    staging: Path  # the local reports folder the runs execute into

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])


def staging_root() -> Path:
    """``$KZAF_STAGING_DIR``, else ``$XDG_CACHE_HOME/kzaf/staging`` (``~/.cache`` if unset)."""
    override = os.environ.get(STAGING_DIR_ENV)
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kzaf" / "staging"


def _staging_for(url: str) -> Path:
    """One folder per store, kept between runs so unchanged notebooks are reused."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", url)[:60].strip("_")
    return staging_root() / f"{readable}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def locate(text: str) -> tuple[Path, Store | None]:
    """Where a run writes for ``--reports-dir text``: (the local reports folder, the store to
    upload to or None). A path or ``file://`` URL is local; any other URL is a store."""
    match = _URL.match(text)
    if not match:
        return Path(text), None
    protocol = match.group(1).lower()
    if protocol in LOCAL_PROTOCOLS:
        return Path(match.group(2) or "/"), None
    store = parse_store(text)
    return store.staging, store


def parse_store(given: str) -> Store:
    """The store for a URL, checked before anything runs: fsspec installed, the protocol known
    and its implementation importable. Raises :class:`StoreError`."""
    url = strip_credentials(given)  # what every message and name shows
    try:
        import fsspec
    except ImportError:
        raise StoreError(
            f"--reports-dir {url}: writing reports to a URL needs fsspec; "
            "install it (pip install fsspec) or give a local folder"
        ) from None
    match = _URL.match(url)
    if not match:
        raise StoreError(f"--reports-dir {url}: not a URL (expected protocol://path)")
    protocol = match.group(1).lower()
    try:
        fsspec.get_filesystem_class(protocol)
    except ValueError:
        raise StoreError(
            f"--reports-dir {url}: unknown protocol '{protocol}' (fsspec knows no such "
            "file system); give a local folder or a URL such as s3://bucket/path"
        ) from None
    except ImportError as exc:
        package = _package_for(protocol, str(exc))
        raise StoreError(
            f"--reports-dir {url}: the '{protocol}' file system needs {package}, which is not "
            f"installed; install it (pip install {package}) or give a local folder"
        ) from None
    try:
        fs, root = fsspec.core.url_to_fs(given)
    except Exception as exc:  # a bad bucket name, options, ...: say which URL
        said = strip_credentials(str(exc))
        raise StoreError(f"--reports-dir {url}: cannot open the store: {said}") from None
    return Store(url, fs, str(root).rstrip("/"), _staging_for(url))


def _package_for(protocol: str, message: str) -> str:
    """The package fsspec's registry names for a protocol (its error message holds it)."""
    from fsspec.registry import known_implementations

    known = known_implementations.get(protocol, {})
    named = re.search(r"[Ii]nstall\s+([A-Za-z0-9_.-]+)", known.get("err", "") or message)
    return named.group(1) if named else f"the fsspec implementation for '{protocol}'"


def _files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (relative POSIX path -> size), the run marker aside."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            relative = path.relative_to(folder).as_posix()
            if relative != RUN_MARKER:
                files[relative] = path.stat().st_size
    return files


def upload_run(local_run: Path, store: Store, status: str) -> int:
    """Copy a finished (and redacted) run folder to the store, the run marker last; return the
    number of files. A reader treats a store run without its marker as incomplete."""
    run_id = local_run.name
    files = _files(local_run)
    for relative in files:
        target = store.path(run_id, relative)
        store.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        store.fs.put_file(str(local_run / relative), target)
    marker = {"run_id": run_id, "status": status, "files": files}
    store.fs.pipe_file(store.path(run_id, RUN_MARKER), json.dumps(marker, indent=1).encode())
    return len(files)


def committed(store: Store, run_id: str) -> bool:
    """The run's marker is in the store: the run was uploaded whole."""
    return bool(store.fs.exists(store.path(run_id, RUN_MARKER)))


def read_latest(store: Store) -> str | None:
    try:
        text = store.fs.cat_file(store.path(LATEST)).decode("utf-8").strip()
    except (FileNotFoundError, OSError):
        return None
    return text or None


def move_latest(store: Store, run_id: str) -> str:
    """Point the store's ``latest`` at a committed run unless a later committed run holds it
    (run ids sort by start time); return the run ``latest`` names afterwards."""
    if not committed(store, run_id):
        raise StoreError(f"{store.url}: run {run_id} is not committed; 'latest' not moved")
    current = read_latest(store)
    if current is not None and current > run_id and committed(store, current):
        return current
    store.fs.pipe_file(store.path(LATEST), f"{run_id}\n".encode())
    return run_id
