"""Each notebook of the collection runs through `kzaf run` with its second parameter set.

The set lives in ``notebooks/params/<stem>.alt.yaml`` (parameter names to values). The four sets
go into one run file and one `kzaf run`, so the runner's pool executes them side by side and
the suite pays one process start, not four.
"""

import json
import subprocess
import sys

import pytest
import yaml

from kzaf import safe_yaml
from kzaf.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook  # executes the real notebooks: not in the fast tier

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def _second_set(stem: str) -> dict:
    path = NOTEBOOKS_DIR / "params" / f"{stem}.alt.yaml"
    values = safe_yaml.load_file(path)  # as kzaf run reads parameter files
    assert isinstance(values, dict) and values, f"{path.name} sets no parameter"
    return values


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("second-sets")
    sets = {
        f"alt-{p.stem[:2]}": {"notebooks": [p.stem], "parameters": _second_set(p.stem)}
        for p in NOTEBOOKS
    }
    run_file = root / "second-sets.yaml"
    run_file.write_text(yaml.safe_dump({"output": "reports", "sets": sets}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--run-file", str(run_file), "--force"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = [p for p in (root / "reports").iterdir() if p.name[0].isdigit()]
    return folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_its_second_parameter_set(path, run):
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["notebooks"] if e["notebook"] == path.stem]
    assert entry["status"] == "ok"
    assert set(entry["overrides"]) == set(_second_set(path.stem))
    assert (run / f"alt-{path.stem[:2]}" / path.stem / f"{path.stem}.html").is_file()
