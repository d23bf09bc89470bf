"""A mistake in what the command is given, or a place it cannot write, is exit status 2 and
one line on stderr: never a traceback, never a half-written run that looks complete."""

from __future__ import annotations

import errno
import os

import pytest
from hostile_helpers import KEY, env, kzaf, leaks, one_line
from notebook_factory import make_notebook

from kzaf import cli

pytestmark = pytest.mark.integration  # runs kzaf in processes: not in test-quick


@pytest.fixture
def notebook(tmp_path):
    return make_notebook(tmp_path / "nb" / "01_n.ipynb", "n: int = 1  # a number", ["n"])


def _run(tmp_path, *args: str):
    return kzaf("run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                str(tmp_path / "reports"), *args)  # fmt: skip


def _given(path, content: bytes | None):
    """A file with ``content``, or (None) a folder where the file should be."""
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("dry", [[], ["--dry-run"]])
def test_a_log_file_that_cannot_be_written_is_one_line(notebook, tmp_path, dry):
    done = _run(tmp_path, "--log", "/dev/full", *dry)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "cannot write the log file /dev/full: No space left on device" in done.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "the run file cannot be read (Is a directory)"),  # a folder given as the file
        (b"output: r\xe9ports\n", "not UTF-8 text"),
        (b'output: "reports\\0elsewhere"\n', "'output' must be a path"),
        (b"sets:\n  " + b"s" * 300 + b": {}\n", "at most 120; it names a folder"),
    ],
)
def test_a_run_file_that_cannot_be_used_is_one_line(notebook, tmp_path, content, message):
    done = _run(tmp_path, "--run-file", str(_given(tmp_path / "run.yaml", content)))
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert message in done.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("content", [None, b"n: \xff\n"])
def test_a_parameter_file_that_cannot_be_read_is_one_line(notebook, tmp_path, content):
    done = _run(tmp_path, "-f", str(_given(tmp_path / "values.yaml", content)))
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "values.yaml" in done.stderr


def test_a_full_disk_is_one_line_and_leaves_no_secret(tmp_path, monkeypatch, capsys):
    """The reports folder's disk fills up once the notebook has run: every file written anew
    and renamed into place fails, the run's own files among them. The partial folder must
    hold no secret (a file that cannot be rewritten is removed), and the command says so in
    one line."""
    make_notebook(
        tmp_path / "nb" / "01_leak.ipynb", "n: int = 1  # a number",
        ['import os, sys\nkey = os.environ["COMTRADE_API_KEY"]\nprint(key, file=sys.stderr)\n'
         'from pathlib import Path\nPath("figures").mkdir(exist_ok=True)\n'
         'Path("figures/key.txt").write_text(key)'],
    )  # fmt: skip
    for name, value in env().items():
        monkeypatch.setenv(name, value)
    reports = tmp_path / "reports"
    replace = os.replace

    def disk_full(source, target, *args, **kwargs):
        if str(reports) in str(target):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", disk_full)
    code = cli.main(["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir",
                     str(reports)])  # fmt: skip
    said = capsys.readouterr()
    assert code == 2 and one_line(said.err), said.err
    assert "No space left on device" in said.err and KEY not in said.out + said.err
    assert list(reports.glob(".incomplete-*")) and not list(reports.glob("2*"))
    assert leaks(reports) == []
