"""Tiny synthetic notebooks for runner tests: obviously fixtures, never fed to a finding."""

from __future__ import annotations

from pathlib import Path

import nbformat


def make_notebook(
    path: Path,
    parameters: str,
    cells: list[str],
    title: str = "Fixture notebook",
    rules: str | None = None,
) -> Path:
    """A notebook in the collection's shape: title, parameters cell, its rules cell (when
    ``rules`` is given), code cells."""
    parameters_cell = nbformat.v4.new_code_cell(parameters)
    parameters_cell.metadata["tags"] = ["parameters"]
    rules_cells = []
    if rules is not None:
        rules_cells.append(nbformat.v4.new_code_cell(rules))
        rules_cells[0].metadata["tags"] = ["parameter-rules"]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {title}\n\nA fixture for the runner's tests."),
            parameters_cell,
            *rules_cells,
            *[nbformat.v4.new_code_cell(source) for source in cells],
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


HEADLINE = """\
# only-analysts-see-this-code
from kzaf import report
report.headline({"reporter": reporter, "first year": start_year, "scale": scale},
                "Fixture <script>alert('headline')</script> numbers")
"""

VERDICTS = """\
import pandas as pd
report.verdicts(pd.DataFrame([{"claim_id": "F1", "statement": "<script>alert('claim')</script>",
                               "verdict": "supported", "evidence": "fixture", "sources": "S0"}]))
"""


def ok_notebook(path: Path) -> Path:
    """Typed parameters, a headline and a verdict (with HTML in their text), a saved file."""
    return make_notebook(
        path,
        'reporter: str = "KAZ"  # reporting country (ISO3)\n'
        "start_year: int = 2016  # first calendar year shown\n"
        "scale: float = 1.0  # multiplier\n"
        "partners: list[str] = []  # partner countries\n"
        "note: str | None = None  # free note",
        [
            HEADLINE,
            VERDICTS,
            'from pathlib import Path\nPath("figures").mkdir(exist_ok=True)\n'
            'Path("figures/fixture.txt").write_text(f"{reporter} {start_year}")',
        ],
        title="Fixture <b>OK</b>",
    )


def secret_notebook(path: Path) -> Path:
    """A careless notebook that prints an API key from the environment, three ways."""
    return make_notebook(
        path,
        "repeat: int = 1  # how often to print",
        [
            'import os\nkey = os.environ.get("COMTRADE_API_KEY", "")\nprint(key * repeat)',
            "from IPython.display import HTML\nHTML(f'<p>{key}</p>')",
            "key",
        ],
        title="Careless with a key",
    )


def failing_notebook(path: Path) -> Path:
    return make_notebook(
        path,
        "threshold: int = 3  # a number",
        ["x = threshold * 2", "raise ValueError(f'fixture failure at {x}')", "print('never')"],
        title="Fails on purpose",
    )


def sleeping_notebook(path: Path, seconds: float) -> Path:
    return make_notebook(
        path,
        f"seconds: float = {seconds}  # how long to sleep",
        ["import time\ntime.sleep(seconds)"],
        title="Sleeps",
    )
