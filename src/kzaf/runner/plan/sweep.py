"""Sweeps: a grid of parameter values expanded into parameter sets, one per combination.

``kzaf sweep --grid partner=AFG,PAK --grid reporter=KAZ,UZB 01`` (or a run file's ``grid:``)
gives four sets, named after their values (``partner-AFG_reporter-KAZ``, ...). Each set is an
ordinary parameter set: every value is checked against every notebook's parameters and rules
before anything runs, and a breaking set is named in the message.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kzaf.parameters.values import Assignments, Given
from kzaf.runner.errors import PlanError
from kzaf.runner.plan.sets import DEFAULT_SET, MAX_SET_NAME, ParameterSet

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
MAX_SETS = 10_000  # a grid this large is a typo, not a sweep


@dataclass(frozen=True)
class Axis:
    """One parameter and the values the sweep gives it (``NOTEBOOK:NAME`` for one notebook)."""

    name: str
    values: tuple[Given, ...]

    @property
    def parameter(self) -> str:
        return self.name.rpartition(":")[2]


def split_values(text: str) -> list[str]:
    """``a,b,[c,d]`` -> ``a``, ``b``, ``[c,d]``: commas inside brackets or braces belong to
    the value (a list or mapping given in YAML)."""
    values, depth, current = [], 0, ""
    for char in text:
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if char == "," and depth == 0:
            values.append(current.strip())
            current = ""
        else:
            current += char
    values.append(current.strip())
    return values


def parse_grid_option(text: str) -> Axis:
    """``--grid NAME=V1,V2`` (values read like ``-p`` values, against the declared type)."""
    name, sep, values = text.partition("=")
    name = name.strip()
    parameter = name.rpartition(":")[2]
    if not sep or not parameter.isidentifier():
        raise PlanError(f"--grid {text!r}: expected NAME=VALUE1,VALUE2 (or NOTEBOOK:NAME=...)")
    found = split_values(values)
    if any(v == "" for v in found):
        raise PlanError(f"--grid {text!r}: an empty value (two commas, or a trailing comma)")
    return Axis(name, tuple(Given(v, "--grid", text=True) for v in found))


def axes_from_mapping(mapping: Any, source: str) -> list[Axis]:
    """A run file's ``grid:``: parameter name (or ``NOTEBOOK:NAME``) -> list of values."""
    if not isinstance(mapping, dict) or not mapping:
        raise PlanError(f"{source}: 'grid' maps parameter names to lists of values")
    axes = []
    for key, values in mapping.items():
        name = str(key)
        if not name.rpartition(":")[2].isidentifier():
            raise PlanError(f"{source}: grid key {name!r} is not a parameter name")
        values = values if isinstance(values, list) else [values]
        if not values:
            raise PlanError(f"{source}: grid {name!r} has no values")
        axes.append(Axis(name, tuple(Given(v, f"{source} grid") for v in values)))
    return axes


def _slug(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return _UNSAFE.sub("-", text).strip("-.")[:40] or "x"


def set_name(axes: Sequence[Axis], point: Sequence[Given], prefix: str = "") -> str:
    parts = [
        f"{axis.parameter}-{_slug(given.value)}" for axis, given in zip(axes, point, strict=True)
    ]
    name = "_".join(parts)
    name = f"{prefix}.{name}" if prefix and prefix != DEFAULT_SET else name
    if len(name) <= MAX_SET_NAME:
        return name
    # Many axes: a name that still reads, cut short, made unique by a digest of the whole.
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_SET_NAME - 9].rstrip('_.-')}.{digest}"


def expand(axes: Sequence[Axis], base: Sequence[ParameterSet] | None = None) -> list[ParameterSet]:
    """Every combination of the axes' values (the first axis varies slowest), crossed with
    ``base`` sets (a run file's; default: one set with no values of its own). A grid value
    beats the base set's value for the same name."""
    base = list(base or [ParameterSet(DEFAULT_SET, None)])
    if not axes:
        return base
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise PlanError(f"a parameter is swept twice: {', '.join(names)}")
    total = len(base) * int(_product(len(a.values) for a in axes))
    if total > MAX_SETS:
        raise PlanError(f"the grid makes {total} parameter sets (more than {MAX_SETS})")
    sets, seen = [], set()
    for parameter_set in base:
        for point in itertools.product(*(a.values for a in axes)):
            name = set_name(axes, point, parameter_set.name)
            unique, n = name, 2
            while unique in seen:  # two values with the same slug (e.g. "a b" and "a-b")
                unique, n = f"{name}.{n}", n + 1
            seen.add(unique)
            values = Assignments()
            values.update(parameter_set.assignments)
            for axis, given in zip(axes, point, strict=True):
                notebook, _, parameter = axis.name.rpartition(":")
                if notebook:
                    values.per_notebook.setdefault(notebook, {})[parameter] = given
                else:
                    values.common[parameter] = given
            sets.append(ParameterSet(unique, parameter_set.notebooks, values))
    return sets


def _product(numbers: Any) -> int:
    total = 1
    for n in numbers:
        total *= n
    return total


def swept(sets: Sequence[ParameterSet]) -> dict[str, dict[str, Any]]:
    """Per set, the values it was given (for the comparison page's columns)."""
    out: dict[str, dict[str, Any]] = {}
    for s in sets:
        values = {k: g.value for k, g in s.assignments.common.items()}
        for notebook, section in s.assignments.per_notebook.items():
            values.update({f"{notebook}:{k}": g.value for k, g in section.items()})
        out[s.name] = values
    return out
