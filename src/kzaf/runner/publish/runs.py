"""A run folder made public: written as ``.incomplete-<run id>``, redacted, renamed to its run
id, recorded for reuse, and ``latest`` moved, together or not at all."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kzaf.redaction import redact_text, redact_tree
from kzaf.runner.publish import cache
from kzaf.runner.publish.files import write_json_atomic
from kzaf.runner.publish.latest import move_latest, previous_latest

INCOMPLETE = ".incomplete-"


def write_manifest(work: Path, manifest: Mapping[str, Any], secrets: Mapping[str, str]) -> dict:
    """The manifest, redacted, written into the run folder; returned as written."""
    clean = json.loads(redact_text(json.dumps(manifest), secrets))
    write_json_atomic(work / "manifest.json", clean)
    return clean


def redact_run(work: Path, secrets: Mapping[str, str]) -> list[str]:
    """Every file the run folder holds, in every state (complete, failed, interrupted,
    crashed: a worker stopped mid-notebook leaves a partial notebook papermill wrote
    unredacted). Each changed file is written anew, never in place. Links go first: a run
    folder holds files only (see :func:`remove_links`)."""
    return remove_links(work) + redact_tree(work, secrets)


def remove_links(work: Path) -> list[str]:
    """Remove every symbolic link below ``work``; returns lines for the log.

    A notebook may leave a link in its folder (``figures/x.svg -> /etc/passwd``): redaction
    skips links, a store upload and ``rsync --copy-links`` would publish what it points at,
    and reuse would carry it into later runs. A run's own files are never links (``latest``
    lives beside the runs, not in one), so removing them loses nothing of the run."""
    removed = []
    for folder, dirs, files in os.walk(work, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            if path.is_symlink():
                path.unlink()
                removed.append(
                    f"removed the link {path.relative_to(work)} (a run holds files only)"
                )
    return removed


def commit_run(
    work: Path,
    reports: Path,
    run_id: str,
    reusable: Sequence[tuple[str, str]],
    durations: Mapping[str, float],
    may_move_latest: bool,
) -> tuple[str | None, str | None]:
    """Rename ``work`` (already redacted: :func:`redact_run`) to ``reports/run_id``, record
    its ``reusable`` jobs (key, folder inside the run) and notebook ``durations``, and move
    ``latest`` if allowed, with Ctrl-C and SIGTERM held back until all of it is done. Returns
    (why ``latest`` could not move, or None; where it points now)."""
    final = reports / run_id
    before = previous_latest(reports)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        if final.exists():  # a run id is random; this guards the impossible anyway
            raise FileExistsError(f"{final} exists; not overwriting another run")
        os.rename(work, final)
        for key, job_dir in reusable:
            cache.record(reports, key, run_id, job_dir)
        cache.record_durations(reports, durations)
        return move_latest(reports, run_id) if may_move_latest else (None, before)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
