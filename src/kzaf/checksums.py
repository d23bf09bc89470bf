"""sha256 checksums of data files (standard library only, so fast paths can import it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

REHASH_HINT = (
    "if the change is intended, run `kzaf data rehash` to record the new checksum in "
    "data/datapackage.json, and add a line to the change log in data/README.md"
)


def file_sha256(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes, the form data/datapackage.json records."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()
