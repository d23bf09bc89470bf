"""Files replaced whole, never rewritten in place.

A file is written anew under a temporary name beside its place and renamed over it, so a
reader (or a kill at any moment) sees the old file or the new one, never half of one, and a
file that shares its data with another name (a hard link into an earlier run) is left as it
was: the rename gives the name a new file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    # A short name: the file's own may already be as long as the file system allows.
    temporary = path.with_name(f".kzaf-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError) and exc.errno is not None:  # name the file, not its draft
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def write_text(path: Path, text: str, errors: str = "strict") -> None:
    write_bytes(path, text.encode("utf-8", errors=errors))
