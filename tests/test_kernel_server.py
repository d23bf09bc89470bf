"""Kernels forked by kzaf's kernel server behave like fresh kernels, and none outlives its run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from notebook_factory import make_notebook
from run_env import without_kernel_server

from kzaf.runner.execute import kernel_launcher, kernel_server

pytestmark = pytest.mark.notebook

# What a kernel reports about itself: enough to tell a forked kernel from a fresh one and to
# check that it took the requester's folder, environment and arguments.
PROBE = """
import json, os, sys
import numpy
print(json.dumps({
    "pid": os.getpid(),
    "cwd": os.getcwd(),
    "path0": sys.path[0],
    "marker": os.environ.get("KZAF_TEST_MARKER"),
    "server": os.environ.get("KZAF_KERNEL_SERVER"),
    "kzaf_loaded": any(m == "kzaf" or m.startswith("kzaf.") for m in sys.modules),
    "draw": float(numpy.random.random()),
    "max_columns": __import__("pandas").get_option("display.max_columns"),
}))
"""


def _gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def no_test_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """As outside the test run: no kernel server in use, no spec of its on JUPYTER_PATH."""
    for name in (kernel_server.SERVER_ENV, "JUPYTER_PATH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server_env():
    """The test process's server (started for every test run by the root conftest.py)."""
    assert kernel_server.in_use(), "conftest.py starts a kernel server for the test run"
    return {name: os.environ[name] for name in (kernel_server.SERVER_ENV, "JUPYTER_PATH")}


def _probe(km) -> dict:
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        lines: list[str] = []
        reply = client.execute_interactive(
            PROBE,
            timeout=60,
            output_hook=lambda m: lines.append(m["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return json.loads("".join(lines))
    finally:
        client.stop_channels()


def _kernel(folder: Path):
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(folder), env={**os.environ, "KZAF_TEST_MARKER": "given"})
    return km


def test_kernels_come_from_the_server_and_take_the_requesters_folder_and_environment(
    server_env, tmp_path: Path
):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    kms = [_kernel(first), _kernel(second)]
    try:
        launchers = [km.provisioner.process.pid for km in kms]  # type: ignore[union-attr]
        seen = [_probe(km) for km in kms]
    finally:
        for km in kms:
            km.shutdown_kernel(now=True)
    for folder, kernel, launcher in zip((first, second), seen, launchers, strict=True):
        assert kernel["server"] == server_env[kernel_server.SERVER_ENV]
        assert kernel["cwd"] == str(folder)
        assert kernel["path0"] == str(folder)
        assert kernel["marker"] == "given"
        assert kernel["kzaf_loaded"] is False  # kzaf loads afresh in each kernel
        # pandas as a fresh kernel sets it (a DataFrame's text form, which nbval compares).
        assert kernel["max_columns"] == 20
        # The kernel is not the process jupyter_client started (that is the launcher).
        assert kernel["pid"] != launcher
    assert seen[0]["draw"] != seen[1]["draw"], "numpy's global state must be reseeded per kernel"
    for kernel in seen:
        assert _gone(kernel["pid"]), "a shut-down kernel's process must end"
    # The server outlives the kernels it forked, and serves the next one.
    km = _kernel(first)
    try:
        launcher = km.provisioner.process.pid  # type: ignore[union-attr]
        assert _probe(km)["pid"] != launcher
    finally:
        km.shutdown_kernel(now=True)


def test_a_killed_launcher_takes_its_kernel_with_it(server_env, tmp_path: Path):
    km = _kernel(tmp_path)
    try:
        pid = _probe(km)["pid"]
        os.kill(km.provisioner.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
        assert _gone(pid)
    finally:
        km.shutdown_kernel(now=True)


def test_an_interrupt_reaches_the_forked_kernel(server_env, tmp_path: Path):
    km = _kernel(tmp_path)
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        message_id = client.execute("import time; time.sleep(60)")
        time.sleep(1.0)
        km.interrupt_kernel()
        reply = client.get_shell_msg(timeout=20)
        while reply["parent_header"]["msg_id"] != message_id:  # kernel_info's reply first
            reply = client.get_shell_msg(timeout=20)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_stopping_the_server_ends_every_kernel_it_forked(
    no_test_server, monkeypatch, tmp_path: Path
):
    with kernel_server.running() as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        km = _kernel(tmp_path)
        launcher = km.provisioner.process.pid  # type: ignore[union-attr]
        pid = _probe(km)["pid"]
        assert pid != launcher, "the kernel was forked by the server"
        folder = Path(env[kernel_server.SERVER_ENV]).parent
    try:
        assert _gone(pid)
        assert not folder.exists(), "the spec folder and socket are removed"
    finally:
        km.shutdown_kernel(now=True)


def test_without_a_server_the_launcher_starts_an_ordinary_kernel(monkeypatch, tmp_path: Path):
    missing = tmp_path / "no-server.sock"
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(kernel_server.kernel_spec(str(missing))))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    km = _kernel(tmp_path)
    try:
        kernel = _probe(km)
        # execv: the launcher's own process became the kernel.
        assert kernel["pid"] == km.provisioner.process.pid  # type: ignore[union-attr]
        assert kernel["server"] == str(missing)
    finally:
        km.shutdown_kernel(now=True)


def test_a_request_from_another_environment_is_refused():
    asked = json.loads(kernel_launcher.request(["-f", "x.json"]))
    assert kernel_server.refusal(asked) is None
    assert "kernel server runs" in str(kernel_server.refusal({**asked, "prefix": "/elsewhere"}))
    assert kernel_server.refusal({**asked, "version": "2.7"}) is not None


def test_the_launcher_and_the_server_name_the_same_variable():
    assert kernel_launcher.SERVER_ENV == kernel_server.SERVER_ENV
    assert kernel_server.kernel_spec("/x.sock")["argv"][:2] == [
        sys.executable,
        str(Path(kernel_launcher.__file__)),
    ]


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv(kernel_server.DISABLE_ENV, "1")
    with kernel_server.running() as env:
        assert env == {}


def _run_probes(tmp_path: Path, count: int) -> list[dict]:
    """``kzaf run`` on ``count`` probe notebooks, with no server of the session's."""
    notebooks = tmp_path / "notebooks"
    for number in range(count):
        make_notebook(
            notebooks / f"0{number}_probe.ipynb",
            "n: int = 1  # unused",
            [
                "import json, os, sys\n"
                'json.dump({"warm": "pandas" in sys.modules,\n'
                '           "server": os.environ.get("KZAF_KERNEL_SERVER")},\n'
                '          open("probe.json", "w"))'
            ],
        )
    env = without_kernel_server()
    reports = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(notebooks),
         "--reports-dir", str(reports), "--jobs", "2"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return [json.loads(p.read_text()) for p in sorted(reports.glob("latest/default/*/probe.json"))]


def test_a_run_of_several_notebooks_forks_warm_kernels_and_leaves_no_server(tmp_path: Path):
    probes = _run_probes(tmp_path, 3)
    assert len(probes) == 3
    assert all(p["warm"] and p["server"] for p in probes), probes
    assert not Path(probes[0]["server"]).exists(), "the run's server is gone with the run"


def test_a_run_of_one_notebook_starts_no_server(no_test_server):
    assert kernel_server.start_server(notebooks=1) is None


def test_bad_data_stops_the_early_server_and_leaves_nothing(tmp_path: Path, data_copy: Path):
    """The server starts while the data are checked; a bad row still exits 2, leaving no
    server, no spec folder and no reports folder."""
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",474.3,", ",-474.3,")  # a negative trade value
    path.write_text("".join(lines), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "data", "rehash"], check=True, capture_output=True,
        env={**os.environ, "KZAF_DATA_DIR": str(data_copy)},
    )  # fmt: skip
    for number in range(2):
        make_notebook(tmp_path / "nb" / f"0{number}_n.ipynb", "n: int = 1  # unused", ["n"])
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    # TMPDIR: where the server's folder would be made.
    env = without_kernel_server(KZAF_DATA_DIR=str(data_copy), TMPDIR=str(private_tmp))
    done = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(tmp_path / "nb"),
         "--reports-dir", str(tmp_path / "reports")],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "observations.csv" in done.stderr
    assert not (tmp_path / "reports").exists()
    assert list(private_tmp.iterdir()) == [], "the server's folder is removed"


def _user_spec(folder: Path, spec: dict) -> None:
    (folder / "kernels" / "python3").mkdir(parents=True)
    (folder / "kernels" / "python3" / "kernel.json").write_text(json.dumps(spec))


@pytest.mark.parametrize(
    "change",
    [
        {"argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]},
        {
            "argv": [
                "python",
                "-m",
                "ipykernel_launcher",
                "--matplotlib=agg",
                "-f",
                "{connection_file}",
            ]
        },
        {"env": {"SOMETHING": "1"}},
    ],
    ids=["another python", "other arguments", "extra environment"],
)
def test_a_python3_spec_of_another_kind_is_left_to_start_its_own_kernels(
    no_test_server, monkeypatch, tmp_path: Path, change: dict
):
    _user_spec(tmp_path, {**kernel_server.NATIVE_SPEC, **change})
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert kernel_server.python3_spec() is None
    assert kernel_server.start_server(notebooks=4) is None
    with kernel_server.running() as env:
        assert env == {}


def test_the_servers_spec_keeps_the_standard_specs_name_and_metadata(
    no_test_server, monkeypatch, tmp_path
):
    standard = {**kernel_server.NATIVE_SPEC, "display_name": "Mine", "metadata": {"x": 1}}
    _user_spec(tmp_path, standard)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert kernel_server.python3_spec() == standard
    made = kernel_server.kernel_spec("/x.sock", standard)
    assert made["display_name"] == "Mine" and made["metadata"] == {"x": 1}
    assert made["env"] == {kernel_server.SERVER_ENV: "/x.sock"}


def test_no_private_folder_means_fresh_kernels_not_a_failed_run(
    no_test_server, monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(kernel_server.tempfile, "tempdir", str(tmp_path / "missing"))
    assert kernel_server.start_server(notebooks=4) is None
    assert "kernels start afresh" in capsys.readouterr().err
