"""kzaf run --reports-dir URL: runs execute in a local staging folder and are uploaded to an
fsspec store after redaction, the run's commit marker last; the store's ``latest`` pointer
moves only for a complete, successful, newer run. Stores here are fsspec's in-memory file
system (one root per test) and tiny fixture notebooks."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem
from notebook_factory import failing_notebook, secret_notebook

from kzaf import cli
from kzaf.runner import run
from kzaf.runner.publish import runs, store

pytestmark = pytest.mark.integration  # starts processes: not in test-quick

SECRET = "kzaf-fixture-secret-store-5e4d3c2b1a"


@pytest.fixture
def memory_url(tmp_path, monkeypatch):
    """A fresh in-memory store root, a staging folder in tmp_path, removed afterwards."""
    monkeypatch.setenv(store.STAGING_DIR_ENV, str(tmp_path / "staging"))
    monkeypatch.delenv("KZAF_REPORTS_DIR", raising=False)
    url = f"memory://kzaf-test-{uuid.uuid4().hex[:8]}/reports"
    yield url
    fs = fsspec.filesystem("memory")
    root = url.removeprefix("memory://").split("/")[0]
    if fs.exists(f"/{root}"):
        fs.rm(f"/{root}", recursive=True)


def _base(tmp_path: Path, url: str) -> list[str]:
    return ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", url, "-j", "1"]


def _runs(target: store.Store) -> list[str]:
    if not target.fs.exists(target.root):
        return []
    names = [p.rsplit("/", 1)[-1] for p in target.fs.ls(target.root, detail=False)]
    return sorted(n for n in names if n[:1].isdigit())


def _assert_whole(target: store.Store, run_id: str) -> dict:
    """The marker is there and lists every file the store holds for the run, sizes included."""
    marker = json.loads(target.fs.cat_file(target.path(run_id, store.RUN_MARKER)))
    held = {
        p.removeprefix(target.path(run_id) + "/").lstrip("/"): target.fs.size(p)
        for p in target.fs.find(target.path(run_id))
    }
    held.pop(store.RUN_MARKER)
    assert held == marker["files"]
    assert "manifest.json" in held and "index.html" in held
    return marker


@pytest.fixture
def recorded(monkeypatch):
    """Every redaction pass and store write, in order."""
    events: list[tuple[str, str]] = []
    redact = runs.redact_tree
    put, pipe = MemoryFileSystem.put_file, MemoryFileSystem.pipe_file

    def redact_tree(folder, secrets):
        events.append(("redact", str(folder)))
        return redact(folder, secrets)

    def put_file(self, lpath, rpath, *args, **kwargs):
        events.append(("write", str(rpath)))
        return put(self, lpath, rpath, *args, **kwargs)

    def pipe_file(self, path, value, *args, **kwargs):
        events.append(("write", str(path)))
        return pipe(self, path, value, *args, **kwargs)

    monkeypatch.setattr(runs, "redact_tree", redact_tree)
    monkeypatch.setattr(MemoryFileSystem, "put_file", put_file)
    monkeypatch.setattr(MemoryFileSystem, "pipe_file", pipe_file)
    return events


# ---------------------------------------------------------------------------------------------
# Checked before anything runs


def test_paths_and_file_urls_are_local_other_urls_stage_locally(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STAGING_DIR_ENV, str(tmp_path / "staging"))
    assert store.locate("rel/reports") == (Path("rel/reports"), None)
    assert store.locate(f"file://{tmp_path}/r") == (tmp_path / "r", None)
    staging, target = store.locate("memory://bucket/reports")
    assert target is not None and target.root == "/bucket/reports"
    assert staging == target.staging and staging.parent == tmp_path / "staging"
    assert store.locate("memory://bucket/other")[0] != staging  # one staging folder per store


@pytest.mark.parametrize(
    ("url", "named"),
    [("nosuchproto://bucket/x", "unknown protocol 'nosuchproto'"), ("kzaffake://b/x", "needs")],
)
def test_bad_store_url_exits_2_before_any_kernel(url, named, tmp_path, monkeypatch, capsys):
    from fsspec.registry import known_implementations

    monkeypatch.setitem(  # a protocol fsspec knows whose package is missing, like s3 sans s3fs
        known_implementations,
        "kzaffake",
        {"class": "kzaf_no_such_module.FakeFS", "err": "Install kzaf-fake-fs to access it"},
    )
    monkeypatch.setenv(store.STAGING_DIR_ENV, str(tmp_path / "staging"))
    failing_notebook(tmp_path / "nb" / "01_boom.ipynb")
    assert cli.main(_base(tmp_path, url)) == run.EXIT_INPUT
    err = capsys.readouterr().err.strip()
    assert url in err and named in err and len(err.splitlines()) == 1
    if url.startswith("kzaffake"):
        assert "pip install kzaf-fake-fs" in err
    assert not (tmp_path / "staging").exists()  # nothing created, nothing run


def test_latest_never_moves_backwards_or_to_an_uncommitted_run(tmp_path, memory_url):
    _, target = store.locate(memory_url)
    assert target is not None
    early, late = "20250101T000000.000Z-aaaaaa", "20250102T000000.000Z-bbbbbb"
    for run_id in (early, late):
        (tmp_path / run_id / "sub").mkdir(parents=True)
        (tmp_path / run_id / "sub" / "page.html").write_text(run_id)
    with pytest.raises(store.StoreError, match="not committed"):
        store.move_latest(target, late)
    assert store.read_latest(target) is None
    assert store.upload_run(tmp_path / late, target, "ok") == 1
    assert store.move_latest(target, late) == late
    store.upload_run(tmp_path / early, target, "ok")
    assert store.move_latest(target, early) == late  # started earlier, finished later
    assert store.read_latest(target) == late
    target.fs.rm(target.path(late, store.RUN_MARKER))  # the later run is no longer whole
    assert store.move_latest(target, early) == early


# ---------------------------------------------------------------------------------------------
# Runs


def test_run_lands_in_store_redacted_marker_last_latest_moved_then_reused(
    tmp_path, memory_url, monkeypatch, recorded, capsys
):
    monkeypatch.setenv("COMTRADE_API_KEY", SECRET)
    secret_notebook(tmp_path / "nb" / "01_careless.ipynb")
    assert cli.main(_base(tmp_path, memory_url)) == 0
    staging, target = store.locate(memory_url)
    assert target is not None
    (first,) = _runs(target)
    marker = _assert_whole(target, first)
    assert marker["status"] == "ok" and store.read_latest(target) == first
    # Order: every redaction, then the run's files, then its marker, then `latest`.
    writes = [path for kind, path in recorded if kind == "write"]
    assert writes[-2:] == [target.path(first, store.RUN_MARKER), target.path(store.LATEST)]
    assert len(writes) == len(marker["files"]) + 2
    last_redaction = max(i for i, (kind, _) in enumerate(recorded) if kind == "redact")
    first_write = min(i for i, (kind, _) in enumerate(recorded) if kind == "write")
    assert last_redaction < first_write
    for path in target.fs.find(target.path(first)):
        assert SECRET.encode() not in target.fs.cat_file(path), path
    assert (staging / first / "manifest.json").is_file()  # the staging copy stays (the cache)
    assert f"{memory_url}/latest -> {first}" in capsys.readouterr().out

    # A second run reuses the unchanged notebook from the staging folder's cache, and its
    # store copy is whole on its own (no links into the earlier run).
    assert cli.main(_base(tmp_path, memory_url)) == 0
    second = _runs(target)[-1]
    assert second != first and store.read_latest(target) == second
    manifest = json.loads(target.fs.cat_file(target.path(second, "manifest.json")))
    assert manifest["notebooks"][0]["reused_from"] == first
    files = _assert_whole(target, second)["files"]
    assert "default/01_careless/01_careless.ipynb" in files


def test_failed_run_is_uploaded_but_never_moves_latest(tmp_path, memory_url, capsys):
    _, target = store.locate(memory_url)
    assert target is not None
    target.fs.pipe_file(target.path(store.LATEST), b"20000101T000000.000Z-000000\n")
    failing_notebook(tmp_path / "nb" / "01_boom.ipynb")
    assert cli.main(_base(tmp_path, memory_url)) == run.EXIT_FAILED
    (failed,) = _runs(target)
    assert _assert_whole(target, failed)["status"] == "failed"
    assert store.read_latest(target) == "20000101T000000.000Z-000000"
    assert "fixture failure" in target.fs.cat_file(target.path(failed, "index.html")).decode()


def test_broken_upload_leaves_no_marker_and_latest_alone(tmp_path, memory_url, monkeypatch, capsys):
    secret_notebook(tmp_path / "nb" / "01_careless.ipynb")
    put = MemoryFileSystem.put_file
    calls = []

    def flaky_put(self, lpath, rpath, *args, **kwargs):
        calls.append(rpath)
        if len(calls) == 3:
            raise OSError("fixture: connection reset")
        return put(self, lpath, rpath, *args, **kwargs)

    monkeypatch.setattr(MemoryFileSystem, "put_file", flaky_put)
    assert cli.main(_base(tmp_path, memory_url)) == run.EXIT_FAILED
    staging, target = store.locate(memory_url)
    assert target is not None
    (partial,) = _runs(target)
    assert not store.committed(target, partial) and store.read_latest(target) is None
    err = capsys.readouterr().err
    assert "fixture: connection reset" in err and str(staging / partial) in err
    assert (staging / partial / "index.html").is_file()


def test_run_file_output_may_be_a_store_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(store.STAGING_DIR_ENV, str(tmp_path / "staging"))
    failing_notebook(tmp_path / "nb" / "01_boom.ipynb")
    run_file = tmp_path / "runs" / "store.yaml"
    run_file.parent.mkdir()
    run_file.write_text("output: memory://kept/as-a-url\nsets:\n  default: {}\n")
    assert plan_output(run_file) == "memory://kept/as-a-url"
    run_file.write_text("output: nosuchproto://bucket/x\nsets:\n  default: {}\n")
    options = ["run", "--notebooks-dir", str(tmp_path / "nb"), "--run-file", str(run_file)]
    assert cli.main(options) == run.EXIT_INPUT
    assert "nosuchproto://bucket/x: unknown protocol" in capsys.readouterr().err
    assert not (tmp_path / "staging").exists()


def plan_output(run_file: Path) -> object:
    from kzaf.runner.plan.run_files import read_run_file

    return read_run_file(run_file).output
