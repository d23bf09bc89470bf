"""Outputs cannot make a page do anything: through the real exporter and headless Chromium.

nbconvert writes an image output's width and height into the page without quotes, takes an
image's address from its metadata, and frames an output marked ``isolated``; an output's HTML
may hold remote images and ``id`` attributes. None of it may run, load from another host or
take over the page's anchors, and every page carries a Content-Security-Policy that Chromium
enforces should anything get past the sanitizer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hostile_helpers import kzaf, other_host
from notebook_factory import make_notebook

pytestmark = pytest.mark.integration  # runs kzaf in processes: not in test-quick

pytest.importorskip("playwright")

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)
TITLE = "Hostile outputs"


def _cells(remote: str) -> list[str]:
    return [
        "import base64\nfrom IPython.display import HTML, SVG, Image, Markdown, display\n"
        f"png = base64.b64decode('{PNG}')\n"
        # IPython keeps a text width as given: nbconvert writes it unquoted (width=1 onload=...)
        "display(Image(data=png, width='1 onload=document.title=\"pwned-width\"'))\n"
        "display(Image(data=png, height='1 onload=document.title=\"pwned-height\"'))",
        f"display({{'image/png': png}}, raw=True, metadata={{'filenames': "
        f"{{'image/png': '{remote}/from-metadata.png'}}}})\n"
        "display({'text/html': '<b>framed</b>'}, raw=True, "
        "metadata={'text/html': {'isolated': True}})",
        f'display(HTML(\'<p id="ref-1">a fake reference</p>'
        f'<img src="{remote}/from-html.png" alt="remote">\'))\n'
        f"display(Markdown('![remote]({remote}/from-markdown.png)'))\n"
        f'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" id="ref-2" width="4" '
        f'height="4"><image href="{remote}/from-svg.png"/></svg>\'))',
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two parameter sets of the hostile notebook (so the run has a comparison page too),
    the pages loaded in Chromium while a server standing for another host counts requests."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("KZAF_CHROMIUM") or shutil.which("chromium")
    assert chromium, "no chromium on PATH (Debian: apt-get install chromium)"
    root = tmp_path_factory.mktemp("pages")
    with other_host() as (remote, requested):
        make_notebook(root / "nb" / "01_hostile.ipynb", "n: int = 1  # a number",
                      _cells(remote), title=TITLE)  # fmt: skip
        done = kzaf("sweep", "--notebooks-dir", str(root / "nb"), "--reports-dir",
                    str(root / "reports"), "--grid", "n=1,2")  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        (folder,) = (root / "reports").glob("2*")
        pages = sorted(folder.rglob("*.html"))
        seen = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            for path in pages:
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(100)  # let an image's load event fire
                seen[path.relative_to(folder).as_posix()] = page.evaluate(
                    """() => ({
                      title: document.title,
                      handlers: [...document.querySelectorAll('*')].flatMap(e =>
                        [...e.attributes].filter(a => a.name.startsWith('on'))
                          .map(a => e.tagName + ' ' + a.name)),
                      frames: document.querySelectorAll('iframe, frame, object, embed').length,
                      ids: [...document.querySelectorAll('[id^="ref-"]')]
                        .filter(e => !e.closest('ol.references')).map(e => e.id),
                      sources: [...document.querySelectorAll('[src]')]
                        .map(e => e.getAttribute('src')),
                      csp: [...document.querySelectorAll(
                        'meta[http-equiv="Content-Security-Policy"]')].map(m => m.content),
                    })"""
                )
            browser.close()
        yield {"folder": folder, "pages": pages, "seen": seen, "requested": list(requested),
               "chromium": chromium}  # fmt: skip


def test_the_run_wrote_every_kind_of_page(site):
    names = {Path(p).name for p in site["seen"]}
    assert {"index.html", "compare.html", "01_hostile.html", "01_hostile.code.html"} <= names


def test_output_metadata_adds_no_event_handler_and_no_frame(site):
    for page, seen in site["seen"].items():
        assert "pwned" not in seen["title"], page
        assert seen["handlers"] == [], page
        assert seen["frames"] == 0, page


def test_no_page_requests_anything_from_another_host(site):
    assert site["requested"] == []
    for page, seen in site["seen"].items():  # nor holds an address there to load later
        assert [
            s for s in seen["sources"] if not s.startswith(("data:", "figures/", "compare/"))
        ] == [], page


def test_outputs_cannot_take_over_the_pages_anchors(site):
    for page, seen in site["seen"].items():
        assert seen["ids"] == [], page


def test_every_page_carries_a_strict_content_security_policy(site):
    for page, seen in site["seen"].items():
        (policy,) = seen["csp"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'none'", page
        assert "script-src" not in directives and "unsafe-eval" not in policy, page
        assert "http" not in directives["img-src"], page


def test_chromium_enforces_the_policy_if_markup_gets_past_the_sanitizer(site, tmp_path):
    """Every page, with a handler and a script injected after its policy: neither runs."""
    from playwright.sync_api import sync_playwright

    injected = (
        '<img src="data:,x" onerror="document.title=\'handler ran\'">'
        "<script>document.title='script ran'</script>"
    )
    copies = []
    for path in site["pages"]:
        copy = tmp_path / path.relative_to(site["folder"])
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8").replace("<body", injected + "<body", 1))
        copies.append(copy)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=site["chromium"], args=["--no-sandbox"])
        page = browser.new_page()
        for copy in copies:
            page.goto(copy.as_uri(), wait_until="load")
            page.wait_for_timeout(100)
            assert "ran" not in page.title(), copy.name
        browser.close()
