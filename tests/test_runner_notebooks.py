"""Each notebook of the collection runs through `kzaf run` with its second parameter set.

The set lives in ``notebooks/params/<stem>.alt.yaml`` (parameter names to values), added by the
notebook's owner; a notebook without one is skipped and the skip says so, so the test grows as
the files land.
"""

import json
import subprocess
import sys

import pytest
import yaml

from kzaf.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook  # executes the real notebooks: not in the fast tier

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_its_second_parameter_set(path, tmp_path):
    alternative = NOTEBOOKS_DIR / "params" / f"{path.stem}.alt.yaml"
    if not alternative.exists():
        pytest.skip(f"no notebooks/params/{path.stem}.alt.yaml yet (the notebook's owner adds it)")
    values = yaml.safe_load(alternative.read_text(encoding="utf-8"))
    assert isinstance(values, dict) and values, f"{alternative.name} sets no parameter"
    reports = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", path.stem, "-f", str(alternative),
         "--reports-dir", str(reports), "--force", "--jobs", "1"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = [p for p in reports.iterdir() if p.name[0].isdigit()]
    (entry,) = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["notebooks"]
    assert entry["status"] == "ok"
    assert set(entry["overrides"]) == set(values)
    assert (folder / "default" / path.stem / f"{path.stem}.html").is_file()
