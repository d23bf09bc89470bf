"""The run's ``sitemap.xml``: every page it publishes, dated by the run.

The sitemap protocol wants absolute addresses, which only whoever publishes the folder knows:
``$KZAF_SITE_URL`` (the address the run folder is served from, e.g.
``https://example.org/kzaf/latest/``) is put before each page when set; without it each
``<loc>`` is the page's path relative to the sitemap, to be completed when published. Nothing
here reaches another host.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from kzaf.runner.site.shell import href

SITE_URL_ENV = "KZAF_SITE_URL"
PAGE_KEYS = ("reader", "analyst")  # the outputs of a notebook that are pages


def pages(manifest: Mapping[str, Any], extra: Sequence[str] = ()) -> list[str]:
    """The run's pages, relative to its folder: the index, any comparison pages, then each
    notebook's reader and analyst page."""
    found = ["index.html", *extra]
    for entry in manifest.get("notebooks", []):
        outputs = entry.get("outputs") or {}
        found += [outputs[k] for k in PAGE_KEYS if isinstance(outputs.get(k), str)]
    return list(dict.fromkeys(found))


def render(manifest: Mapping[str, Any], extra: Sequence[str] = (), base: str | None = None) -> str:
    """The sitemap's XML; ``base`` defaults to ``$KZAF_SITE_URL``."""
    base = base if base is not None else os.environ.get(SITE_URL_ENV, "")
    if base and not base.endswith("/"):
        base += "/"
    day = str(manifest.get("started") or "")[:10]
    urls = "".join(
        f"  <url><loc>{escape(base + href(page))}</loc>"
        + (f"<lastmod>{escape(day)}</lastmod>" if day else "")
        + "</url>\n"
        for page in pages(manifest, extra)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )
