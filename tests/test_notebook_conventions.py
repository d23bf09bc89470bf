"""Convention test: every notebook opens with a title, has one documented parameters cell.

It walks notebooks/, so it guards every notebook added later. The checker itself is tested on
hand-made notebooks, so this test can fail.
"""

from pathlib import Path

import nbformat
import pytest

from kzaf.parameters.cell import ParameterCellError, notebook_parameters, parse_parameters_source
from kzaf.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def check_notebook(path: Path) -> None:
    notebook = nbformat.read(str(path), as_version=4)
    first = notebook.cells[0] if notebook.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        raise AssertionError(f"{path.name}: the first cell must be a markdown '# Title' cell")
    parameters = notebook_parameters(path)  # raises on a missing or malformed cell
    if not parameters:
        raise AssertionError(f"{path.name}: the parameters cell defines no parameter")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_conventions(path):
    check_notebook(path)


def test_notebook_names_give_reading_order():
    names = [p.name for p in NOTEBOOKS]
    assert all(n[:2].isdigit() and n[2] == "_" for n in names), names
    assert len({n[:2] for n in names}) == len(names), "two notebooks share a number"


def _notebook(tmp_path, cells):
    notebook = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, str(path))
    return path


def _params(source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return cell


def test_checker_accepts_a_good_notebook(tmp_path):
    path = _notebook(
        tmp_path,
        [
            nbformat.v4.new_markdown_cell("# Title\n\nQuestion and answer."),
            _params(
                'start_year: int = 2016  # first year shown\nflows: list[str] = ["export"]  # flows'
            ),
        ],
    )
    check_notebook(path)
    names = [p.name for p in notebook_parameters(path)]
    assert names == ["start_year", "flows"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([nbformat.v4.new_code_cell("x = 1")], "first cell must be a markdown"),
        ([nbformat.v4.new_markdown_cell("# T")], "exactly one cell tagged 'parameters', found 0"),
        (
            [
                nbformat.v4.new_markdown_cell("# T"),
                _params("a: int = 1  # a"),
                _params("b: int = 2  # b"),
            ],
            "found 2",
        ),
    ],
)
def test_checker_rejects_bad_notebooks(tmp_path, cells, message):
    path = _notebook(tmp_path, cells)
    with pytest.raises((AssertionError, ParameterCellError), match=message):
        check_notebook(path)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("start_year = 2016  # no type", "line 1: every statement must be a typed assignment"),
        ("start_year: int  # no default", "line 1: parameter 'start_year' has no default"),
        ("start_year: int = 2016", "line 1: parameter 'start_year' needs a trailing comment"),
        ("a: int = 1  # ok\nb: float = 2.0", "line 2: parameter 'b' needs a trailing comment"),
        ("seed: int = compute()  # x", "must be a literal"),
    ],
)
def test_parameter_rules(source, message):
    with pytest.raises(ParameterCellError, match=message):
        parse_parameters_source(source)
