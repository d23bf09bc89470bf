"""No secret lands anywhere a run writes: not cut down, not on a crash, not from a URL.

A careless notebook prints the key the ways libraries print: pandas cuts a long cell to its
first characters and ``...``, ``reprlib`` keeps head and tail, a wrapped line splits it, Python
shows its ``repr``. A run that stops on an unexpected error must redact like any other. And a
password written into a store URL reaches no log, manifest, folder name, console or upload.
"""

from __future__ import annotations

import uuid

import pytest
from hostile_helpers import KEY, env, kzaf, leaks
from notebook_factory import make_notebook

from kzaf import cli

pytestmark = pytest.mark.integration  # runs kzaf in processes: not in test-quick

PRINTS_THE_KEY = (
    'import os, sys\nkey = os.environ["COMTRADE_API_KEY"]\n'
    "print(key)\nprint(key, file=sys.stderr)\n"
    'from pathlib import Path\nPath("figures").mkdir(exist_ok=True)\n'
    'Path("figures/key.txt").write_text(key)'
)


def test_cut_down_spellings_of_a_key_are_redacted(tmp_path):
    make_notebook(
        tmp_path / "nb" / "01_cut.ipynb",
        "n: int = 1  # a number",
        [
            'import os, reprlib\nimport pandas as pd\nkey = os.environ["COMTRADE_API_KEY"]\n'
            'pd.DataFrame({"key": [key]})',  # text/plain: the first 47 characters and "..."
            "print(reprlib.repr(key))",  # head ... tail
            "print(key[:24])\nprint(key[24:48])\nprint(key[48:])",  # split across lines
            "print(repr(key.encode()))",  # a bytes repr
            "import pprint\npprint.pprint({'key': key * 2}, width=40)",  # wrapped pieces
        ],
        title="Cuts the key",
    )
    reports = tmp_path / "reports"
    done = kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports))
    assert done.returncode == 0, done.stdout + done.stderr
    assert leaks(reports) == []
    assert "[redacted $COMTRADE_API_KEY]" in next(reports.rglob("01_cut.ipynb")).read_text()


def test_a_run_stopped_by_an_unexpected_error_leaves_no_secret(tmp_path, monkeypatch, capsys):
    """A run that stops on an error nobody planned for (once a byte-order mark in sources.csv
    broke the index while the run published) must still redact its partial folder: the key
    stayed in workers.log and the figures. The error is injected where the index reads the
    sources, after every notebook has run."""
    from kzaf.runner.site import references

    def broken(data_dir):
        raise KeyError("source_id")

    for name, value in env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(references, "source_catalogue", broken)
    make_notebook(tmp_path / "nb" / "01_leak.ipynb", "n: int = 1  # a number", [PRINTS_THE_KEY])
    reports = tmp_path / "reports"
    status = cli.main(["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                       str(reports)])  # fmt: skip
    out = capsys.readouterr()
    assert status in (1, 2), out.out + out.err
    assert "Traceback" not in out.err and KEY not in out.out + out.err
    assert any(reports.glob(".incomplete-*")), "the partial run is kept for debugging"
    assert leaks(reports) == []


def test_a_password_in_a_store_url_reaches_no_name_log_manifest_or_upload(
    tmp_path, monkeypatch, capsys
):
    import fsspec

    password = "hunter2-store-pass-4711"
    root = f"kzaf-hostile-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("KZAF_STAGING_DIR", str(tmp_path / "staging"))
    monkeypatch.delenv("KZAF_REPORTS_DIR", raising=False)
    make_notebook(tmp_path / "nb" / "01_ok.ipynb", "n: int = 1  # a number", ["n"])
    url = f"memory://reader:{password}@{root}/reports"
    memory = fsspec.filesystem("memory")
    try:
        code = cli.main(["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", url,
                         "--log", str(tmp_path / "logs" / "run.log")])  # fmt: skip
        said = capsys.readouterr()
        assert code == 0, said.err
        assert password not in said.out + said.err
        assert leaks(tmp_path, password) == []  # staging folder names and files, the log
        uploaded = [p for p in memory.find("/") if root in p]
        assert any(p.endswith("manifest.json") for p in uploaded)
        for path in uploaded:
            assert password.encode() not in memory.cat_file(path), path
    finally:
        for path in [p for p in memory.ls("/", detail=False) if root in p]:
            memory.rm(path, recursive=True)


@pytest.mark.parametrize(
    "url",
    ["ftp://reader:hunter2-store-pass-4711@127.0.0.1:1/reports",
     "kzafnosuch://reader:hunter2-store-pass-4711@bucket/reports"],
)  # fmt: skip
def test_a_password_in_a_bad_store_url_is_not_printed(url, tmp_path):
    make_notebook(tmp_path / "nb" / "01_ok.ipynb", "n: int = 1  # a number", ["n"])
    done = kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", url,
                environment=env(KZAF_STAGING_DIR=str(tmp_path / "staging")))  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "hunter2" not in done.stdout + done.stderr
    assert "[redacted credentials]" in done.stderr
