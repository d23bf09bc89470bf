"""Each notebook's rules for its parameter values: ranges and relations, declared once.

The rules live in a code cell tagged ``parameter-rules`` right after the ``parameters`` cell
(papermill injects its values between the two, so the cell sees the values in force)::

    PARAMETER_RULES = {
        "alpha": "0 < alpha < 1",
        "start_year": "1990 <= start_year <= end_year",
        "reporter": "country(reporter)",
    }
    check(PARAMETER_RULES, globals())

A rule is an expression in a small grammar, read by Python's parser and evaluated here (never
by ``eval``): parameter names; numbers, text, ``None``, ``True``, ``False`` and tuples, lists
or sets of them; comparisons (chained, ``in``, ``is``), ``and``, ``or``, ``not``, a minus
sign; calls of the helpers in :data:`HELPERS`; ``.keys()``, ``.values()`` and ``.items()``
of a dict parameter; and generators (``all(country(p) for p in peers)``). A called name is
always a helper and a bare name always a parameter, so no variable of the notebook can shadow
a helper (a notebook that sets ``policy = ...`` still runs a second time in JupyterLab), and
the check before a run (``kzaf run``, ``--dry-run``) and the notebook's own check read
exactly the same values. A number that is not finite (``inf``, ``nan``) breaks its
parameter's rule whatever the rule says.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kzaf import vocabulary as words

RULES_TAG = "parameter-rules"
RULES_NAME = "PARAMETER_RULES"
MAX_RULE_LENGTH = 500  # characters of one rule's text


class ParameterRuleError(ValueError):
    """Parameter values break their notebook's rules, or a rule is not one kzaf can read; the
    message names each parameter, value and rule."""


class _Broken(Exception):
    """A rule could not be evaluated for these values (so it does not hold)."""


# ---------------------------------------------------------------------------------------------
# Helpers a rule may call


def country(value: Any) -> bool:
    return words.country_code(value, words.country_spellings()) is not None


def same_country(a: Any, b: Any) -> bool:
    lookup = words.country_spellings()
    code = words.country_code(a, lookup)
    return code is not None and code == words.country_code(b, lookup)


def policy(value: Any) -> bool:
    if isinstance(value, str):
        return value in words.SOURCE_POLICIES
    if not isinstance(value, dict) or not set(value) <= set(words.POLICY_FIELDS):
        return False
    kinds, precisions = value.get("kind_order", []), value.get("precision_order", [])
    tolerance = value.get("about_tolerance", 0.0)
    return (
        value.get("base", words.SOURCE_POLICIES[0]) in words.SOURCE_POLICIES
        and isinstance(value.get("name", ""), str)
        and isinstance(kinds, list)
        and set(kinds) <= set(words.SOURCE_KINDS)
        and isinstance(precisions, list)
        and set(precisions) <= set(words.PRECISIONS)
        and all(isinstance(value.get(k, True), bool) for k in ("prefer_later", "avoid_suspect"))
        and isinstance(tolerance, int | float)
        and 0 <= tolerance <= 1
    )


def month(value: Any) -> bool:
    pattern = r"(19|20)\d\d-(0[1-9]|1[0-2])"
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and value in choices


def _or_list(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + f" or {choices[-1]}"


@dataclass(frozen=True)
class Helper:
    test: Callable[..., Any]
    meaning: str  # what `kzaf params` prints under the rules that use it


HELPERS: dict[str, Helper] = {
    "country": Helper(
        country,
        "a country of data/countries.csv, by ISO3 or M49 code, name or alternate "
        "(case, accents, spaces and punctuation ignored)",
    ),
    "same_country": Helper(same_country, "both name the same country"),
    "policy": Helper(
        policy,
        f"{_or_list(words.SOURCE_POLICIES)}, or a dict of a policy's fields "
        f"({', '.join(words.POLICY_FIELDS)})",
    ),
    "month": Helper(month, "a month written YYYY-MM (1900-01 to 2099-12)"),
    "flow": Helper(_one_of(words.FLOWS), _or_list(words.FLOWS)),
    "topic": Helper(_one_of(words.TOPICS), _or_list(words.TOPICS)),
    "data_source": Helper(_one_of(words.DATA_SOURCES), _or_list(words.DATA_SOURCES)),
    "normalisation": Helper(_one_of(words.NORMALISATIONS), _or_list(words.NORMALISATIONS)),
    "aggregation": Helper(_one_of(words.AGGREGATIONS), _or_list(words.AGGREGATIONS)),
    "baseline_anchor": Helper(_one_of(words.BASELINE_ANCHORS), _or_list(words.BASELINE_ANCHORS)),
    "risk": Helper(_one_of(words.RISKS), f"a risk's id, {words.RISKS[0]} to {words.RISKS[-1]}"),
    "dimension": Helper(_one_of(words.DIMENSIONS), _or_list(words.DIMENSIONS)),
    "all": Helper(all, ""),
    "any": Helper(any, ""),
    "len": Helper(len, ""),
    "set": Helper(set, ""),
}

_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_METHODS = ("keys", "values", "items")  # of a dict parameter, without arguments
_CONSTANTS = (int, float, str, bool, type(None))


# ---------------------------------------------------------------------------------------------
# Reading a rule


@dataclass(frozen=True)
class Rule:
    text: str
    tree: ast.expr
    names: frozenset[str]  # the parameters it reads
    helpers: frozenset[str]  # the helpers it calls


@lru_cache(maxsize=512)
def parse_rule(text: str) -> Rule:
    """The rule read by the grammar; :class:`ParameterRuleError` if it is not one."""
    if not isinstance(text, str) or len(text) > MAX_RULE_LENGTH:
        raise ParameterRuleError(f"a rule is text of at most {MAX_RULE_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ParameterRuleError(f"rule `{text}` is not an expression ({exc.msg})") from exc
    names: set[str] = set()
    helpers: set[str] = set()
    _read(tree, frozenset(), names, helpers, text)
    return Rule(text, tree, frozenset(names), frozenset(helpers))


def _read(
    node: ast.AST, bound: frozenset[str], names: set[str], helpers: set[str], text: str
) -> None:
    """Walk the rule, refusing anything outside the grammar; collect names and helpers."""
    if isinstance(node, ast.Name):
        if node.id not in bound:
            names.add(node.id)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        helpers.add(node.func.id)
    if isinstance(node, ast.GeneratorExp):
        scope = bound
        for loop in node.generators:
            _read(loop.iter, scope, names, helpers, text)
            scope = scope | _targets(loop.target, text)
            for condition in loop.ifs:
                _read(condition, scope, names, helpers, text)
        _read(node.elt, scope, names, helpers, text)
        return
    children = _children(node)
    if children is None:
        raise ParameterRuleError(
            f"rule `{text}`: `{ast.unparse(node)}` is not allowed in a rule (allowed: parameter "
            f"names, literals, comparisons, and/or/not, calls of {', '.join(HELPERS)}, "
            ".keys(), .values() and .items() of a dict, generators)"
        )
    for child in children:
        _read(child, bound, names, helpers, text)


def _children(node: ast.AST) -> list[ast.AST] | None:
    """The parts of an allowed node that hold expressions (None: the node is not allowed)."""
    if isinstance(node, ast.Constant):
        return [] if isinstance(node.value, _CONSTANTS) else None
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return list(node.elts)
    if isinstance(node, ast.UnaryOp):
        return [node.operand] if isinstance(node.op, ast.Not | ast.USub | ast.UAdd) else None
    if isinstance(node, ast.Compare):
        allowed = all(type(op) in _COMPARISONS for op in node.ops)
        return [node.left, *node.comparators] if allowed else None
    if isinstance(node, ast.Call) and not node.keywords:
        function = node.func
        if isinstance(function, ast.Name) and function.id in HELPERS:
            return list(node.args)
        if isinstance(function, ast.Attribute) and function.attr in _METHODS and not node.args:
            return [function.value]
    return None


def _targets(target: ast.expr, text: str) -> frozenset[str]:
    if isinstance(target, ast.Name):
        return frozenset({target.id})
    if isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts):
        return frozenset(t.id for t in target.elts if isinstance(t, ast.Name))
    raise ParameterRuleError(f"rule `{text}`: a generator loops over plain names")


# ---------------------------------------------------------------------------------------------
# Evaluating a rule


def holds(rule: Rule, values: Mapping[str, Any]) -> bool:
    """Does the rule hold for these values? (An error while evaluating it is :class:`_Broken`.)"""
    try:
        return bool(_evaluate(rule.tree, values))
    except _Broken:
        raise
    except Exception as exc:  # a value of the wrong shape (len of a number, str < int ...)
        raise _Broken(f"{type(exc).__name__}: {exc}") from exc


def _evaluate(node: ast.AST, scope: Mapping[str, Any]) -> Any:  # noqa: C901 (one branch per node)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in scope:
            raise _Broken(f"no parameter {node.id!r}")
        return scope[node.id]
    if isinstance(node, ast.BoolOp):
        result: Any = isinstance(node.op, ast.And)
        for child in node.values:
            result = _evaluate(child, scope)
            if bool(result) != isinstance(node.op, ast.And):
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, scope)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, scope)
            if not _COMPARISONS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = [_evaluate(child, scope) for child in node.elts]
        return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            mapping = _evaluate(node.func.value, scope)
            if not isinstance(mapping, dict):
                raise _Broken(f".{node.func.attr}() of {shown(mapping)}, not a mapping")
            return list(getattr(mapping, node.func.attr)())
        assert isinstance(node.func, ast.Name)
        args = [_evaluate(child, scope) for child in node.args]
        return HELPERS[node.func.id].test(*args)
    if isinstance(node, ast.GeneratorExp):
        return _generate(node, 0, scope)
    raise AssertionError(ast.dump(node))  # pragma: no cover (parse_rule refused it)


def _generate(node: ast.GeneratorExp, index: int, scope: Mapping[str, Any]) -> Iterator[Any]:
    if index == len(node.generators):
        yield _evaluate(node.elt, scope)
        return
    loop = node.generators[index]
    for item in _evaluate(loop.iter, scope):
        inner = {**scope, **_bind(loop.target, item)}
        if all(_evaluate(condition, inner) for condition in loop.ifs):
            yield from _generate(node, index + 1, inner)


def _bind(target: ast.expr, item: Any) -> dict[str, Any]:
    if isinstance(target, ast.Name):
        return {target.id: item}
    names = [t.id for t in target.elts if isinstance(t, ast.Name)]  # type: ignore[attr-defined]
    values = list(item)
    if len(values) != len(names):
        raise _Broken(f"cannot unpack {shown(item)} into {', '.join(names)}")
    return dict(zip(names, values, strict=True))


def finite(value: Any) -> bool:
    """No infinite or NaN float anywhere in the value (lists and dicts included)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(finite(v) for v in value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    return True


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: its repr, cut short when long (a number of hundreds of
    digits, a long list) so the message stays one readable line."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long for Python to print
        return f"an integer of about {int(value.bit_length() * math.log10(2))} digits"
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}…{text[-12:]} ({len(text)} characters)"


# ---------------------------------------------------------------------------------------------
# A notebook's rules


def rules_of(cells: list[Mapping[str, Any]]) -> dict[str, str]:
    """The ``PARAMETER_RULES`` literal of the notebook's rules cell ({} if it has none), each
    rule read by the grammar and naming only parameters the ``parameters`` cell declares."""
    for cell in cells:
        if RULES_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for node in ast.parse(_source(cell)).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == RULES_NAME for t in node.targets
            ):
                rules = ast.literal_eval(node.value)
                if not isinstance(rules, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in rules.items()
                ):
                    raise ParameterRuleError(f"{RULES_NAME} must map parameter names to rule text")
                _check_names(rules, _declared(cells))
                return rules
    return {}


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _declared(cells: list[Mapping[str, Any]]) -> set[str] | None:
    """The names the ``parameters`` cell assigns (None when there is no such cell)."""
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names: set[str] = set()
            for node in ast.parse(_source(cell)).body:
                targets: list[ast.expr] = [node.target] if isinstance(node, ast.AnnAssign) else []
                targets += node.targets if isinstance(node, ast.Assign) else []
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            return names
    return None


def _check_names(rules: Mapping[str, str], declared: set[str] | None) -> None:
    for name, text in rules.items():
        try:
            rule = parse_rule(text)
        except ParameterRuleError as exc:
            raise ParameterRuleError(f"{RULES_NAME}[{name!r}]: {exc}") from None
        unknown = sorted(({name} | rule.names) - declared) if declared is not None else []
        if unknown:
            raise ParameterRuleError(
                f"{RULES_NAME}[{name!r}]: {', '.join(map(repr, unknown))} is not a parameter "
                "of this notebook"
            )


def broken(rules: Mapping[str, str], values: Mapping[str, Any]) -> list[str]:
    """Each rule the values break, as "name = value breaks the rule `rule`" (empty when all
    hold). ``values`` may hold more than the parameters (a notebook's globals): a rule reads
    only the parameters it names."""
    problems = []
    for name, text in rules.items():
        why = _why_broken(parse_rule(text), name, values)
        if why is not None:
            because = f" ({why})" if why else ""
            problems.append(f"{name} = {shown(values.get(name))} breaks the rule `{text}`{because}")
    return problems


def _why_broken(rule: Rule, name: str, values: Mapping[str, Any]) -> str | None:
    """None if the rule holds; otherwise why not ("" when it simply evaluates false)."""
    if not finite(values.get(name)):
        return "not a finite number"
    try:
        return None if holds(rule, values) else ""
    except _Broken as exc:
        return str(exc)


def check(rules: Mapping[str, str], values: Mapping[str, Any]) -> None:
    """In the notebook: stop with every broken rule named, before any work is done."""
    problems = broken(rules, values)
    if problems:
        raise ParameterRuleError("parameter values break their rules:\n  " + "\n  ".join(problems))


def helpers_used(rules: Mapping[str, str]) -> list[str]:
    """The helpers the rules call that need a word of explanation, in HELPERS' order."""
    used = set().union(*(parse_rule(text).helpers for text in rules.values())) if rules else set()
    return [name for name, helper in HELPERS.items() if name in used and helper.meaning]
