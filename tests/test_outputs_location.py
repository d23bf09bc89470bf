"""Charts and tables follow the executed notebook, whichever tool ran it: under plain
papermill (the kernel's working folder here is notebooks/, as under nbconvert or JupyterLab)
they are embedded in the output notebook and nothing new appears in notebooks/."""

import json
import os
import subprocess
import sys

import pytest

from kzaf.paths import FIGURES_DIR_ENV, NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook  # executes a real notebook: not in the fast tier


def _files(folder):
    return {p.relative_to(folder) for p in folder.rglob("*") if ".ipynb_checkpoints" not in p.parts}


def test_plain_papermill_puts_the_charts_in_the_output_and_nothing_in_notebooks(tmp_path):
    before = _files(NOTEBOOKS_DIR)
    output = tmp_path / "out" / "00_data_audit.ipynb"
    output.parent.mkdir()
    env = {k: v for k, v in os.environ.items() if k != FIGURES_DIR_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / "00_data_audit.ipynb"),
         str(output), "--cwd", str(NOTEBOOKS_DIR), "-k", "python3", "--no-progress-bar"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600, env=env,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert _files(NOTEBOOKS_DIR) == before
    assert [p.name for p in output.parent.iterdir()] == [output.name]
    html = "".join(
        "".join(out.get("data", {}).get("text/html", ""))
        for cell in json.loads(output.read_text(encoding="utf-8"))["cells"]
        for out in cell.get("outputs", [])
    )
    assert html.count('<img src="data:image/svg+xml;base64,') >= 2
    assert 'src="figures/' not in html and 'href="figures/' not in html
