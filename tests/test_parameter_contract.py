"""One parameter contract for every tool: papermill's own parser (what `papermill
--help-notebook`, Airflow and plain papermill users see) lists exactly the parameters and
defaults that `kzaf params` lists; every notebook names the same kernel."""

import ast
import json
from pathlib import Path

import papermill
import pytest

from kzaf.parameters.cell import notebook_parameters
from kzaf.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_papermill_sees_the_same_parameters_and_defaults_as_kzaf(path: Path):
    ours = {p.name: p for p in notebook_parameters(path)}
    theirs = papermill.inspect_notebook(str(path))
    assert list(theirs) == list(ours)
    for name, parameter in ours.items():
        assert ast.literal_eval(theirs[name]["default"]) == parameter.default, name
        assert theirs[name]["inferred_type_name"] == parameter.annotation, name
        assert theirs[name]["help"] == parameter.comment, name


def test_every_notebook_names_the_same_kernel():
    specs = {
        json.dumps(json.loads(p.read_text(encoding="utf-8"))["metadata"]["kernelspec"])
        for p in NOTEBOOKS
    }
    assert len(specs) == 1, specs
