"""Each analysis's build(tables, parameters, checks) reads exactly its notebook's parameters.

The notebooks hand their parameters to build() as one mapping keyed by the parameters cell's
names; a name build() reads that the cell does not declare (or one the cell declares that
build() ignores) would fail only when that notebook runs, so it is checked here.
"""

import pytest

from kzaf import audit, methods
from kzaf import event as ev
from kzaf import risk as rk
from kzaf import trajectory as tr
from kzaf.parameters.cell import notebook_parameters
from kzaf.paths import NOTEBOOKS_DIR

BUILDS = {
    "00_data_audit": audit,
    "01_trade_trajectory": tr,
    "02_locomotive_effect": ev,
    "03_risk_assessment": rk,
    "04_methods": methods,
}


@pytest.mark.parametrize(("stem", "module"), BUILDS.items(), ids=list(BUILDS))
def test_build_reads_the_notebooks_parameters(stem, module):
    declared = {p.name for p in notebook_parameters(NOTEBOOKS_DIR / f"{stem}.ipynb")}
    assert set(module.PARAMETERS) == declared


def test_every_notebook_has_a_build():
    assert sorted(BUILDS) == sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
