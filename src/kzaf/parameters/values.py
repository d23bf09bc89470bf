"""Parameter values for a run: where they come from, what they parse to, whether they fit.

Values come from three places, all checked against each notebook's ``parameters`` cell before
anything executes:

- ``-p NAME VALUE`` / ``-r NAME VALUE`` on the command line. ``-p`` parses VALUE as papermill
  does (``True``, ``False``, ``None``, integers, floats) and otherwise as YAML (``[KAZ, UZB]``,
  ``{a: 1}``), falling back to the plain string; of these readings the first that fits the
  declared type is used, so ``-p reporter 123`` gives ``"123"`` for a ``str`` parameter.
  ``-r`` always passes the raw string.
- ``-f params.yaml`` / ``-y 'YAML'`` and a run file's parameter sets: a YAML mapping.
- ``NOTEBOOK:NAME`` (command line) or a section named after a notebook (YAML) limits a value to
  one notebook; a notebook is named by its stem (``01_trade_trajectory``), file name or number
  (``01``). A value without a notebook goes to every notebook run that declares the name; a
  name that no notebook being run declares is an error.

Per-notebook values beat values for all notebooks; within each, later sources beat earlier ones
(run file set, then ``-f`` files in order, then ``-y``, then ``-p``/``-r`` in order).
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kzaf.parameters.cell import Parameter
from kzaf.parameters.rules import shown
from kzaf.parameters.types import NO, TypeSpec, coerce, parse_annotation


class ParameterError(ValueError):
    """Parameters that cannot be used; the message lists every problem and the valid names."""


# ---------------------------------------------------------------------------------------------
# Values as given


@dataclass(frozen=True)
class Given:
    """One value as the user gave it: typed (YAML) or text still to be read (command line)."""

    value: Any
    source: str  # "-p", "-r", "params.yaml", "run file set 'uzb'" ...
    text: bool = False  # value is command-line text, parsed against the declared type
    raw: bool = False  # -r: keep the text as it is


@dataclass
class Assignments:
    """Parameter values for all notebooks (``common``) and for single notebooks."""

    common: dict[str, Given] = field(default_factory=dict)
    per_notebook: dict[str, dict[str, Given]] = field(default_factory=dict)

    def update(self, other: Assignments) -> None:
        self.common.update(other.common)
        for key, values in other.per_notebook.items():
            self.per_notebook.setdefault(key, {}).update(values)


def from_cli(pairs: Iterable[Sequence[str]], *, raw: bool = False) -> Assignments:
    """``-p NAME VALUE`` or ``-p NOTEBOOK:NAME VALUE`` pairs."""
    out = Assignments()
    flag = "-r" if raw else "-p"
    for name, value in pairs:
        given = Given(value, flag, text=True, raw=raw)
        notebook, _, param = name.rpartition(":")
        if notebook:
            out.per_notebook.setdefault(notebook, {})[param] = given
        else:
            out.common[param] = given
    return out


def from_mapping(
    mapping: Any, source: str, is_notebook: Callable[[str], bool] | None = None
) -> Assignments:
    """A YAML mapping of names to values, with sections for single notebooks.

    A key is a notebook section when ``is_notebook(key)`` says it names a notebook, or when it
    cannot be a parameter name (``01_trade_trajectory``, ``01``) — then it must be a mapping.
    """
    if mapping is None:
        return Assignments()
    if not isinstance(mapping, dict):
        raise ParameterError(f"{source}: expected a mapping of parameter names to values")
    out = Assignments()
    for key, value in mapping.items():
        # An unquoted `01:` in YAML is the integer 1: read it as the notebook number "01".
        key = f"{key:02d}" if isinstance(key, int) and not isinstance(key, bool) else str(key)
        if (is_notebook and is_notebook(key)) or not key.isidentifier():
            if not isinstance(value, dict):
                raise ParameterError(
                    f"{source}: {key!r} is not a parameter name; a section for one notebook "
                    "must map parameter names to values"
                )
            section = out.per_notebook.setdefault(key, {})
            for name, item in value.items():
                section[str(name)] = Given(item, source)
        else:
            out.common[key] = Given(value, source)
    return out


def _papermill_reading(text: str) -> Any:
    """papermill's reading of a ``-p`` value."""
    if text in {"True", "False", "None"}:
        return {"True": True, "False": False, "None": None}[text]
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def read_value(given: Given, spec: TypeSpec) -> Any:
    """The value to pass, or ``NO`` if no reading of it fits the declared type."""
    if not given.text:
        return coerce(given.value, spec)
    text = given.value
    if given.raw:
        return coerce(text, spec)
    import yaml

    from kzaf import safe_yaml

    readings = [_papermill_reading(text)]
    with contextlib.suppress(yaml.YAMLError):
        readings.append(safe_yaml.load(text, given.source, inline=True))
    readings.append(text)
    for reading in readings:
        result = coerce(reading, spec)
        if result is not NO:
            return result
    return NO


# ---------------------------------------------------------------------------------------------
# Resolving values for each notebook


@dataclass(frozen=True)
class Resolved:
    overrides: dict[str, Any]  # what papermill injects
    effective: dict[str, Any]  # defaults with the overrides applied
    sources: dict[str, str]  # where each override came from


def matches(key: str, stem: str) -> bool:
    """Does a notebook reference (stem, file name or number) name this notebook?"""
    return key in {stem, stem + ".ipynb"} or (key.isdigit() and stem.startswith(key + "_"))


def resolve(
    notebooks: Mapping[str, list[Parameter]],
    assignments: Assignments,
    *,
    loose: Assignments | None = None,
    context: str = "",
    secret_values: Iterable[str] = (),
) -> tuple[dict[str, Resolved], list[str]]:
    """Values for each notebook (by stem) and the list of problems found (empty if none).

    ``loose`` values (command-line values given with a run file of several sets) apply where
    they fit and are not reported when a set lacks their notebook or name; the caller checks
    them against the whole run with :func:`unmatched`.
    """
    groups = (assignments, loose or Assignments())
    where = f" ({context})" if context else ""
    problems = [f"{p}{where}" for p in unmatched(notebooks, assignments)]
    secrets = {s for s in secret_values if s}
    resolved = {}
    for stem, params in notebooks.items():
        chosen = _chosen(stem, params, groups, where, problems)
        overrides, sources = {}, {}
        for parameter in params:  # in the order the notebook declares them
            if parameter.name in chosen:
                given = chosen[parameter.name]
                problem, value = _read(stem, parameter, given, secrets, where)
                if problem:
                    problems.append(problem)
                else:
                    overrides[parameter.name], sources[parameter.name] = value, given.source
        effective = {p.name: p.default for p in params} | overrides
        resolved[stem] = Resolved(overrides, effective, sources)
    return resolved, problems


def _chosen(
    stem: str,
    params: list[Parameter],
    groups: tuple[Assignments, ...],
    where: str,
    problems: list[str],
) -> dict[str, Given]:
    """The value given for each declared parameter: for all notebooks, then for this one (a
    name this notebook does not declare is a problem)."""
    declared = [p.name for p in params]
    chosen: dict[str, Given] = {}
    for group in groups:
        chosen.update({k: v for k, v in group.common.items() if k in declared})
    for group in groups:
        for key, values in group.per_notebook.items():
            for name, given in values.items() if matches(key, stem) else []:
                if name in declared:
                    chosen[name] = given
                else:
                    problems.append(
                        f"{stem}: unknown parameter {name!r} (from {given.source}){where}"
                        + _suggest(name, declared)
                    )
    return chosen


def _read(
    stem: str, parameter: Parameter, given: Given, secrets: set[str], where: str
) -> tuple[str, Any]:
    """The value as the declared type reads it, or the problem with it."""
    name = parameter.name
    try:
        spec = parse_annotation(parameter.annotation)
    except ValueError as exc:
        return f"{stem}: parameter {name!r}: {exc}", None
    value = read_value(given, spec)
    if value is NO:
        return (
            f"{stem}: parameter {name!r} must be {parameter.annotation}, got "
            f"{shown(given.value)} (from {given.source}){where}"
        ), None
    if _holds_secret(value, secrets):
        return (
            f"{stem}: parameter {name!r} (from {given.source}) holds the value of a secret "
            "environment variable; secrets are read from the environment by the code that "
            "needs them, never passed as parameters"
        ), None
    return "", value


def unmatched(notebooks: Mapping[str, list[Parameter]], assignments: Assignments) -> list[str]:
    """Notebook references that name no notebook, names that no notebook declares."""
    problems = []
    for key in assignments.per_notebook:
        if not any(matches(key, stem) for stem in notebooks):
            problems.append(f"no notebook {key!r} among those being run ({', '.join(notebooks)})")
    for name, given in assignments.common.items():
        if not any(name in {p.name for p in params} for params in notebooks.values()):
            problems.append(
                f"unknown parameter {name!r} (from {given.source}): no notebook being run "
                f"declares it{_suggest(name, _all_names(notebooks))}"
            )
    return problems


def _holds_secret(value: Any, secrets: set[str]) -> bool:
    if isinstance(value, str):
        return any(secret in value for secret in secrets)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # papermill writes the number into the output notebook as text: a number spelling a
        # secret would be rewritten by redaction, so it is refused instead.
        return any(secret in text for text in {str(value), repr(value)} for secret in secrets)
    if isinstance(value, list):
        return any(_holds_secret(v, secrets) for v in value)
    if isinstance(value, dict):
        return any(_holds_secret(v, secrets) for v in [*value.keys(), *value.values()])
    return False


def _all_names(notebooks: Mapping[str, list[Parameter]]) -> list[str]:
    return sorted({p.name for params in notebooks.values() for p in params})


def _suggest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
