"""The types a ``parameters`` cell may declare, and values read as those types.

A parameter's annotation (``int``, ``list[str]``, ``"Optional[float]"``...) is parsed into a
:class:`TypeSpec`; :func:`coerce` gives a value as that type wants it (an int where a float is
declared becomes a float) or :data:`NO` when it does not fit. Only JSON-like values pass: what
papermill can write into a notebook.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

SUPPORTED_TYPES = (
    "int, float, str, bool, None, list, dict, list[T], dict[K, V], X | Y, Optional[X], "
    "Union[X, Y], Literal[...], Any"
)


# ---------------------------------------------------------------------------------------------
# Types written in a parameters cell


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # any, none, bool, int, float, str, list, dict, union, literal
    args: tuple[Any, ...] = ()


ANY = TypeSpec("any")
_SIMPLE = {
    "int": TypeSpec("int"),
    "float": TypeSpec("float"),
    "str": TypeSpec("str"),
    "bool": TypeSpec("bool"),
    "None": TypeSpec("none"),
    "NoneType": TypeSpec("none"),
    "list": TypeSpec("list", (ANY,)),
    "List": TypeSpec("list", (ANY,)),
    "dict": TypeSpec("dict", (ANY, ANY)),
    "Dict": TypeSpec("dict", (ANY, ANY)),
    "Any": ANY,
    "object": ANY,
}


def parse_annotation(text: str) -> TypeSpec:
    """The checkable form of a type annotation; ValueError if kzaf cannot check it."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
        return _spec(node)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(
            f"type {text!r} is not one kzaf can check (supported: {SUPPORTED_TYPES})"
        ) from exc


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"typing", "t"}
    ):
        return node.attr
    return None


def _spec(node: ast.expr) -> TypeSpec:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return TypeSpec("none")
        if isinstance(node.value, str):  # a quoted annotation
            return _spec(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_spec(node.left), _spec(node.right)])
    name = _name(node)
    if name is not None and name in _SIMPLE:
        return _SIMPLE[name]
    if isinstance(node, ast.Subscript):
        base = _name(node.value)
        items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in {"list", "List"} and len(items) == 1:
            return TypeSpec("list", (_spec(items[0]),))
        if base in {"dict", "Dict"} and len(items) == 2:
            return TypeSpec("dict", (_spec(items[0]), _spec(items[1])))
        if base == "Optional" and len(items) == 1:
            return _union([_spec(items[0]), TypeSpec("none")])
        if base == "Union":
            return _union([_spec(item) for item in items])
        if base == "Literal":
            return TypeSpec("literal", tuple(ast.literal_eval(item) for item in items))
    raise ValueError(ast.unparse(node))


def _union(specs: list[TypeSpec]) -> TypeSpec:
    flat: list[TypeSpec] = []
    for spec in specs:
        flat += list(spec.args) if spec.kind == "union" else [spec]
    return TypeSpec("union", tuple(flat))


NO = object()  # "no reading of the value fits the type"


def coerce(value: Any, spec: TypeSpec) -> Any:
    """``value`` as the type wants it (an int for a float becomes a float), or ``NO``."""
    container = _CONTAINERS.get(spec.kind)
    return container(value, spec) if container else _coerce_scalar(value, spec)


def _coerce_scalar(value: Any, spec: TypeSpec) -> Any:
    kind = spec.kind
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "any":
        return value if _plain(value) else NO
    if kind == "none":
        return value if value is None else NO
    if kind == "bool":
        return value if isinstance(value, bool) else NO
    if kind == "int":
        return value if number and isinstance(value, int) else NO
    if kind == "float":
        if not number:
            return NO
        try:
            return float(value)
        except OverflowError:  # an integer of hundreds of digits is, as a float, infinite
            return math.inf if value > 0 else -math.inf
    if kind == "str":
        return value if isinstance(value, str) else NO
    if kind == "literal":
        return value if any(type(value) is type(v) and value == v for v in spec.args) else NO
    raise AssertionError(kind)  # pragma: no cover


def _coerce_list(value: Any, spec: TypeSpec) -> Any:
    if not isinstance(value, list):
        return NO
    items = [coerce(item, spec.args[0]) for item in value]
    return NO if any(item is NO for item in items) else items


def _coerce_dict(value: Any, spec: TypeSpec) -> Any:
    if not isinstance(value, dict):
        return NO
    out = {}
    for key, item in value.items():
        key2, item2 = coerce(key, spec.args[0]), coerce(item, spec.args[1])
        if key2 is NO or item2 is NO or not isinstance(key2, str):
            return NO  # papermill writes dict keys as strings
        out[key2] = item2
    return out


def _coerce_union(value: Any, spec: TypeSpec) -> Any:
    for option in spec.args:
        result = coerce(value, option)
        if result is not NO:
            return result
    return NO


_CONTAINERS = {"list": _coerce_list, "dict": _coerce_dict, "union": _coerce_union}


def _plain(value: Any) -> bool:
    """JSON-like values only: what papermill can write into a notebook."""
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
