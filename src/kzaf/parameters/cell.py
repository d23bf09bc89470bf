"""Read a notebook's ``parameters`` cell: names, types, defaults and comments.

Every notebook has exactly one code cell tagged ``parameters`` (papermill's convention). Each
line in it is a typed, defaulted and commented assignment::

    start_year: int = 2016  # first calendar year shown

This module parses that cell without running it, so parameters can be listed
(``kzaf params``) and checked before anything executes.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import nbformat


class ParameterCellError(ValueError):
    """The parameters cell breaks the convention; the message says where and how."""


@dataclass(frozen=True)
class Parameter:
    name: str
    annotation: str  # as written, e.g. "list[str]" or "float | None"
    default: Any
    comment: str
    line: int  # line within the cell, 1-based


def read_notebook(path: Path | str) -> nbformat.NotebookNode:
    import nbformat  # imported here: it costs a second, and `kzaf run` must stay quick

    return nbformat.read(str(path), as_version=4)


def parameters_cells(notebook: Any) -> list[int]:
    """Indexes of the cells tagged ``parameters`` (a nbformat node or the notebook's JSON)."""
    return [
        i
        for i, cell in enumerate(notebook.get("cells", []))
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]


def parse_parameters_source(source: str, where: str = "parameters cell") -> list[Parameter]:
    """Parse the cell's code; raise :class:`ParameterCellError` naming the line at fault."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterCellError(
            f"{where}, line {exc.lineno}: not valid Python ({exc.msg})"
        ) from exc
    comments = _trailing_comments(source)
    parameters = []
    for statement in tree.body:
        line = statement.lineno
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            raise ParameterCellError(
                f"{where}, line {line}: every statement must be a typed assignment "
                "such as `start_year: int = 2016  # first year shown`"
            )
        name = statement.target.id
        if statement.value is None:
            raise ParameterCellError(f"{where}, line {line}: parameter {name!r} has no default")
        try:
            default = ast.literal_eval(statement.value)
        except ValueError as exc:
            raise ParameterCellError(
                f"{where}, line {line}: the default of {name!r} must be a literal "
                "(number, string, bool, None, list, dict)"
            ) from exc
        comment = comments.get(statement.end_lineno or line, "")
        if not comment:
            raise ParameterCellError(
                f"{where}, line {line}: parameter {name!r} needs a trailing comment saying "
                "what it is"
            )
        parameters.append(
            Parameter(name, _annotation_text(statement.annotation), default, comment, line)
        )
    return parameters


def notebook_parameters(path: Path | str) -> list[Parameter]:
    """The parameters of a notebook file, checked against the convention.

    Reads the file as plain JSON (nbformat 4 stores a cell's source as a string or a list of
    lines) so that checking parameters before a run needs no heavy import.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except json.JSONDecodeError as exc:
        raise ParameterCellError(f"{path}: not a notebook (invalid JSON: {exc})") from exc
    cells = parameters_cells(notebook)
    if len(cells) != 1:
        raise ParameterCellError(
            f"{path}: expected exactly one cell tagged 'parameters', found {len(cells)}"
        )
    source = notebook["cells"][cells[0]].get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return parse_parameters_source(source, where=f"{Path(path).name}, parameters cell")


def _trailing_comments(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    return comments


def _annotation_text(node: ast.expr) -> str:
    """The annotation as written; a quoted one (``"Optional[int]"``, which papermill's parser
    needs for anything beyond plain names and brackets) without its quotes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)
