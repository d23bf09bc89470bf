"""What every page of the site shares: the templates' environment (autoescape on), the
stylesheet, a value as a table cell's text, and a quoted relative link."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

# Every page the site writes carries this policy (a <meta> first in its head). The pages run no
# script and load nothing from another host: their style is inline, their images are charts in
# the run folder or data: URIs. So a script or event handler that got past sanitizing would
# not run, and nothing could tell another host the page was opened. OWASP's CSP cheat sheet:
# start from default-src 'none' and allow only what the page needs; base-uri and form-action
# do not fall back to default-src, so they are closed explicitly.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


@cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kzaf.runner.site", "templates"),
        autoescape=True,  # every {{ value }} is escaped: the one rule for pages kzaf builds
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["content_security_policy"] = CONTENT_SECURITY_POLICY
    return env


# Text and charts of every page (code is MIT, see README): reuse with credit.
LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def site_css() -> Any:
    """The stylesheet every page of a run shares (inlined: a page opens offline, alone).

    Marked safe for the templates: it is the package's own file, and autoescaping it would
    turn the quotes of its font lists into ``&#34;``, which browsers drop with the rule (so
    no style would apply). ``</`` cannot occur in it, so it cannot close its element."""
    from markupsafe import Markup

    text = resources.files("kzaf.runner.site").joinpath("templates/site.css").read_text("utf-8")
    if "</" in text:
        raise ValueError("site.css must not contain '</' (it is inlined in a <style> element)")
    return Markup(text)


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
