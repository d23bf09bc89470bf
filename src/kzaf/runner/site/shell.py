"""What every page of the site shares: the templates' environment (autoescape on), the
stylesheet, a value as a table cell's text, and a quoted relative link."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote


@cache
def environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("kzaf.runner.site", "templates"),
        autoescape=True,  # every {{ value }} is escaped: the one rule for pages kzaf builds
        trim_blocks=True,
        lstrip_blocks=True,
    )


def site_css() -> str:
    """The stylesheet every page of a run shares (inlined: a page opens offline, alone)."""
    return resources.files("kzaf.runner.site").joinpath("templates/site.css").read_text("utf-8")


def plain(value: Any) -> str:
    """A value as text for a table cell: "–" for missing, numbers without float noise."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.10g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def href(path: str) -> str:
    """A relative link with its path quoted (escaping for the attribute is the template's)."""
    target, _, fragment = path.partition("#")
    return quote(target) + (f"#{quote(fragment)}" if fragment else "")
