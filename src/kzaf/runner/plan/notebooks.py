"""The collection's notebooks: found by name or number, read with their parameters and rules.

Everything here reads small files (notebook JSON) with light imports, so a run whose inputs
have not changed decides that in well under a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzaf.parameters.cell import Parameter, ParameterCellError, notebook_parameters
from kzaf.parameters.rules import ParameterRuleError, rules_of
from kzaf.parameters.values import matches
from kzaf.runner.errors import PlanError

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class Notebook:
    path: Path
    stem: str
    title: str
    parameters: list[Parameter]
    source_sha256: str  # of the cells' types, sources and tags (not outputs) and the kernel
    rules: dict[str, str] = field(default_factory=dict)  # kzaf.parameters.rules, by parameter


def discover(directory: Path) -> list[Path]:
    """The collection's notebooks (``NN_name.ipynb``) in reading order."""
    return sorted(p.resolve() for p in directory.glob(NOTEBOOK_GLOB))


def select(names: Sequence[str], directory: Path) -> list[Path]:
    """Notebooks named on the command line: a path, or a stem / file name / number in
    ``directory``. No names: every notebook in ``directory``."""
    available = discover(directory)
    if not names:
        if not available:
            raise PlanError(f"no notebooks (NN_name.ipynb) in {directory}")
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path.resolve())
            continue
        found = [p for p in available if matches(name, p.stem)]
        if len(found) != 1:
            listing = ", ".join(p.stem for p in available) or "none"
            raise PlanError(
                f"no notebook {name!r} in {directory} (available: {listing})"
                if not found
                else f"{name!r} names several notebooks: {', '.join(p.stem for p in found)}"
            )
        chosen.append(found[0])
    stems = [p.stem for p in chosen]
    if len(set(stems)) != len(stems):
        raise PlanError(f"notebooks given twice or sharing a name: {', '.join(stems)}")
    return chosen


def read_notebook(path: Path) -> Notebook:
    try:
        with path.open(encoding="utf-8") as handle:
            content = json.load(handle)
        parameters = notebook_parameters(path)
        cells = content.get("cells", [])
        rules = rules_of(cells)
    except FileNotFoundError as exc:
        raise PlanError(f"{path}: notebook not found") from exc
    except (json.JSONDecodeError, ParameterCellError, ParameterRuleError, SyntaxError) as exc:
        raise PlanError(f"{path}: {exc}") from exc
    shape = [
        (c.get("cell_type"), _text(c.get("source", "")), c.get("metadata", {}).get("tags", []))
        for c in cells
    ]
    kernel = content.get("metadata", {}).get("kernelspec", {}).get("name")
    digest = hashlib.sha256(json.dumps([kernel, shape]).encode()).hexdigest()
    return Notebook(path, path.stem, _title(cells, path.stem), parameters, digest, rules)


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _title(cells: list[dict[str, Any]], fallback: str) -> str:
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _text(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return fallback
