"""What ``kzaf params`` prints, and what a parameter error lists under its problems: each
parameter's name, type, default and comment, then the notebook's rules and the helpers they
call, in words."""

from __future__ import annotations

from collections.abc import Mapping

from kzaf.parameters.cell import Parameter
from kzaf.parameters.rules import HELPERS, helpers_used

RULES_HEADING = "rules (checked by `kzaf run` before any kernel starts, and by the notebook):"


def describe(stem: str, params: list[Parameter], rules: Mapping[str, str] | None = None) -> str:
    """The table of parameters, then the rules."""
    rows = [("name", "type", "default", "comment")]
    rows += [(p.name, p.annotation, repr(p.default), p.comment) for p in params]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{stem} parameters:"] if stem else []
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        lines.append("  " + "  ".join([*cells, row[3]]).rstrip())
    if not params:
        lines.append("  (none)")
    if rules:
        lines += ["", *describe_rules(rules)]
    return "\n".join(lines)


def describe_rules(rules: Mapping[str, str]) -> list[str]:
    """The rules, one a line, and what each helper they call accepts."""
    helpers = [f"{name}(…)" for name in helpers_used(rules)]
    width = max(len(text) for text in [*rules, *helpers]) + 2
    lines = [RULES_HEADING]
    lines += [f"  {name:<{width}}{rule}" for name, rule in rules.items()]
    lines.append("where")
    lines += [
        f"  {text:<{width}}{HELPERS[name].meaning}"
        for name, text in zip(helpers_used(rules), helpers, strict=True)
    ]
    lines.append(f"  {'numbers':<{width}}finite: inf or nan breaks any rule")
    return lines
