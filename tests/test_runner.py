"""kzaf run: parameters checked first, failures kept, interrupts harmless, unchanged work
reused, outputs escaped and free of secrets.

Execution tests run tiny synthetic notebooks (tests/notebook_factory.py) in temporary folders
through the real command, with no terminal attached; checks that need no kernel call the
code in-process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import Executor, Future
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest
from notebook_factory import (
    failing_notebook,
    make_notebook,
    ok_notebook,
    secret_notebook,
    sleeping_notebook,
)
from run_env import without_kzaf_variables

from kzaf import cli
from kzaf.checksums import file_sha256
from kzaf.parameters import types as parameter_types
from kzaf.parameters import values as parameter_values
from kzaf.paths import DATA_DIR, PROJECT_ROOT
from kzaf.runner import run
from kzaf.runner.plan import jobs, notebooks
from kzaf.runner.plan.run_files import read_run_file
from kzaf.runner.site import index

pytestmark = pytest.mark.integration  # starts processes: not in test-quick

SECRET = "kzaf-fixture-secret-9f8e7d6c5b4a"
MARKER = "kzaf-fixture-environment-marker-1234"


def _env(**extra: str) -> dict[str, str]:
    return without_kzaf_variables(COMTRADE_API_KEY=SECRET, KZAF_FIXTURE_MARKER=MARKER, **extra)


def kzaf(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, with no terminal: stdin closed, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "kzaf.cli", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env or _env(),
        timeout=600,
        check=False,
    )


def final_runs(reports: Path) -> list[str]:
    return sorted(p.name for p in reports.iterdir() if p.is_dir() and p.name[0].isdigit())


def latest(reports: Path) -> str | None:
    link = reports / run.LATEST
    return os.readlink(link) if link.is_symlink() else None


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# A successful run of two sets, from a run file, with no terminal


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    root = tmp_path_factory.mktemp("collection")
    notebooks = root / "notebooks"
    ok_notebook(notebooks / "01_ok.ipynb")
    secret_notebook(notebooks / "02_secret.ipynb")
    run_file = root / "scheduled.yaml"
    run_file.write_text(
        "output: reports\n"
        "log: logs/kzaf-run.log\n"
        "notebooks_dir: notebooks\n"
        "jobs: 2\n"
        "sets:\n"
        "  default: {}\n"
        "  alt:\n"
        "    notebooks: ['01']\n"
        "    parameters:\n"
        "      01_ok: {reporter: UZB, start_year: 2020, partners: [AFG]}\n",
        encoding="utf-8",
    )
    result = kzaf("run", "--run-file", str(run_file))
    reports = root / "reports"
    assert result.returncode == 0, result.stdout + result.stderr
    (run_id,) = final_runs(reports)
    return SimpleNamespace(
        root=root,
        notebooks=notebooks,
        run_file=run_file,
        reports=reports,
        run_id=run_id,
        folder=reports / run_id,
        result=result,
    )


def test_run_writes_notebooks_html_index_and_moves_latest(collection):
    folder = collection.folder
    assert latest(collection.reports) == collection.run_id
    assert not [p for p in collection.reports.iterdir() if p.name.startswith(".incomplete")]
    for job in ("default/01_ok", "default/02_secret", "alt/01_ok"):
        stem = job.split("/")[1]
        for name in (f"{stem}.ipynb", f"{stem}.html", f"{stem}.code.html", "result.json"):
            assert (folder / job / name).is_file(), f"{job}/{name}"
    # The notebook's working directory is its folder in the run: its files land there.
    assert (folder / "alt/01_ok/figures/fixture.txt").read_text() == "UZB 2020"
    assert (folder / "default/01_ok/figures/fixture.txt").read_text() == "KAZ 2016"
    # Readers see outputs without code; analysts see the code.
    reader = (folder / "default/01_ok/01_ok.html").read_text(encoding="utf-8")
    analyst = (folder / "default/01_ok/01_ok.code.html").read_text(encoding="utf-8")
    code = "# only-analysts-see-this-code"
    assert code not in reader and code in analyst
    assert "first year" in reader
    # Progress lines went to the run file's log, though no terminal was attached.
    log = (collection.root / "logs/kzaf-run.log").read_text(encoding="utf-8")
    assert "ok      alt/01_ok" in log and collection.run_id in log


def test_index_lists_every_notebook_and_escapes_their_text(collection):
    page = (collection.folder / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    # jinja2's autoescape (markupsafe) writes the apostrophe as &#39;
    assert "&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;" in page
    assert "Fixture &lt;b&gt;OK&lt;/b&gt;" in page
    for href in ("default/01_ok/01_ok.html", "alt/01_ok/01_ok.code.html", "manifest.json"):
        assert f'href="{href}"' in page
    assert "reporter = UZB" in page and "supported" in page


def test_index_escapes_source_titles_unit():
    manifest = {
        "run_id": "<script>r</script>",
        "status": "failed",
        "code": {"commit": "<script>"},
        "notebooks": [
            {
                "set": "default",
                "notebook": "01_x",
                "title": "<script>alert(1)</script>",
                "status": "failed",
                "parameters": {"<script>": "<script>"},
                "overrides": {"<script>": "<script>"},
                "error": {"ename": "<script>", "evalue": "<script>", "line": "<script>"},
                "outputs": {"notebook": "default/01_x/<script>.ipynb"},
            }
        ],
    }
    payload = {"title": "<script>", "rows": [{"<script>": "<script>", "source": "<script>"}]}
    page = index.render(manifest, {"default/01_x": {"headline": [payload], "verdicts": [payload]}})
    assert "<script" not in page
    assert page.count("&lt;script&gt;") >= 8


def test_manifest_records_code_data_packages_and_each_notebook(collection):
    manifest = manifest_of(collection.folder)
    assert manifest["status"] == "ok" and manifest["run_id"] == collection.run_id
    assert manifest["started"] <= manifest["ended"]
    assert len(manifest["code"]["commit"]) == 40
    assert isinstance(manifest["code"]["dirty"], bool)
    assert manifest["code"]["requirements_lock_sha256"].startswith("sha256:")
    data = manifest["data"]["files"]
    assert data["observations.csv"]["sha256"] == file_sha256(DATA_DIR / "observations.csv")
    assert data["observations.csv"]["recorded"] == data["observations.csv"]["sha256"]
    packages = manifest["software"]["packages"]
    assert packages["papermill"] and packages["pandas"] and packages["kzaf"]
    assert manifest["run_file"]["path"] == str(collection.run_file)
    by_job = {(n["set"], n["notebook"]): n for n in manifest["notebooks"]}
    assert set(by_job) == {("default", "01_ok"), ("default", "02_secret"), ("alt", "01_ok")}
    alt = by_job[("alt", "01_ok")]
    assert alt["overrides"] == {"reporter": "UZB", "start_year": 2020, "partners": ["AFG"]}
    assert alt["parameters"]["scale"] == 1.0 and alt["parameters"]["note"] is None
    assert alt["override_sources"]["reporter"] == "scheduled.yaml, set 'alt'"
    assert by_job[("default", "01_ok")]["overrides"] == {}
    for entry in manifest["notebooks"]:
        assert entry["status"] == "ok" and entry["duration_s"] > 0
        assert entry["started"] and entry["ended"] and entry["reused_from"] is None


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_no_secret_or_environment_in_anything_written(collection):
    # The notebook printed the key three ways; every written file carries the mark instead.
    written = [p for p in collection.root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in written) and any(p.suffix == ".log" for p in written)
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    executed = (collection.folder / "default/02_secret/02_secret.ipynb").read_text("utf-8")
    assert executed.count("[redacted $COMTRADE_API_KEY]") >= 3
    manifest_text = (collection.folder / "manifest.json").read_text(encoding="utf-8")
    assert MARKER not in manifest_text and "COMTRADE_API_KEY" not in manifest_text
    keys = {k.lower() for k in _keys(json.loads(manifest_text))}
    assert not keys & {"env", "environ", "environment", "environment_variables"}


def test_unchanged_run_reuses_outputs(collection):
    reports = collection.reports
    runs_before = final_runs(reports)
    again = kzaf("run", "--run-file", str(collection.run_file))
    assert again.returncode == 0, again.stderr
    (second,) = [reports / r for r in final_runs(reports) if r not in runs_before]
    manifest = manifest_of(second)
    assert [n["reused_from"] for n in manifest["notebooks"]] == [collection.run_id] * 3
    assert not (second / "workers.log").exists()  # no worker, hence no kernel, was started
    assert "3 unchanged and reused, 0 to execute" in again.stdout
    for job in ("default/01_ok/01_ok.html", "alt/01_ok/01_ok.ipynb"):
        assert (second / job).read_bytes() == (collection.folder / job).read_bytes()
    assert latest(reports) == second.name


def test_force_and_changed_parameters_execute_again(collection, tmp_path, monkeypatch, capsys):
    import kzaf.runner.execute.pool

    reports = tmp_path / "reports"
    shutil.copytree(collection.reports, reports, symlinks=True)
    before = latest(reports)
    monkeypatch.setattr(kzaf.runner.execute.pool, "LocalPool", _FakePool)
    monkeypatch.setattr(_FakePool, "executed", [])
    base = ["run", "--notebooks-dir", str(collection.notebooks), "--reports-dir", str(reports)]

    assert cli.main(base) == 0
    assert _FakePool.executed == []  # unchanged: nothing handed to the workers
    assert cli.main([*base, "01", "-p", "scale", "2.5"]) == 0
    assert _FakePool.executed == ["01_ok"]  # a changed parameter runs again
    assert cli.main([*base, "01", "--force"]) == 0
    assert _FakePool.executed == ["01_ok"]
    # Only part of the collection ran, so `latest` stays on the last whole run.
    assert "not moved" in capsys.readouterr().out and latest(reports) != before


# ---------------------------------------------------------------------------------------------
# Failure and interruption


def test_failing_notebook_keeps_everything_and_others_still_run(collection, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(collection.notebooks, notebooks)
    failing_notebook(notebooks / "03_boom.ipynb")
    make_notebook(notebooks / "04_after.ipynb", "n: int = 1  # a number", ["print(n + 1)"])
    reports = collection.reports
    before, runs_before = latest(reports), final_runs(reports)

    result = kzaf("run", "--notebooks-dir", str(notebooks), "--reports-dir", str(reports))

    assert result.returncode == 1
    assert "03_boom: cell 4 In [3] `raise ValueError(f'fixture failure at {x}')`" in result.stderr
    assert "ValueError: fixture failure at 6" in result.stderr
    assert latest(reports) == before  # `latest` moves only after a fully successful run
    (new,) = set(final_runs(reports)) - set(runs_before)
    folder = reports / new
    executed = (folder / "default/03_boom/03_boom.ipynb").read_text(encoding="utf-8")
    assert "fixture failure at 6" in executed
    statuses = {n["notebook"]: n for n in manifest_of(folder)["notebooks"]}
    assert statuses["03_boom"]["status"] == "failed"
    assert statuses["03_boom"]["error"]["cell"] == 4
    assert statuses["04_after"]["status"] == "ok" and statuses["04_after"]["reused_from"] is None
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="default/03_boom/03_boom.ipynb"' in page
    assert 'href="default/03_boom/03_boom.code.html#papermill-error-cell"' in page
    for run_id in runs_before:  # earlier runs untouched
        assert (reports / run_id / "index.html").is_file()


def test_terminated_run_leaves_previous_runs_and_latest_intact(collection, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(collection.notebooks, notebooks)
    path = sleeping_notebook(notebooks / "05_sleep.ipynb", 120)
    pid_cell = 'import os, pathlib\npathlib.Path("kernel.pid").write_text(str(os.getpid()))'
    content = json.loads(path.read_text())
    content["cells"].insert(2, {**content["cells"][2], "id": "pid", "source": pid_cell})
    path.write_text(json.dumps(content))
    reports = collection.reports
    before, runs_before = latest(reports), final_runs(reports)

    process = subprocess.Popen(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(notebooks),
         "--reports-dir", str(reports)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(),
    )  # fmt: skip
    kernel_pid = None
    deadline = time.monotonic() + 120
    while kernel_pid is None and time.monotonic() < deadline:
        found = list(reports.glob(".incomplete-*/default/05_sleep/kernel.pid"))
        if found and found[0].read_text():
            kernel_pid = int(found[0].read_text())
        time.sleep(0.2)
    assert kernel_pid is not None, "the sleeping notebook never started"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)

    assert process.returncode == run.EXIT_SIGTERM, err
    assert "interrupted" in err
    assert latest(reports) == before and final_runs(reports) == runs_before
    for run_id in runs_before:
        assert (reports / run_id / "index.html").is_file()
    (partial,) = [p for p in reports.glob(".incomplete-*") if (p / "default/05_sleep").exists()]
    assert manifest_of(partial)["status"] == "interrupted"
    deadline = time.monotonic() + 15  # the kernel is stopped with its worker
    while time.monotonic() < deadline and _alive(kernel_pid):
        time.sleep(0.2)
    assert not _alive(kernel_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


class _FakePool(Executor):
    """Stands in for the local pool: finishes every job at once, or is interrupted by Ctrl-C."""

    interrupt = False
    executed: ClassVar[list[str]] = []

    def __init__(self, slots, log, env=None):
        _FakePool.executed = []
        self.started = queue.Queue()

    def submit(self, fn, job):
        if self.interrupt:
            raise KeyboardInterrupt
        _FakePool.executed.append(job["stem"])
        Path(job["folder"]).mkdir(parents=True, exist_ok=True)
        (Path(job["folder"]) / ".committed").write_text("{}")
        future = Future()
        future.set_result({"status": "ok", "files": {}})
        return future

    def stop(self):
        self.stopped = True


def test_ctrl_c_keeps_partial_folder_and_previous_run(tmp_path, monkeypatch):
    import kzaf.runner.execute.pool

    make_notebook(tmp_path / "nb/01_a.ipynb", "n: int = 1  # a number", ["n"])
    reports = tmp_path / "reports"
    args = ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports)]
    monkeypatch.setattr(kzaf.runner.execute.pool, "LocalPool", _FakePool)
    assert cli.main(args) == 0
    (first,) = final_runs(reports)
    assert latest(reports) == first

    monkeypatch.setattr(_FakePool, "interrupt", True)
    assert cli.main([*args, "--force"]) == run.EXIT_SIGINT
    assert latest(reports) == first and final_runs(reports) == [first]
    (partial,) = reports.glob(".incomplete-*")
    assert manifest_of(partial)["status"] == "interrupted"


# ---------------------------------------------------------------------------------------------
# Checks before anything runs


@pytest.fixture
def one_notebook(tmp_path):
    ok_notebook(tmp_path / "nb" / "01_ok.ipynb")
    failing_notebook(tmp_path / "nb" / "02_boom.ipynb")
    reports = tmp_path / "reports"
    base = ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports)]
    return SimpleNamespace(tmp=tmp_path, reports=reports, base=base)


def test_unknown_parameter_stops_the_run_and_lists_valid_ones(one_notebook, capsys):
    assert cli.main([*one_notebook.base, "-p", "reportr", "UZB"]) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert "unknown parameter 'reportr' (from -p)" in err and "did you mean 'reporter'?" in err
    assert "nothing was run" in err
    for text in ("name", "type", "default", "comment", "start_year", "int", "2016"):
        assert text in err
    assert "first calendar year shown" in err and "list[str]" in err
    assert not one_notebook.reports.exists()

    assert cli.main([*one_notebook.base, "-p", "01_ok:threshold", "1"]) == run.EXIT_INPUT
    assert "01_ok: unknown parameter 'threshold'" in capsys.readouterr().err
    assert cli.main([*one_notebook.base, "-p", "07:n", "1"]) == run.EXIT_INPUT
    assert "no notebook '07' among those being run" in capsys.readouterr().err
    assert not one_notebook.reports.exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["-p", "start_year", "abc"], "01_ok: parameter 'start_year' must be int, got 'abc'"),
        (["-p", "01:start_year", "2016.5"], "'start_year' must be int, got '2016.5'"),
        (["-p", "02_boom:threshold", "[1]"], "'threshold' must be int, got '[1]'"),
        (["-y", "scale: [1]"], "'scale' must be float, got [1] (from -y)"),
        (["-y", "01_ok: {partners: KAZ}"], "'partners' must be list[str], got 'KAZ'"),
        (["-y", "01_ok: {note: 3}"], "'note' must be str | None, got 3"),
    ],
)
def test_wrong_type_stops_the_run(one_notebook, capsys, option, message):
    assert cli.main([*one_notebook.base, *option]) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert message in err and "valid parameters:" in err
    assert not one_notebook.reports.exists()


def test_parameter_file_with_notebook_sections(one_notebook, capsys):
    values = one_notebook.tmp / "values.yaml"
    values.write_text(
        "scale: 2  # an int where a float is declared is fine\n"
        "01_ok:\n  reporter: UZB\n  partners: [AFG, TKM]\n"
        "02:\n  threshold: 5\n",  # unquoted, YAML reads 02 as the integer 2
        encoding="utf-8",
    )
    args = [*one_notebook.base, "-f", str(values), "-p", "01:note", "None", "--dry-run"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "default/01_ok  (reporter='UZB', scale=2.0, partners=['AFG', 'TKM'], note=None)" in out
    assert "default/02_boom  (threshold=5)" in out
    assert not one_notebook.reports.exists()


@pytest.mark.parametrize(
    ("annotation", "text", "expected"),
    [
        ("str", "123", "123"),  # papermill would give 123; the declared type keeps the text
        ("int", "2016", 2016),
        ("float", "2", 2.0),
        ("bool", "True", True),
        ("bool", "false", False),
        ("str | None", "None", None),
        ("Optional[int]", "7", 7),
        ("list[str]", "[KAZ, UZB]", ["KAZ", "UZB"]),
        ("list", "[1, a]", [1, "a"]),
        ("dict[str, float]", "{a: 1, b: 2.5}", {"a": 1.0, "b": 2.5}),
        ("dict", '{"x": [1]}', {"x": [1]}),
        ("Literal['official_first', 'latest_first']", "latest_first", "latest_first"),
        ("int | str", "abc", "abc"),
    ],
)
def test_values_are_read_like_papermill_then_yaml(annotation, text, expected):
    spec = parameter_types.parse_annotation(annotation)
    value = parameter_values.read_value(parameter_values.Given(text, "-p", text=True), spec)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("annotation", "value"),
    [("int", True), ("int", 1.5), ("float", "1"), ("list[int]", [1, "2"]),
     ("dict[str, int]", {1: 1}), ("None", 0), ("Literal['a']", "b"), ("bool", 1)],
)  # fmt: skip
def test_values_of_the_wrong_type_are_refused(annotation, value):
    spec = parameter_types.parse_annotation(annotation)
    given = parameter_values.Given(value, "file")
    assert parameter_values.read_value(given, spec) is parameter_types.NO


def test_unsupported_annotation_is_reported():
    with pytest.raises(ValueError, match=r"not one kzaf can check .*list\[T\]"):
        parameter_types.parse_annotation("pd.DataFrame")


def test_kzaf_params_prints_name_type_default_comment(one_notebook):
    result = kzaf("params", "01", "--notebooks-dir", str(one_notebook.tmp / "nb"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["name", "type", "default", "comment"]
    assert lines[3].split() == ["start_year", "int", "2016", "first", "calendar", "year", "shown"]
    assert "note        str | None  None     free note" in result.stdout
    missing = kzaf("params", "09", "--notebooks-dir", str(one_notebook.tmp / "nb"))
    assert missing.returncode == 2 and "no notebook '09'" in missing.stderr


def test_missing_data_file_stops_the_run(one_notebook, data_copy, monkeypatch, capsys):
    (data_copy / "observations.csv").unlink()
    monkeypatch.setenv("KZAF_DATA_DIR", str(data_copy))
    assert cli.main(one_notebook.base) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert "data/observations.csv: file not found (listed in data/datapackage.json)" in err
    assert "nothing was run" in err and not one_notebook.reports.exists()


def test_changed_data_file_stops_the_run(one_notebook, data_copy, monkeypatch, capsys):
    with (data_copy / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    monkeypatch.setenv("KZAF_DATA_DIR", str(data_copy))
    assert cli.main(one_notebook.base) == run.EXIT_INPUT
    assert "data/events.csv: sha256 differs" in capsys.readouterr().err


def test_secret_passed_as_parameter_is_refused_and_not_echoed(one_notebook, monkeypatch, capsys):
    monkeypatch.setenv("COMTRADE_API_KEY", SECRET)
    assert cli.main([*one_notebook.base, "-p", "reporter", SECRET]) == run.EXIT_INPUT
    captured = capsys.readouterr()
    assert "holds the value of a secret environment variable" in captured.err
    assert SECRET not in captured.err + captured.out


def test_run_file_errors_name_the_file_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("outptu: reports\n", encoding="utf-8")
    assert cli.main(["run", "--run-file", str(bad)]) == run.EXIT_INPUT
    assert "bad.yaml: unknown key(s) ['outptu']" in capsys.readouterr().err
    bad.write_text("sets:\n  'a b': {}\n", encoding="utf-8")
    assert cli.main(["run", "--run-file", str(bad)]) == run.EXIT_INPUT
    assert "set name 'a b'" in capsys.readouterr().err
    bad.write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    assert cli.main(["run", "--run-file", str(bad)]) == run.EXIT_INPUT  # safe_load refuses
    assert "not valid YAML" in capsys.readouterr().err


def test_scheduled_run_file_is_valid(tmp_path, capsys):
    path = PROJECT_ROOT / "runs" / "scheduled.yaml"
    run_file = read_run_file(path)
    assert run_file.output == PROJECT_ROOT / "reports" / "scheduled"
    names = [s.name for s in run_file.sets]
    assert names == ["default", "uzbekistan"]
    uzbekistan = run_file.sets[1]
    assert uzbekistan.assignments.per_notebook["01_trade_trajectory"]["reporter"].value == "UZB"
    if not (PROJECT_ROOT / "notebooks" / "01_trade_trajectory.ipynb").exists():
        pytest.skip("notebooks/01_trade_trajectory.ipynb has not landed yet")
    args = ["run", "--run-file", str(path), "--dry-run", "--log", str(tmp_path / "log")]
    args += ["--reports-dir", str(tmp_path / "reports")]
    assert cli.main(args) == 0, capsys.readouterr().err
    assert "uzbekistan/01_trade_trajectory  (reporter='UZB', peers=" in capsys.readouterr().out


def test_cache_key_changes_with_each_input(tmp_path):
    notebook = notebooks.read_notebook(ok_notebook(tmp_path / "01_ok.ipynb"))
    effective = {p.name: p.default for p in notebook.parameters}
    job = jobs.Job("default", notebook, {}, effective, {})
    shared = {"data": {"a.csv": "sha256:1"}, "requirements_lock": "x", "kzaf_source": "y"}
    key = jobs.job_key(job, shared, None)
    assert key == jobs.job_key(jobs.Job("other", notebook, {}, dict(effective), {}), shared, None)
    changed_parameter = jobs.Job("default", notebook, {}, {**effective, "scale": 2.0}, {})
    assert jobs.job_key(changed_parameter, shared, None) != key
    for name, value in [("data", {"a.csv": "sha256:2"}), ("requirements_lock", "z"),
                        ("kzaf_source", "w")]:  # fmt: skip
        assert jobs.job_key(job, {**shared, name: value}, None) != key
    edited = make_notebook(tmp_path / "01_ok.ipynb", "scale: float = 1.0  # m", ["1"])
    assert jobs.job_key(jobs.Job("default", notebooks.read_notebook(edited), {}, effective, {}),
                         shared, None) != key  # fmt: skip


def test_run_ids_are_unique_and_sortable_within_one_second():
    moment = run._now()
    ids = {run.new_run_id(moment) for _ in range(200)}
    assert len(ids) == 200 and all(i.startswith(f"{moment:%Y%m%dT%H%M%S}.") for i in ids)
    later = moment + dt.timedelta(milliseconds=1)
    assert max(ids) < run.new_run_id(later)
