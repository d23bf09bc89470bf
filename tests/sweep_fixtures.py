"""Tiny pair notebooks for the sweep and executor tests: obviously fixtures (made-up numbers
computed from the parameters), never fed to a finding."""

from __future__ import annotations

from pathlib import Path

import nbformat

PAIR_CODE = """\
# A made-up yearly series from the parameters: a fixture, not data.
from kzaf import report
base = float(len(reporter) * 100 + sum(map(ord, reporter)) % 97)
rows = [{"flow": "turnover", "year": y, "preferred_usd_m": base + 10 * (y - 2020)}
        for y in range(2020, 2024)]
import pandas as pd
report.headline(pd.DataFrame(rows), f"Fixture series {reporter}-{partner}")
report.key_points([f"Fixture pair {reporter} and {partner}."])
from pathlib import Path
Path("figures").mkdir(exist_ok=True)
Path("figures/where.txt").write_text(str(Path.cwd()))
"""


def pair_notebook(path: Path, title: str = "Fixture pair") -> Path:
    """Parameters reporter/partner with a rule (partner differs from reporter)."""
    parameters = nbformat.v4.new_code_cell(
        'reporter: str = "KAZ"  # reporting country (ISO3)\n'
        'partner: str = "AFG"  # partner country (ISO3)'
    )
    parameters.metadata["tags"] = ["parameters"]
    rules = nbformat.v4.new_code_cell('PARAMETER_RULES = {"partner": "partner != reporter"}')
    rules.metadata["tags"] = ["parameter-rules"]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {title}\n\nA fixture for the sweep tests."),
            parameters,
            rules,
            nbformat.v4.new_code_cell(PAIR_CODE),
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
