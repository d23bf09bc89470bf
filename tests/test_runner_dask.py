"""The runner on Dask: through the executor seam with an in-process LocalCluster, and against
a scheduler and a worker started as separate processes (127.0.0.1, stopped by process id)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from notebook_factory import failing_notebook, ok_notebook
from sweep_fixtures import pair_notebook

from kzaf import cli
from kzaf.paths import PROJECT_ROOT
from kzaf.runner import run
from kzaf.runner.errors import PlanError
from kzaf.runner.execute import dispatch, engines

distributed = pytest.importorskip("distributed")
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from dask_processes import free_port, scheduler_and_worker  # noqa: E402

pytestmark = pytest.mark.integration  # starts processes: not in test-quick


def _args(*argv: str):
    parsed = cli.build_parser().parse_args(list(argv))
    parsed.argv = ["kzaf", *argv]
    return cli.run_options(parsed)


@pytest.fixture
def local_client():
    """One in-process worker (a thread): the case where papermill's cwd would be shared."""
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address="127.0.0.1:0",
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def test_any_executor_runs_the_jobs_and_the_client_publishes(tmp_path, local_client):
    pair_notebook(tmp_path / "nb" / "01_pair.ipynb")
    failing_notebook(tmp_path / "nb" / "02_boom.ipynb")
    reports = tmp_path / "reports"
    args = _args(
        "sweep", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports),
        "--grid", "reporter=UZB", "--grid", "01:partner=AFG",
    )  # fmt: skip
    log = run.Log()
    p = run.prepare(args, log)
    code = run.execute(p, log, executor=local_client.get_executor(pure=False))
    assert code == run.EXIT_FAILED  # 02_boom fails on purpose; 01_pair succeeds in both sets
    (folder,) = reports.glob("2*")
    manifest = json.loads((folder / "manifest.json").read_text())
    status = {(e["set"], e["notebook"]): e["status"] for e in manifest["notebooks"]}
    assert status == {
        ("reporter-UZB_partner-AFG", "01_pair"): "ok",
        ("reporter-UZB_partner-AFG", "02_boom"): "failed",
    }
    error = next(e["error"] for e in manifest["notebooks"] if e["notebook"] == "02_boom")
    assert error["ename"] == "ValueError" and "fixture failure at 6" in error["evalue"]
    job = folder / "reporter-UZB_partner-AFG" / "01_pair"
    assert (job / ".committed").is_file() and (job / "01_pair.html").is_file()
    assert (job / "figures" / "where.txt").read_text().endswith("reporter-UZB_partner-AFG/01_pair")
    assert "UZB" in (job / "01_pair.html").read_text()
    assert (folder / "index.html").is_file()
    assert Path.cwd() != folder  # the client's folder never moved

    # The cache key is the client's: an unchanged run submits nothing to the executor.
    class Refuses(local_client.get_executor().__class__):
        def submit(self, *a, **k):
            raise AssertionError("a cached notebook run was submitted")

    pair_only = _args(*args.argv[1:], "01")
    p = run.prepare(pair_only, log)
    assert len(p.reuse) == len(p.jobs) == 1
    assert run.execute(p, log, executor=Refuses(local_client)) == 0


def test_a_job_without_its_commit_marker_is_not_taken_as_done(tmp_path):
    from concurrent.futures import Future

    future: Future = Future()
    future.set_result({"status": "ok", "files": {}})
    result = dispatch.outcome(future, tmp_path / ".committed")
    assert result["status"] == "failed" and result["error"]["ename"] == "NotCommitted"
    (tmp_path / ".committed").write_text("{}")
    assert dispatch.outcome(future, tmp_path / ".committed")["status"] == "ok"


def test_dask_engine_without_distributed_names_the_extra(tmp_path, monkeypatch, capsys):
    ok_notebook(tmp_path / "nb" / "01_ok.ipynb")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    reports = tmp_path / "reports"
    base = ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports)]
    assert cli.main([*base, "--engine", "dask"]) == run.EXIT_INPUT
    assert "kzaf[dask]" in capsys.readouterr().err
    assert not list(reports.glob("*")) or not list(reports.glob("2*"))
    assert not list(reports.glob(".incomplete-*"))


def test_scheduler_choice_and_conflicts(monkeypatch):
    monkeypatch.delenv(engines.SCHEDULER_ENV, raising=False)
    assert engines.choose(None, None) == ("local", None)
    assert engines.choose("dask", None) == ("dask", None)
    assert engines.choose(None, "tcp://127.0.0.1:1") == ("dask", "tcp://127.0.0.1:1")
    monkeypatch.setenv(engines.SCHEDULER_ENV, "tcp://127.0.0.1:2")
    assert engines.choose(None, None) == ("dask", "tcp://127.0.0.1:2")
    assert engines.choose("local", None) == ("local", None)  # the environment yields
    with pytest.raises(PlanError, match="exclude each other"):
        engines.choose("local", "tcp://127.0.0.1:1")


def test_unreachable_scheduler_is_bad_input(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT_S", 1)
    ok_notebook(tmp_path / "nb" / "01_ok.ipynb")
    port = free_port()  # nothing listens there
    code = cli.main(
        ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(tmp_path / "r"),
         "--scheduler", f"tcp://127.0.0.1:{port}"]
    )  # fmt: skip
    assert code == run.EXIT_INPUT
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in capsys.readouterr().err
    assert not list((tmp_path / "r").glob(".incomplete-*"))


def test_workers_with_another_environment_are_refused():
    class Client:
        def run(self, fn):
            found = fn()
            return {"tcp://127.0.0.1:9": {**found, "kzaf_source": "sha256:other"}}

    with pytest.raises(PlanError, match=r"runs a different environment.*kzaf_source"):
        engines.check_environment(Client())


# ---------------------------------------------------------------------------------------------
# A separately started scheduler and worker


@pytest.mark.slow
def test_sweep_on_a_separately_started_scheduler_and_worker(tmp_path):
    pair_notebook(tmp_path / "nb" / "01_pair.ipynb")
    ok_notebook(tmp_path / "nb" / "02_ok.ipynb")
    with scheduler_and_worker(2, tmp_path) as (address, procs):
        started = time.monotonic()
        code = cli.main(
            ["sweep", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
             str(tmp_path / "reports"), "--scheduler", address,
             "--grid", "reporter=KAZ,UZB", "--grid", "01:partner=AFG"]
        )  # fmt: skip
        assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]
        assert time.monotonic() - started < 120
        (folder,) = (tmp_path / "reports").glob("2*")
        manifest = json.loads((folder / "manifest.json").read_text())
        assert len(manifest["notebooks"]) == 4
        assert all(e["status"] == "ok" for e in manifest["notebooks"])
        assert "the Dask scheduler at " + address in (folder / "run.log").read_text()
        assert (folder / "compare.html").is_file()
    assert all(proc.poll() is not None for proc in procs)


def test_workers_that_see_other_data_are_refused():
    from kzaf.runner.execute import worker

    class Client:
        def run(self, fn, *args):
            if fn is worker.data_state:
                return {"tcp://127.0.0.1:9": "sha256:other"}
            return {"tcp://127.0.0.1:9": fn(*args)}

    with pytest.raises(PlanError, match=r"worker tcp://127.0.0.1:9 does not see the data"):
        engines.check_environment(Client(), (str(PROJECT_ROOT / "data"), "sha256:mine"))


def test_a_job_whose_data_changed_on_its_worker_fails_before_it_runs(tmp_path):
    from kzaf.runner.execute import worker

    data = str(PROJECT_ROOT / "data")
    job = {"folder": str(tmp_path / "default" / "01_x"), "stem": "01_x", "data_dir": data,
           "data_sha256": "sha256:what-the-client-checked"}  # fmt: skip
    result = worker.run_job(job, renderer=None, secrets={})  # type: ignore[arg-type]
    assert result["status"] == "failed" and result["error"]["ename"] == "DataMismatch"
    assert (tmp_path / "default" / "01_x" / worker.COMMIT_MARKER).is_file()
    assert worker.data_state(data).startswith("sha256:")
    assert worker.data_state(str(tmp_path)).startswith("unusable here")
