"""Each notebook's rules for its parameter values: ranges and relations, declared once.

The rules live in a code cell tagged ``parameter-rules`` right after the ``parameters`` cell
(papermill injects its values between the two, so the cell sees the values in force)::

    PARAMETER_RULES = {
        "alpha": "0 < alpha < 1",
        "start_year": "start_year <= end_year",
        "reporter": "country(reporter)",
    }
    check(PARAMETER_RULES, globals())

Each rule is a Python expression over the notebook's parameters and a few helpers
(:data:`HELPERS`). The same text is printed by ``kzaf params``, checked by ``kzaf run`` (and
``--dry-run``) before any kernel starts, and checked by the notebook itself under plain
papermill or JupyterLab. The rules are the project's own committed code; the values they see
are data, never evaluated as code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from kzaf import table_text

RULES_TAG = "parameter-rules"
RULES_NAME = "PARAMETER_RULES"


class ParameterRuleError(ValueError):
    """Parameter values break their notebook's rules; the message lists each one."""


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


@cache
def _countries(data_dir: str) -> frozenset[str]:
    names: set[str] = set()
    for row in table_text.records(Path(data_dir) / "countries.csv"):  # as kzaf.data reads it
        names.update(
            _fold(v) for v in [row["iso3"], row["name"], *row.get("alternates", "").split("|")] if v
        )
    return frozenset(names)


def _data_dir() -> str:
    from kzaf.paths import data_dir

    return str(data_dir())


def country(value: Any) -> bool:
    """A country the data know, by ISO3 code or name."""
    return isinstance(value, str) and _fold(value) in _countries(_data_dir())


# The names of kzaf.series.POLICIES, here so that checking a run's parameters does not import
# pandas (a test keeps the two lists equal).
POLICY_NAMES = ("official_first", "latest_first", "media_first")


def policy(value: Any) -> bool:
    """A source policy that exists: a name in kzaf.series.POLICIES, or a dict of its fields."""
    return isinstance(value, dict) or value in POLICY_NAMES


def month(value: Any) -> bool:
    """A month written YYYY-MM."""
    pattern = r"(19|20)\d\d-(0[1-9]|1[0-2])"
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


HELPERS = {
    "country": country,
    "policy": policy,
    "month": month,
    "all": all,
    "any": any,
    "len": len,
    "set": set,
    "isinstance": isinstance,
}


def rules_of(cells: list[Mapping[str, Any]]) -> dict[str, str]:
    """The ``PARAMETER_RULES`` literal of the notebook's rules cell ({} if it has none)."""
    for cell in cells:
        if RULES_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == RULES_NAME for t in node.targets
            ):
                rules = ast.literal_eval(node.value)
                if not isinstance(rules, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in rules.items()
                ):
                    raise ParameterRuleError(f"{RULES_NAME} must map parameter names to rule text")
                return rules
    return {}


def broken(rules: Mapping[str, str], values: Mapping[str, Any]) -> list[str]:
    """Each rule the values break, as "name = value: breaks rule" (empty when all hold)."""
    problems = []
    namespace = {"__builtins__": {}, **HELPERS, **dict(values)}
    for name, rule in rules.items():
        try:
            holds = bool(eval(rule, namespace))  # the project's own rule text, values as data
        except Exception as exc:  # a value of the wrong shape breaks the rule too
            holds, rule = False, f"{rule} ({type(exc).__name__}: {exc})"
        if not holds:
            problems.append(f"{name} = {values.get(name)!r} breaks the rule `{rule}`")
    return problems


def check(rules: Mapping[str, str], values: Mapping[str, Any]) -> None:
    """In the notebook: stop with every broken rule named, before any work is done."""
    problems = broken(rules, values)
    if problems:
        raise ParameterRuleError("parameter values break their rules:\n  " + "\n  ".join(problems))
