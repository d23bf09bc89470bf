"""Every page of a real run, loaded in headless Chromium at 1280 px and 390 px, as a reader
would: no sideways scrolling, no failed request, no request to another host, no console error,
alt text on every image, internal links that resolve, landmarks; the stylesheet applies (the
computed font, size, line height and measure); charts are drawn for the width they are shown
at (no text under 11 px, no overlapping labels); folded tables open when printed; dark mode;
reader pages speak words, not codes; and axe-core finds no serious or critical violation.

The browser is Debian's chromium driven by Playwright; axe-core comes from the npm registry,
pinned in the Makefile (``make axe``); `.ci/run` installs both. Without either these tests
fail (they never pass silently).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kzaf.runner.site.browser import WIDTHS, chart_overlaps, check_site, chromium_path

pytestmark = pytest.mark.notebook  # runs the whole collection once: not in the fast tier

REPO = Path(__file__).parents[1]
AXE = Path(os.environ.get("KZAF_AXE") or REPO / ".axe/node_modules/axe-core/axe.min.js")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (npm) or set KZAF_AXE")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory, axe_source) -> Path:
    chromium_path()  # fail first, and loudly, without a browser
    reports = tmp_path_factory.mktemp("site") / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--reports-dir", str(reports)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return (reports / "latest").resolve()


@pytest.fixture(scope="module")
def reports(site, axe_source):
    return check_site(site, axe=axe_source)


def _reader(report) -> bool:
    return not report.page.endswith(".code.html")


def test_every_page_was_loaded_at_both_widths(site, reports):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) >= 9  # the index and two pages per notebook
    assert sorted({(r.page, r.width) for r in reports}) == sorted(
        (page, width) for page in pages for width in WIDTHS
    )


def test_pages_have_no_problem_a_reader_would_meet(reports):
    problems = [f"{r.page} @ {r.width}px: {p}" for r in reports for p in r.problems]
    assert problems == []


def test_axe_finds_no_serious_or_critical_violation(reports):
    found = [
        f"{r.page} @ {r.width}px: {rule} ({impact}, {nodes} nodes)"
        for r in reports
        for rule, impact, nodes in r.axe
        if impact in ("serious", "critical")
    ]
    assert found == []


def test_the_design_applies_as_computed_by_the_browser(reports):
    for report in reports:
        style = report.style
        assert style["family"].startswith("Charter"), (report.page, style)
        assert style["size"] >= 16, (report.page, style)
        assert 1.4 <= style["line_height"] / style["size"] <= 1.75, (report.page, style)
        if report.width == 1280 and style["measure"] is not None:
            assert 45 <= style["measure"] <= 85, (report.page, style)


def test_charts_on_a_phone_are_the_phone_drawings_with_text_of_11px_or_more(reports):
    shown = [(r.page, c) for r in reports if r.width == 390 and _reader(r) for c in r.charts]
    assert len(shown) >= 10
    for page, chart in shown:
        assert chart["src"].endswith(".phone.svg"), (page, chart)
        assert chart["text_px"] >= 11 - 0.05, (page, chart)
    desktop = [c for r in reports if r.width == 1280 for c in r.charts]
    assert all(c["text_px"] >= 11 - 0.05 and not c["src"].endswith(".phone.svg") for c in desktop)


def test_no_chart_has_overlapping_labels(site):
    overlaps = {chart: pairs for chart, pairs in chart_overlaps(site).items() if pairs}
    assert overlaps == {}


def test_the_index_names_the_article_and_keeps_run_details_in_the_footer(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    main, _, footer = page.partition("</main>")
    assert "Aziza Mukhammedova" in main and "Kazakhstan&#39;s Evolving Afghanistan Policy" in main
    assert 'href="https://magazine.thediplomat.com/2024-02/' in main
    assert "The Diplomat, February 2024 issue" in main
    run_id = site.name
    assert run_id not in main and run_id in footer and 'href="manifest.json"' in footer


def test_sitemap_lists_every_page_of_the_run(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for page in site.rglob("*.html"):
        assert f"<loc>{page.relative_to(site).as_posix()}</loc>" in sitemap


def test_pages_are_self_contained_and_light(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdnjs" not in text and "require.min.js" not in text, page.name
        assert len(text.encode()) < 300_000, f"{page.name}: {len(text.encode())} bytes"


def test_the_checks_fail_on_a_page_that_breaks_them(tmp_path, axe_source):
    """A page with an escaped stylesheet, a code, a table box that cannot take focus and a
    shrunken chart: each check says so (so none of the checks above can pass vacuously)."""
    from kzaf.runner.site.shell import environment

    chart = tmp_path / "figures" / "c.svg"
    chart.parent.mkdir()
    chart.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="900pt" height="100pt" '
        'viewBox="0 0 900 100"><text x="5" y="50" style="font-size: 11px">R3</text>'
        '<text x="8" y="52" style="font-size: 11px">R5</text></svg>',
        encoding="utf-8",
    )
    css = 'body { font: 17px/1.55 "Charter", serif; }'
    page = environment().from_string(
        '<!DOCTYPE html><html lang="en"><head><title>t</title><style>{{ css }}</style></head>'
        "<body><main><p>The code R8 and KAZ→AFG, -3%.</p>"
        '<img src="figures/c.svg" alt="c" style="width:300px">'
        '<div style="overflow:auto;width:50px"><table><tr><td>'
        + "x" * 200
        + "</td></tr></table></div></main></body></html>"
    )
    (tmp_path / "index.html").write_text(page.render(css=css), encoding="utf-8")
    (report,) = check_site(tmp_path, widths=(390,), axe=axe_source)
    problems = " | ".join(report.problems)
    assert "body font is the browser's default" in problems  # the escaped stylesheet
    assert "risk or claim code" in problems and "country code" in problems
    assert "hyphen-minus" in problems and "chart text drawn at" in problems
    assert "landmark missing" in problems
    assert "axe serious: scrollable-region-focusable" in problems
    assert chart_overlaps(tmp_path) == {"figures/c.svg": [("R3", "R5")]}
