"""The kzaf command answers --help, validates the data, exits 0/1/2 alike in every subcommand
and logs plain lines (none with -q)."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # starts processes: not in test-quick


def _kzaf(*args):
    return subprocess.run(
        [sys.executable, "-m", "kzaf.cli", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_the_commands():
    result = _kzaf("--help")
    assert result.returncode == 0
    for command in ("run", "data"):
        assert command in result.stdout


def test_data_validate_reports_bad_tables(data_copy):
    (data_copy / "observations.csv").write_text("obs_id\nXX\n", encoding="utf-8")
    result = _kzaf("data", "--data-dir", str(data_copy), "validate")
    assert result.returncode == 2  # bad input, like kzaf run
    assert "data/observations.csv" in result.stderr and "sha256 differs" in result.stderr


# Exit statuses, the same for every subcommand: 0 done, 1 the work failed, 2 bad input or
# usage (README "Exit status", `kzaf --help`). One bad input per subcommand.
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--dry-run", "99_no_such_notebook"], "99_no_such_notebook"),
        (["run", "--jobs", "0"], "--jobs"),
        (["params", "99_no_such_notebook"], "99_no_such_notebook"),
        (["data", "--data-dir", "{tmp}/nothing", "validate"], "nothing"),
        (["data", "--data-dir", "{tmp}/nothing", "codebook"], "nothing"),
        (["fetch", "comtrade", "--start", "2024-13", "--end", "2024-12"], "2024-13"),
        (["import", "comtrade", "{tmp}/missing.csv"], "missing.csv"),
        (["import", "comtrade", "{tmp}/x.csv", "--accessed", "yesterday"], "yesterday"),
        (["no-such-command"], "no-such-command"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, message, tmp_path):
    result = _kzaf(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wheel_install_without_data_names_what_it_tried(tmp_path, monkeypatch):
    """No $KZAF_DATA_DIR, no ./data: the error lists every folder tried (exit 2)."""
    from kzaf import paths

    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path / "site-packages" / "data")
    with pytest.raises(paths.DataDirNotFound) as raised:
        paths.data_dir()
    text = str(raised.value)
    assert str(tmp_path / "data") in text and "site-packages" in text
    assert paths.DATA_DIR_ENV in text
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text("{}", encoding="utf-8")
    assert paths.data_dir() == tmp_path / "data"  # the current folder's data/ comes first
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"  # and the variable before it


def test_quiet_silences_progress_lines_but_not_errors(tmp_path):
    loud = _kzaf("data", "validate")
    quiet = _kzaf("-q", "data", "validate")
    assert loud.returncode == quiet.returncode == 0
    assert "all tables valid" in loud.stdout and quiet.stdout == ""
    assert _kzaf("run", "-q", "--dry-run", "00").stdout == ""
    failed = _kzaf("-q", "params", "99_no_such_notebook")
    assert failed.returncode == 2 and "99_no_such_notebook" in failed.stderr


def test_without_a_terminal_progress_is_plain_lines(tmp_path):
    """Captured output (a pipe, as under cron): one plain line per event, no bar drawn."""
    result = _kzaf("run", "--dry-run", "00", "01")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["execute", "execute"] or all(
        line.startswith(("execute", "reuse")) for line in lines
    )
    assert "\r" not in result.stdout + result.stderr and "\x1b[" not in result.stderr
