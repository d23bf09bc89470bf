"""The import graph of src/kzaf follows the layers of README.md ("How it fits together").

Every module is placed in one layer; an import may point to its own layer or a lower one,
never up, and no group of modules or packages imports itself round a circle. The graph is read
from the source with ``ast``: imports inside functions count (a lazy import is still an
arrow), and so does ``importlib.import_module("kzaf.…")`` with a literal name, the way a
registry can hide a circle from ordinary import tools. Importing ``kzaf.a.b`` runs
``kzaf/a/__init__.py`` first, so it is an arrow to ``kzaf.a`` as well.

The checker is tested on hand-made graphs below, so this test can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SOURCE = Path(__file__).parents[1] / "src"

# Lowest first. A module belongs to the layer of its longest listed prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "kzaf",
            "kzaf.paths",
            "kzaf.checksums",
            "kzaf.frames",
            # Secrets and logging sit low: everything may use them, they use nothing above.
            "kzaf.redaction",
            "kzaf.logs",
            "kzaf.atomic",
            # Every YAML and every table's bytes from users, read with limits.
            "kzaf.safe_yaml",
            "kzaf.table_text",
            "kzaf.problems",
            # One list or rule per concept (standard library only).
            "kzaf.vocabulary",
            # Process set-up every kzaf process runs first (workers, CLI, pytest).
            "kzaf.startup",
        ),
    ),
    ("data", ("kzaf.data", "kzaf.provenance")),
    ("series", ("kzaf.series",)),
    # Outside sources beside kzaf.data (UN Comtrade: its yearly sums use kzaf.series) and the
    # one loader at the edge that reads them with the tables.
    ("sources", ("kzaf.comtrade", "kzaf.inputs")),
    ("text", ("kzaf.text",)),
    (
        "analyses",
        (
            "kzaf.trajectory",
            "kzaf.event",
            "kzaf.risk",
            "kzaf.claims",
            "kzaf.claim_checks",
            "kzaf.audit",
            "kzaf.applicability",
            # The estimator benchmark: simulates data and runs the analyses' estimators.
            "kzaf.methods",
        ),
    ),
    ("plots", ("kzaf.plots", "kzaf.report")),
    ("parameters", ("kzaf.parameters",)),
    # The runner's four wings, imports pointing one way: plan -> execute -> publish -> site.
    ("runner errors", ("kzaf.runner.errors",)),
    ("site", ("kzaf.runner.site",)),
    ("publish", ("kzaf.runner.publish",)),
    ("execute", ("kzaf.runner.execute",)),
    ("plan", ("kzaf.runner.plan",)),
    ("runner", ("kzaf.runner", "kzaf.cli", "kzaf.__main__")),
)
# Analyses and charts take tables; they never read data themselves (the notebook's setup
# loads them with kzaf.inputs or kzaf.data and hands them over).
LOADERS = ("kzaf.inputs", "kzaf.comtrade")
PURE_LAYERS = ("analyses", "plots")
# Arrows that other work in progress removes; each says whose and why it is allowed here.
ELSEWHERE: set[tuple[str, str]] = set()
CHECKED_FOR_CIRCLES = tuple(name for name, _ in LAYERS)


def module_files(source: Path = SOURCE) -> dict[str, Path]:
    found = {}
    for path in sorted((source / "kzaf").rglob("*.py")):
        parts = list(path.relative_to(source).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports_by_name(tree: ast.AST) -> bool:
    """Does the module import modules named by strings (importlib.import_module, __import__)?"""
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", ""))
        in ("import_module", "__import__")
        for node in ast.walk(tree)
    )


def _imported_names(module: str, path: Path, tree: ast.AST) -> Iterable[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    by_name = _imports_by_name(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        elif by_name and isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A module that imports by name may take the name from any string it holds (a
            # registry's table of modules): every string naming a kzaf module is an arrow.
            yield node.value


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    """module -> the kzaf modules it imports (with the packages that importing them runs)."""
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for name in _imported_names(module, path, ast.parse(path.read_text(encoding="utf-8"))):
            if name not in files:  # "from kzaf.x import function": the module is kzaf.x
                continue
            # Importing kzaf.a.b runs kzaf/a/__init__.py too, unless the importer is inside
            # kzaf.a (then that package is already being imported).
            parts = name.split(".")
            runs = (".".join(parts[:i]) for i in range(2, len(parts) + 1))
            targets.update(p for p in runs if not module.startswith(p + "."))
        graph[module] = targets - {module}
    return graph


def layer_of(module: str, layers=LAYERS) -> str | None:
    best, length = None, -1
    for name, prefixes in layers:
        for prefix in prefixes:
            inside = module.startswith(prefix + ".") and prefix != "kzaf"  # the root: itself
            if (module == prefix or inside) and len(prefix) > length:
                best, length = name, len(prefix)
    return best


def unplaced(graph: Mapping[str, set[str]], layers=LAYERS) -> list[str]:
    return sorted(m for m in graph if layer_of(m, layers) is None)


def upward_arrows(graph: Mapping[str, set[str]], layers=LAYERS, allowed=ELSEWHERE) -> list[str]:
    rank = {name: i for i, (name, _) in enumerate(layers)}
    found = []
    for module, targets in sorted(graph.items()):
        here = layer_of(module, layers)
        for target in sorted(targets):
            there = layer_of(target, layers)
            if (
                here
                and there
                and rank[there] > rank[here]
                and not _allowed(module, target, allowed)
            ):
                found.append(f"{module} ({here}) -> {target} ({there})")
    return found


def _allowed(module: str, target: str, allowed) -> bool:
    """An allowed arrow, or the arrow to a package that importing its allowed module runs."""
    return any(m == module and (t == target or t.startswith(target + ".")) for m, t in allowed)


def loading_arrows(graph: Mapping[str, set[str]], layers=LAYERS) -> list[str]:
    return [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        if layer_of(module, layers) in PURE_LAYERS
        for target in sorted(targets)
        if any(target == p or target.startswith(p + ".") for p in LOADERS)
    ]


def unit_of(module: str) -> str:
    """The package a module belongs to (kzaf.event.build -> kzaf.event), or the module."""
    return ".".join(module.split(".")[:2])


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Groups of nodes that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the ~150 modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between packages: an arrow between two modules of different packages
    is an arrow between the packages (a package's own modules may import each other)."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(unit_of(module), set()).update(
            unit_of(t) for t in targets if unit_of(t) != unit_of(module)
        )
    return packages


def _checked(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    keep = {m for m in graph if layer_of(m) in CHECKED_FOR_CIRCLES}
    return {m: {t for t in targets if t in keep} for m, targets in graph.items() if m in keep}


@pytest.fixture(scope="module")
def graph():
    return import_graph(module_files())


def test_every_module_has_a_layer(graph):
    assert unplaced(graph) == [], "place these modules in LAYERS (README: How it fits together)"


def test_no_import_points_up_the_layers(graph):
    assert upward_arrows(graph) == []


def test_analyses_and_charts_never_load_data(graph):
    assert loading_arrows(graph) == []


def test_no_circle_between_modules(graph):
    assert circles(_checked(graph)) == []


def test_no_circle_between_packages(graph):
    assert circles(package_graph(_checked(graph))) == []


# ---------------------------------------------------------------------------------------------
# The checker on hand-made packages, so each rule above is seen to fail.


def _package(tmp_path: Path, files: Mapping[str, str]) -> dict[str, set[str]]:
    for name, text in {"kzaf/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(module_files(tmp_path))


def test_checker_sees_an_upward_arrow_even_inside_a_function(tmp_path):
    graph = _package(
        tmp_path,
        {
            "kzaf/series.py": "def f():\n    from kzaf.text import numbers\n",
            "kzaf/text/__init__.py": "",
            "kzaf/text/numbers.py": "",
        },
    )
    assert upward_arrows(graph) == [
        "kzaf.series (series) -> kzaf.text (text)",
        "kzaf.series (series) -> kzaf.text.numbers (text)",
    ]


def test_checker_sees_a_circle_hidden_behind_importlib(tmp_path):
    graph = _package(
        tmp_path,
        {
            "kzaf/claims.py": "import importlib\nimportlib.import_module('kzaf.claim_checks.a')\n",
            "kzaf/claim_checks/__init__.py": "",
            "kzaf/claim_checks/a.py": "from kzaf.event.x import y\n",
            "kzaf/event/__init__.py": "from kzaf.event.build import build\n",
            "kzaf/event/x.py": "y = 1\n",
            "kzaf/event/build.py": "from kzaf import claims\n",
        },
    )
    assert upward_arrows(graph) == []
    [group] = circles(graph)
    assert {"kzaf.claims", "kzaf.event", "kzaf.event.build"} <= set(group)
    assert circles(package_graph(graph)) == [["kzaf.claim_checks", "kzaf.claims", "kzaf.event"]]


def test_checker_sees_a_circle_between_packages_only(tmp_path):
    # No module imports itself round a circle, but the packages do.
    graph = _package(
        tmp_path,
        {
            "kzaf/event/__init__.py": "",
            "kzaf/event/a.py": "from kzaf.risk import b\n",
            "kzaf/event/c.py": "",
            "kzaf/risk/__init__.py": "",
            "kzaf/risk/b.py": "",
            "kzaf/risk/d.py": "from kzaf.event import c\n",
        },
    )
    assert circles(graph) == []
    assert circles(package_graph(graph)) == [["kzaf.event", "kzaf.risk"]]


def test_checker_sees_an_analysis_that_loads_data_and_an_unplaced_module(tmp_path):
    graph = _package(
        tmp_path,
        {
            "kzaf/trajectory/__init__.py": "",
            "kzaf/trajectory/figures.py": "def f():\n    from kzaf.comtrade import load\n",
            "kzaf/comtrade/__init__.py": "load = None\n",
            "kzaf/novel.py": "",
        },
    )
    assert loading_arrows(graph) == ["kzaf.trajectory.figures -> kzaf.comtrade"]
    assert unplaced(graph) == ["kzaf.novel"]
