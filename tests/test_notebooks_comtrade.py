"""The trajectory and locomotive notebooks run on imported UN Comtrade data (issue 8).

The data are the SYNTHETIC test fixture, imported into a temporary folder; the test checks the
notebooks run end to end through `kzaf run` and say loudly that the data are synthetic. Nothing
here is a finding.
"""

import os
import subprocess
import sys

import nbformat
import pytest

from kzaf.paths import PROJECT_ROOT

pytestmark = pytest.mark.notebook  # executes the real notebooks: not in the fast tier

FIXTURE = (
    PROJECT_ROOT / "tests" / "fixtures" / "comtrade"
    / "comtrade_KAZ_AFG_monthly_2019-2024_SYNTHETIC.csv"
)  # fmt: skip


def _kzaf(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "kzaf.cli", *args],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def comtrade_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("comtrade-run")
    env = {**os.environ, "KZAF_COMTRADE_DIR": str(root / "imported")}
    imported = _kzaf("import", "comtrade", str(FIXTURE), env=env)
    assert imported.returncode == 0, imported.stderr
    run = _kzaf(
        "run", "01", "02", "-p", "data_source", "comtrade",
        "--reports-dir", str(root / "reports"), "--jobs", "2", env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # A partial run (two notebooks) never moves reports/latest, so read the run folder itself.
    [folder] = [p for p in (root / "reports").iterdir() if p.name[0].isdigit()]
    return folder


def _text(path):
    notebook = nbformat.read(str(path), as_version=4)
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/plain", ""))
            parts.append(output.get("text", ""))
    return "\n".join(parts)


def _executed(run_folder, stem):
    [path] = run_folder.glob(f"*/{stem}/{stem}.ipynb")
    return _text(path)


def test_trajectory_notebook_uses_the_monthly_series_and_flags_synthetic_data(comtrade_run):
    text = _executed(comtrade_run, "01_trade_trajectory")
    assert "SYNTHETIC TEST DATA" in text
    assert "imported UN Comtrade figure" in text
    assert "Seasonal model" in text  # the monthly series gets a seasonal model


def test_locomotive_notebook_runs_its_counterfactual_on_the_monthly_series(comtrade_run):
    text = _executed(comtrade_run, "02_locomotive_effect")
    assert "SYNTHETIC" in text
    assert "No counterfactual on published figures" not in text
