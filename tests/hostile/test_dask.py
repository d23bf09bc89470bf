"""A Dask cluster that is not what it seems: a malformed address, a port where something else
listens, a scheduler that dies mid-run, workers whose own data folder differs from the one
the client checked. Processes on 127.0.0.1 only, stopped by process id."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile_helpers import env, kzaf, one_line
from notebook_factory import make_notebook

from kzaf.paths import PROJECT_ROOT

distributed = pytest.importorskip("distributed")
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from dask_processes import scheduler_and_worker  # noqa: E402

# papermill in a Dask worker thread, and the helper's log files, leave objects for the
# collector: the libraries' leak, reported as unraisable warnings (as in test_runner_dask).
pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


def _notebook(root: Path) -> Path:
    return make_notebook(root / "nb" / "01_n.ipynb", "n: int = 1  # a number", ["n"])


@pytest.mark.parametrize(
    "address", ["tcp://127.0.0.1:notaport", "not an address", "tcp://127.0.0.1:99999"]
)
def test_a_malformed_scheduler_address_is_one_line(address, tmp_path):
    _notebook(tmp_path)
    done = kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                str(tmp_path / "reports"), "--scheduler", address)  # fmt: skip
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "not a Dask scheduler address" in done.stderr


@pytest.mark.slow  # waits out the connection timeout (10 s)
def test_a_port_that_is_not_a_dask_scheduler_is_refused_in_time(tmp_path):
    """Something accepts the connection and never answers: the run must not wait for ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    threading.Thread(
        target=lambda: accepted.extend(iter(lambda: listener.accept()[0], None)), daemon=True
    ).start()
    _notebook(tmp_path)
    try:
        started = time.monotonic()
        done = kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                    str(tmp_path / "reports"), "--scheduler",
                    f"tcp://127.0.0.1:{listener.getsockname()[1]}", timeout=90)  # fmt: skip
        assert time.monotonic() - started < 60
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "no Dask answer" in done.stderr
    assert not list((tmp_path / "reports").glob(".incomplete-*"))


@pytest.mark.slow
def test_a_started_job_is_not_reported_not_run_when_the_scheduler_dies(tmp_path):
    make_notebook(
        tmp_path / "nb" / "01_slow.ipynb", "seconds: float = 60.0  # how long to sleep",
        ['from pathlib import Path\nPath("started.txt").write_text("yes")',
         "import time\ntime.sleep(seconds)"],
    )  # fmt: skip
    reports = tmp_path / "reports"
    with scheduler_and_worker(1, tmp_path) as (address, procs):
        client = subprocess.Popen(
            [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(tmp_path / "nb"),
             "--reports-dir", str(reports), "--scheduler", address],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env(),
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(
            reports.glob(".incomplete-*/*/*/started.txt")
        ):
            time.sleep(0.2)
        os.killpg(procs[0].pid, signal.SIGKILL)  # the scheduler, by its process id
        _, err = client.communicate(timeout=120)
    assert client.returncode == 1, err
    (folder,) = reports.glob("2*")
    (entry,) = json.loads((folder / "manifest.json").read_text())["notebooks"]
    assert entry["status"] == "failed", entry
    assert "started" in entry["error"]["evalue"] and "not run" not in json.dumps(entry["error"])


@pytest.mark.slow
def test_workers_run_on_the_data_the_client_checked(data_copy, tmp_path, monkeypatch):
    """The worker's own environment names another data folder; the notebook must still read
    the one the client validated and recorded in the manifest."""
    import shutil

    elsewhere = tmp_path / "worker-data"
    shutil.copytree(data_copy, elsewhere)
    monkeypatch.setenv("KZAF_DATA_DIR", str(elsewhere))  # what the worker processes inherit
    make_notebook(
        tmp_path / "nb" / "01_where.ipynb", "n: int = 1  # a number",
        ["from pathlib import Path\nfrom kzaf import paths\nPath('figures').mkdir()\n"
         "Path('figures/data.txt').write_text(str(paths.data_dir().resolve()))"],
    )  # fmt: skip
    reports = tmp_path / "reports"
    with scheduler_and_worker(1, tmp_path) as (address, _):
        done = kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                    str(reports), "--scheduler", address,
                    environment=env(KZAF_DATA_DIR=str(data_copy)))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (folder,) = reports.glob("2*")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["data"]["directory"] == str(data_copy.resolve())
    read = (folder / "default/01_where/figures/data.txt").read_text()
    assert read == str(data_copy.resolve())
