"""Look at a run's pages the way readers do: in a real browser, on a desktop and a phone.

:func:`check_site` loads every HTML page of a run folder in headless Chromium (Debian's
``chromium``, driven by Playwright with its executable set to the system browser) at each
width and returns the problems a reader would meet: the page scrolls sideways, a request fails
or goes to another host, the console reports an error, an image has no alt text, an internal
link leads nowhere, or reader text shows an internal record id. With ``screenshots`` it also
saves a full-page PNG of each page at each width.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

WIDTHS = (1280, 390)
# Record ids of the dataset (observations, indicators, events, claims...): e.g. IC-017,
# TAI-084, SA-004. Readers see sources and words, never these.
RECORD_ID = re.compile(r"\b[A-Z]{1,4}-\d{3}\b")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserMissing(RuntimeError):
    """No system Chromium, or no Playwright: the check cannot run (never a silent pass)."""


def chromium_path() -> str:
    found = os.environ.get("KZAF_CHROMIUM") or shutil.which("chromium")
    if not found:
        raise BrowserMissing("no chromium on PATH (Debian: apt-get install chromium)")
    return found


@dataclass
class PageReport:
    page: str
    width: int
    problems: list[str] = field(default_factory=list)
    screenshot: str | None = None


def reader_pages(run_folder: Path) -> list[Path]:
    """Pages meant for readers: the index and each notebook's reader page (not ``.code``)."""
    return sorted(p for p in run_folder.rglob("*.html") if not p.name.endswith(".code.html"))


def check_site(
    run_folder: Path,
    pages: list[Path] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    screenshots: Path | None = None,
) -> list[PageReport]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserMissing(f"Playwright is not installed: {exc}") from None
    executable = chromium_path()
    run_folder = run_folder.resolve()
    pages = pages or sorted(run_folder.rglob("*.html"))
    reports = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for width in widths:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, device_scale_factor=1
                )
                for path in pages:
                    reports.append(_check_page(context, path, width, run_folder, screenshots))
                context.close()
        finally:
            browser.close()
    return reports


def _check_page(context, path: Path, width: int, root: Path, screenshots: Path | None):
    report = PageReport(str(path.relative_to(root)), width)
    page = context.new_page()
    console: list[str] = []
    failed: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: failed.append(r.url))

    def on_request(request) -> None:
        if urlparse(request.url).scheme not in ("file", "data", "about", "blob"):
            foreign.append(request.url)

    page.on("request", on_request)
    page.goto(path.as_uri(), wait_until="load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        report.problems.append(f"scrolls sideways by {overflow}px")
    report.problems += [f"request failed: {u}" for u in failed]
    report.problems += [f"request to another host: {u}" for u in foreign]
    report.problems += [f"console error: {t}" for t in console]
    missing_alt = page.evaluate(
        "[...document.images].filter(i => !(i.getAttribute('alt') || '').trim()"
        " || i.alt.startsWith('No description')).map(i => i.src.slice(0, 80))"
    )
    report.problems += [f"image without alt text: {s}" for s in missing_alt]
    for href in page.evaluate("[...document.links].map(a => a.getAttribute('href'))"):
        problem = _broken_link(path, href)
        if problem:
            report.problems.append(problem)
    if not path.name.endswith(".code.html"):
        text = page.evaluate("document.body.innerText")
        ids = sorted(set(RECORD_ID.findall(text)))
        if ids:
            report.problems.append(f"record ids in reader text: {', '.join(ids[:8])}")
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
        name = f"{report.page.replace('/', '__')}.{width}.png"
        page.screenshot(path=str(screenshots / name), full_page=True)
        report.screenshot = str(screenshots / name)
    page.close()
    return report


def _broken_link(page: Path, href: str | None) -> str | None:
    if not href or href.startswith(("http://", "https://", "mailto:")):
        return None
    target = href.partition("#")[0]
    if not target:
        return None  # an anchor on the same page
    resolved = (page.parent / unquote(target)).resolve()
    if not resolved.exists():
        return f"internal link leads nowhere: {href}"
    return None
