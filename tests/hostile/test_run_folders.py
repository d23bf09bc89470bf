"""A published run never changes, and a damaged one is never reused.

A run reuses an unchanged notebook run by linking its files, and then redacts what it holds:
if redaction wrote into those files, the earlier run (and ``latest``) would change with it, and
a kill at that moment would leave a truncated file that the next run reuses as "ok". So files
are only ever written anew and renamed into place, the manifest records every file's sha256,
and a folder is checked against it before it is reused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import env, kzaf
from notebook_factory import make_notebook

pytestmark = pytest.mark.integration  # runs kzaf in processes: not in test-quick

VALUE = "shared-value-7c41e9b2d5"  # printed by the notebook; a secret only in the second run


def _notebook(root: Path) -> Path:
    return make_notebook(
        root / "nb" / "01_prints.ipynb", "n: int = 1  # a number",
        [f'print("{VALUE}")', 'from pathlib import Path\nPath("figures").mkdir(exist_ok=True)\n'
         f'Path("figures/value.txt").write_text("{VALUE}")'],
        title="Prints a value",
    )  # fmt: skip


def _run(root: Path, *extra: str, **environment: str):
    done = kzaf("run", "--notebooks-dir", str(root / "nb"), "--reports-dir",
                str(root / "reports"), *extra, environment=env(**environment))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _runs(root: Path) -> list[Path]:
    return sorted((root / "reports").glob("2*"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_later_run_never_changes_an_earlier_run(tmp_path):
    """The second run reuses the first's folder, then redacts a value that has become a
    secret: its own copy changes, the first run's files do not."""
    _notebook(tmp_path)
    _run(tmp_path)
    (first,) = _runs(tmp_path)
    before = _snapshot(first)
    second_run = _run(tmp_path, KZAF_SECRET_VARS="SHARED_VALUE", SHARED_VALUE=VALUE)
    assert "1 unchanged and reused" in second_run.stdout
    assert _snapshot(first) == before
    second = _runs(tmp_path)[1]
    for name in ("01_prints.ipynb", "figures/value.txt"):
        assert VALUE not in (second / "default/01_prints" / name).read_text(encoding="utf-8")
        assert VALUE in (first / "default/01_prints" / name).read_text(encoding="utf-8")


def test_the_manifest_records_the_checksum_of_every_file(tmp_path):
    import hashlib

    _notebook(tmp_path)
    _run(tmp_path)
    (folder,) = _runs(tmp_path)
    (entry,) = json.loads((folder / "manifest.json").read_text())["notebooks"]
    job = folder / "default" / "01_prints"
    on_disk = {p.relative_to(job).as_posix(): p for p in job.rglob("*") if p.is_file()}
    assert set(entry["files"]) == set(on_disk) >= {"01_prints.ipynb", "01_prints.html"}
    for name, path in on_disk.items():
        assert entry["files"][name] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_earlier_run_is_executed_again_not_reused(tmp_path):
    """What a kill mid-write used to leave: an empty page in an earlier run (``result.json``
    still says ok). The next run must not republish it."""
    _notebook(tmp_path)
    _run(tmp_path)
    (first,) = _runs(tmp_path)
    (first / "default/01_prints/01_prints.html").write_bytes(b"")
    planned = _run(tmp_path, "--dry-run")
    assert "execute" in planned.stdout and "reuse" not in planned.stdout, planned.stdout
    _run(tmp_path)
    second = _runs(tmp_path)[1]
    assert (second / "default/01_prints/01_prints.html").stat().st_size > 0
    (entry,) = json.loads((second / "manifest.json").read_text())["notebooks"]
    assert entry["reused_from"] is None


def test_a_link_left_by_a_notebook_is_never_published_or_reused(tmp_path):
    """A notebook leaves a symbolic link to a file outside the run in its figures folder:
    a store upload or ``rsync --copy-links`` would publish the target, and reuse would carry
    the link into later runs. A run folder holds files only, so the link is removed."""
    outside = tmp_path / "private.txt"
    outside.write_text("not for publication")
    make_notebook(
        tmp_path / "nb" / "01_links.ipynb", "n: int = 1  # a number",
        ['from pathlib import Path\nPath("figures").mkdir(exist_ok=True)\n'
         f'Path("figures/chart.svg").symlink_to({str(outside)!r})\n'
         f'Path("figures/folder").symlink_to({str(tmp_path)!r})'],
        title="Leaves links",
    )  # fmt: skip
    _run(tmp_path)
    second = _run(tmp_path)
    assert "1 unchanged and reused" in second.stdout
    for run in _runs(tmp_path):
        links = [p for p in run.rglob("*") if p.is_symlink()]
        assert links == [], links
        assert not any(b"not for publication" in data for data in _snapshot(run).values())
