"""The trajectory notebook's second parameter set names only real parameters, with their types."""

from kzaf import safe_yaml
from kzaf.parameters.cell import notebook_parameters
from kzaf.paths import NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "01_trade_trajectory.ipynb"
ALT = NOTEBOOKS_DIR / "params" / "01_trade_trajectory.alt.yaml"


def test_alt_parameters_match_the_parameters_cell():
    declared = {p.name: p for p in notebook_parameters(NOTEBOOK)}
    alt = safe_yaml.load_file(ALT)  # as kzaf run reads parameter files
    assert set(alt) <= set(declared), sorted(set(alt) - set(declared))
    for name, value in alt.items():
        assert isinstance(value, type(declared[name].default)), (name, value)
    assert alt["reporter"] != declared["reporter"].default  # a genuinely different run
