"""``<reports>/latest``: a relative symlink to the newest complete run of the whole collection,
moved atomically and never backwards."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LATEST = "latest"


def previous_latest(reports: Path) -> str | None:
    link = reports / LATEST
    try:
        return os.readlink(link) if link.is_symlink() else None
    except OSError:
        return None


def move_latest(reports: Path, run_id: str) -> tuple[str | None, str | None]:
    """Point ``latest`` at the run (atomically), unless a newer run already holds it.

    Returns (the reason it was impossible, or None; where ``latest`` points now). A lock
    serialises concurrent runs, and run ids sort by start time, so a run that started earlier
    but finished later never moves ``latest`` back, and each run reports what it really did.
    """
    temporary = reports / f".{LATEST}-{run_id}"
    with (reports / ".latest.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = previous_latest(reports)
        if current is not None and current > run_id and (reports / current).is_dir():
            return None, current
        try:
            os.symlink(run_id, temporary)
            os.replace(temporary, reports / LATEST)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return (
                f"{reports / LATEST} could not be replaced by a link ({exc}); is it a folder?",
                current,
            )
    return None, run_id
