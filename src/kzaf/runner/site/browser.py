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
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from kzaf.runner.site.reading import (
    MIN_CHART_TEXT_PX,
    codes_in,
    overlapping,
    rendered_text_px,
    style_problems,
)

WIDTHS = (1280, 390)
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
    style: dict[str, Any] = field(default_factory=dict)
    axe: list[tuple[str, str, int]] = field(default_factory=list)  # (rule, impact, nodes)
    charts: list[dict[str, Any]] = field(default_factory=list)  # src, shown width, text px


def reader_pages(run_folder: Path) -> list[Path]:
    """Pages meant for readers: the index and each notebook's reader page (not ``.code``, not
    a sweep's comparison)."""
    return sorted(
        p
        for p in run_folder.rglob("*.html")
        if not p.name.endswith(".code.html") and not p.name.startswith("compare")
    )


def is_reader_page(path: Path) -> bool:
    return not path.name.endswith(".code.html") and not path.name.startswith("compare")


def check_site(
    run_folder: Path,
    pages: list[Path] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    screenshots: Path | None = None,
    axe: str | None = None,
) -> list[PageReport]:
    """Every page at every width; with ``axe`` (axe-core's source) each is also audited by
    axe-core. The pages carry a policy that refuses scripts, so axe is injected past it
    (``bypass_csp``): the check only, never the reader's browser."""
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
                    viewport={"width": width, "height": 900},
                    device_scale_factor=1,
                    bypass_csp=axe is not None,
                )
                for path in pages:
                    look = Look(context, path, width, run_folder, screenshots, axe)
                    reports.append(look.run())
                context.close()
        finally:
            browser.close()
    return reports


class Look:
    """One page at one width, read as a reader would (then audited)."""

    def __init__(self, context, path: Path, width: int, root: Path, shots, axe) -> None:
        self.context, self.path, self.width, self.root = context, path, width, root
        self.screenshots, self.axe = shots, axe
        self.report = PageReport(str(path.relative_to(root)), width)

    def run(self) -> PageReport:
        page = self.context.new_page()
        events: dict[str, list[str]] = {"console": [], "failed": [], "foreign": []}
        page.on("console", lambda m: _console(m, events["console"]))
        page.on("requestfailed", lambda r: events["failed"].append(r.url))
        page.on("request", lambda r: _foreign(r.url, events["foreign"]))
        page.goto(self.path.as_uri(), wait_until="load")
        problems = self.report.problems
        problems += [f"request failed: {u}" for u in events["failed"]]
        problems += [f"request to another host: {u}" for u in events["foreign"]]
        problems += [f"console error: {t}" for t in events["console"]]
        problems += self._layout(page) + self._links(page) + self._style(page)
        problems += self._charts(page) + _printed(page) + _dark(page)
        if is_reader_page(self.path):
            problems += _codes(page)
        if self.axe is not None:
            problems += self._audit(page)
        if self.screenshots is not None:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            name = f"{self.report.page.replace('/', '__')}.{self.width}.png"
            page.screenshot(path=str(self.screenshots / name), full_page=True)
            self.report.screenshot = str(self.screenshots / name)
        page.close()
        return self.report

    def _layout(self, page) -> list[str]:
        problems = []
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            problems.append(f"scrolls sideways by {overflow}px")
        missing_alt = page.evaluate(
            "[...document.images].filter(i => !(i.getAttribute('alt') || '').trim()"
            " || i.alt.startsWith('No description')).map(i => i.src.slice(0, 80))"
        )
        problems += [f"image without alt text: {s}" for s in missing_alt]
        landmarks = page.evaluate(
            "['body > header', 'header nav', 'body > main', 'body > footer']"
            ".filter(s => document.querySelectorAll(s).length !== 1)"
        )
        problems += [f"landmark missing or repeated: {s}" for s in landmarks]
        return problems

    def _links(self, page) -> list[str]:
        hrefs = page.evaluate("[...document.links].map(a => a.getAttribute('href'))")
        return [p for p in (_broken_link(self.path, h) for h in hrefs) if p]

    def _style(self, page) -> list[str]:
        self.report.style = page.evaluate(STYLE_SCRIPT)
        return style_problems(self.report.style, self.width)

    def _charts(self, page) -> list[str]:
        """Each chart's smallest text as drawn at this width (the image the browser chose)."""
        problems = []
        for image in page.evaluate(IMAGES_SCRIPT):
            svg = _svg_source(image["src"])
            if svg is None:
                continue
            smallest = rendered_text_px(svg, image["shown"])
            name = unquote(urlparse(image["src"]).path).rsplit("/", 1)[-1]
            self.report.charts.append({"src": name, "shown": image["shown"], "text_px": smallest})
            if smallest is not None and smallest < MIN_CHART_TEXT_PX - 0.05:
                problems.append(f"chart text drawn at {smallest:.1f}px (under 11px): {name}")
        return problems

    def _audit(self, page) -> list[str]:
        page.add_script_tag(content=self.axe)
        found = page.evaluate(AXE_SCRIPT)
        self.report.axe = [(v["id"], v["impact"], len(v["targets"])) for v in found]
        return [
            f"axe {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'][:3])}"
            for v in found
            if v["impact"] in ("serious", "critical")
        ]


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


def _console(message, found: list[str]) -> None:
    if message.type == "error":
        found.append(message.text)


def _foreign(url: str, found: list[str]) -> None:
    if urlparse(url).scheme not in ("file", "data", "about", "blob"):
        found.append(url)


# The body's computed type, and the measure: characters a line of the first long paragraph
# holds (its width over the average width of its own characters in its own font).
STYLE_SCRIPT = """() => {
  const b = getComputedStyle(document.body);
  const p = [...document.querySelectorAll('main p')].find(e => e.textContent.length > 200);
  let measure = null;
  if (p) {
    const s = getComputedStyle(p), t = p.textContent.replace(/\\s+/g, ' ').trim();
    const c = document.createElement('canvas').getContext('2d');
    c.font = `${s.fontSize} ${s.fontFamily}`;
    measure = p.getBoundingClientRect().width / (c.measureText(t).width / t.length);
  }
  return {family: b.fontFamily, size: parseFloat(b.fontSize),
          line_height: parseFloat(b.lineHeight) || null, measure};
}"""
IMAGES_SCRIPT = """() => [...document.images].filter(i => i.currentSrc)
  .map(i => ({src: i.currentSrc, shown: i.getBoundingClientRect().width}))"""
AXE_SCRIPT = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              targets: v.nodes.map(n => n.target.join(' '))}))"""
# Every text node a reader meets (and the alt text and labels read aloud), except the
# reference list, whose titles are the sources' own words.
READER_TEXT_SCRIPT = """() => {
  const out = [document.title];
  const skip = n => n.parentElement.closest('ol.references, style, script');
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!skip(n)) out.push(n.textContent);
  document.querySelectorAll('[alt], [aria-label], meta[name=description]').forEach(e =>
    out.push(e.getAttribute('alt') || e.getAttribute('aria-label') || e.content || ''));
  return out.filter(t => t.trim());
}"""


def _svg_source(src: str) -> str | None:
    """The text of a chart the page shows (a file of the run or a data: URI), or None."""
    import base64

    if src.startswith("data:image/svg+xml;base64,"):
        return base64.b64decode(src.split(",", 1)[1]).decode("utf-8", "replace")
    parsed = urlparse(src)
    if parsed.scheme != "file" or not parsed.path.endswith(".svg"):
        return None
    return Path(unquote(parsed.path)).read_text(encoding="utf-8")


def _printed(page) -> list[str]:
    """Printed, every folded part of the page opens: nothing under a closed <details>."""
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "[...document.querySelectorAll('details:not([open])')].filter(d => d.checkVisibility())"
        ".flatMap(d => [...d.children].filter(c => c.tagName !== 'SUMMARY'))"
        ".filter(c => !c.checkVisibility()).length"
    )
    page.emulate_media(media="screen")
    return [f"printed, {hidden} folded parts stay closed"] if hidden else []


def _dark(page) -> list[str]:
    """With the reader's system in dark mode, the page is dark too (and its text light)."""
    page.emulate_media(color_scheme="dark")
    colours = page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    page.emulate_media(color_scheme="light")
    background, ink = (_luminance(c) for c in colours)
    return [] if background < 0.2 < ink else [f"no dark mode (background {colours[0]})"]


def _luminance(colour: str) -> float:
    """rgb(...) -> 0..1 (plain average of the channels: enough to tell dark from light)."""
    channels = [float(v) for v in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    return sum(channels) / (3 * 255)


def _codes(page) -> list[str]:
    """Codes, ids, variable names and machine marks in a reader page's text."""
    from kzaf.text.words import country_names

    texts = page.evaluate(READER_TEXT_SCRIPT)
    found = codes_in(texts, country_names())
    return [f"{kind} on a reader page: …{context}…" for kind, context in dict.fromkeys(found)]


LABELS_SCRIPT = """() => [...document.querySelectorAll('text')].map(t => {
  const r = t.getBoundingClientRect();
  return [t.textContent.trim(), [r.x, r.y, r.width, r.height]];
}).filter(([text, box]) => text && box[2] > 0)"""


def chart_overlaps(run_folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Every chart of a run (each drawing: desktop and phone), opened in the browser at its
    own size: the pairs of its labels that overlap, by file."""
    from playwright.sync_api import sync_playwright

    run_folder = run_folder.resolve()
    charts = sorted(run_folder.rglob("figures/*.svg"))
    found: dict[str, list[tuple[str, str]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            for chart in charts:
                page.goto(chart.as_uri())
                labels = [(text, box) for text, box in page.evaluate(LABELS_SCRIPT)]
                found[str(chart.relative_to(run_folder))] = overlapping(labels)
        finally:
            browser.close()
    return found
