"""JupyterLab's loop: Run All, then Run All again in the same kernel, with the same values or
after editing one in the parameters cell. Whatever the first run left in the kernel (a global
named `policy`, `country` or `month`, a resolved country code) must not break the second."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from kzaf.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
# One edit per notebook, as an analyst makes it in the parameters cell: (old line, new line).
# The risk notebook's edit also makes its simulations smaller, to keep the test short.
EDITS = {
    "00_data_audit": [("end_year: int = 2025", "end_year: int = 2023")],
    "01_trade_trajectory": [('partner: str = "AFG"', 'partner: str = "Kyrgyz-Republic"')],
    "02_locomotive_effect": [('partner: str = "AFG"', 'partner: str = "Uzbekistan"')],
    "03_risk_assessment": [
        ("n_draws: int = 10_000", "n_draws: int = 500"),
        ("n_paths: int = 100_000", "n_paths: int = 2_000"),
    ],
    "04_methods": [
        ("n_simulations: int = 400", "n_simulations: int = 60"),
        ("event_simulations: int = 150", "event_simulations: int = 0"),
    ],
}


def _run_all(client: NotebookClient, notebook: nbformat.NotebookNode) -> None:
    """JupyterLab's Run All: every cell in order, stopping at the first error."""
    for index, cell in enumerate(notebook.cells):
        client.execute_cell(cell, index)


def _client(notebook: nbformat.NotebookNode) -> NotebookClient:
    return NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},  # the kernel's folder, as Lab's
    )


def _edit(notebook: nbformat.NotebookNode, stem: str) -> None:
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    for old, new in EDITS[stem]:
        assert old in cell.source, (stem, old)
        cell.source = cell.source.replace(old, new)


def _outputs_text(notebook: nbformat.NotebookNode) -> str:
    return str([cell.get("outputs", []) for cell in notebook.cells])


def _run_all_twice(path, between=lambda notebook: None) -> list[str]:
    """Run All, ``between(notebook)``, Run All again, in one kernel; each run's outputs."""
    notebook = nbformat.read(str(path), as_version=4)
    client = _client(notebook)
    outputs = []
    with client.setup_kernel():
        for step in (lambda notebook: None, between):
            step(notebook)
            _run_all(client, notebook)  # raises CellExecutionError at the first failing cell
            outputs.append(_outputs_text(notebook))
    return outputs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_run_all_twice_in_one_kernel(path):
    _run_all_twice(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_edit_a_parameter_and_run_all_again(path):
    first, second = _run_all_twice(path, lambda notebook: _edit(notebook, path.stem))
    assert second != first  # the edit reached the results
