"""Tiny pair notebooks for the sweep and executor tests: obviously fixtures (made-up numbers
computed from the parameters), never fed to a finding."""

from __future__ import annotations

from pathlib import Path

from notebook_factory import make_notebook

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
    return make_notebook(
        path,
        'reporter: str = "KAZ"  # reporting country (ISO3)\n'
        'partner: str = "AFG"  # partner country (ISO3)',
        [PAIR_CODE],
        title,
        rules='PARAMETER_RULES = {"partner": "partner != reporter"}',
    )
