"""Convention test: every notebook opens with a title, has one documented parameters cell,
and is narration plus short calls into kzaf.

It walks notebooks/, so it guards every notebook added later. The checkers themselves are
tested on hand-made notebooks, so these tests can fail.
"""

import ast
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


MAX_CELL_LINES = 30
# After the setup cell a notebook only displays: each statement is one call of these, or of a
# function of a module imported from kzaf.report or kzaf.plots, with no call in its arguments.
DISPLAY_CALLS = {"print", "display"}
DISPLAY_MODULES = ("kzaf.report", "kzaf.plots")


def _code_cells(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code"]


def _setup_index(cells: list) -> int:
    """The setup cell: the first code cell after the parameter-rules (or parameters) cell."""
    tagged = [
        i
        for i, c in enumerate(cells)
        if {"parameters", "parameter-rules"} & set(c.metadata.get("tags", []))
    ]
    return (tagged[-1] + 1) if tagged else 0


def _display_names(tree: ast.AST) -> set[str]:
    """Names bound by imports of kzaf.report or kzaf.plots modules (report, charts, save...)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if any(full.startswith(m) for m in DISPLAY_MODULES):
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(alias.name.startswith(m) for m in DISPLAY_MODULES) and alias.asname:
                    names.add(alias.asname)
    return names


def _displays_only(statement: ast.stmt, shown_by: set[str]) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    function = call.func
    known = (isinstance(function, ast.Name) and function.id in DISPLAY_CALLS | shown_by) or (
        isinstance(function, ast.Attribute)
        and isinstance(function.value, ast.Name)
        and function.value.id in shown_by
    )
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return known and not any(isinstance(n, ast.Call) for a in arguments for n in ast.walk(a))


def code_problems(path: Path) -> list[str]:
    """What keeps a notebook from being narration plus short calls: long cells, functions or
    classes defined in it, and anything but display after its setup cell."""
    notebook = nbformat.read(str(path), as_version=4)
    cells = _code_cells(notebook)
    setup = _setup_index(cells)
    shown_by = _display_names(ast.parse(cells[setup].source)) if setup < len(cells) else set()
    problems = []
    for number, cell in enumerate(cells, start=1):
        lines = len(cell.source.splitlines())
        # The parameters and their rules are declarations, one line each (the parameter
        # contract's cells); every other cell is held to the limit.
        declared = {"parameters", "parameter-rules"} & set(cell.metadata.get("tags", []))
        if lines > MAX_CELL_LINES and not declared:
            problems.append(f"code cell {number}: {lines} lines (at most {MAX_CELL_LINES})")
        tree = ast.parse(cell.source)
        defined = [
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        if defined:
            problems.append(f"code cell {number}: defines {', '.join(defined)} (move to kzaf)")
        if number - 1 > setup:
            for statement in tree.body:
                if not _displays_only(statement, shown_by):
                    problems.append(
                        f"code cell {number}, line {statement.lineno}: computes after the setup "
                        "cell (only one display call per statement, no call in its arguments)"
                    )
    return [f"{path.name}: {p}" for p in problems]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_conventions(path):
    check_notebook(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_narration_plus_short_calls(path):
    assert code_problems(path) == []


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


def _setup_notebook(tmp_path, *later):
    """A notebook with parameters, a setup cell that imports report and a chart module, and
    the ``later`` code cells after it."""
    return _notebook(
        tmp_path,
        [
            nbformat.v4.new_markdown_cell("# Title"),
            _params("year: int = 2020  # a year"),
            nbformat.v4.new_code_cell(
                "from kzaf import report\nfrom kzaf.plots import trajectory as charts\n"
                "run = build(year)"
            ),
            *(nbformat.v4.new_code_cell(source) for source in later),
        ],
    )


def test_code_checker_accepts_display_calls_after_setup(tmp_path):
    path = _setup_notebook(
        tmp_path,
        "# NBVAL_CHECK_OUTPUT\nreport.headline(run.headline, title=run.title)",
        'report.show(*run.sections["balance"])\ncharts.save_balance(run)\nprint(run.line)',
    )
    assert code_problems(path) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("table = run.figures[run.figures.year > 2020]", "code cell 3, line 1: computes"),
        ("if len(run.balance):\n    report.show(run.balance)", "code cell 3, line 1: computes"),
        ("report.show(run.changes.round(3))", "no call in its arguments"),
        ("tr.trade_balance(run.figures)", "code cell 3, line 1: computes"),
        ("def helper():\n    return 1", "defines helper"),
        ("\n".join(["report.show(run.x)"] * 31), "31 lines (at most 30)"),
    ],
)
def test_code_checker_rejects_computation_after_setup(tmp_path, source, problem):
    [found, *_] = code_problems(_setup_notebook(tmp_path, source))
    assert problem in found
