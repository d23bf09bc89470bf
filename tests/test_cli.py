"""The kzaf command answers --help and validates the data."""

import subprocess
import sys


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
