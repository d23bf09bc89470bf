"""`pytest --nbval` compares every output strictly (what a user asking for it expects);
`--nbval-lax`, which `make test` passes, compares only cells marked NBVAL_CHECK_OUTPUT."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from kzaf.paths import PROJECT_ROOT

pytestmark = pytest.mark.notebook


def _notebook_with_a_stale_output(folder):
    cell = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]  # stale
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # fmt: skip
    path = folder / "stale.ipynb"
    nbformat.write(notebook, str(path))
    return path


@pytest.mark.parametrize(("mode", "passes"), [("--nbval", False), ("--nbval-lax", True)])
def test_strict_nbval_compares_every_output_and_lax_only_marked_ones(tmp_path, mode, passes):
    path = _notebook_with_a_stale_output(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", PROJECT_ROOT / "pyproject.toml", "--rootdir",
         tmp_path, "-p", "no:cacheprovider", "-p", "no:randomly", "-q", mode, path],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert (result.returncode == 0) == passes, result.stdout[-2000:]
