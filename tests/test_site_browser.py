"""Every page of a real run, loaded in headless Chromium at 1280 px and 390 px, as a reader
would: no sideways scrolling, no failed request, no request to another host, no console error,
alt text on every image, internal links that resolve, no record id in reader text.

The browser is Debian's chromium driven by Playwright; `.ci/run` installs it. Without it these
tests fail (they never pass silently): install it with `apt-get install chromium`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kzaf.runner.site.browser import WIDTHS, check_site, chromium_path

pytestmark = pytest.mark.notebook  # runs the whole collection once: not in the fast tier


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    chromium_path()  # fail first, and loudly, without a browser
    reports = tmp_path_factory.mktemp("site") / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--reports-dir", str(reports)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return (reports / "latest").resolve()


@pytest.fixture(scope="module")
def reports(site):
    return check_site(site)


def test_every_page_was_loaded_at_both_widths(site, reports):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) >= 9  # the index and two pages per notebook
    assert sorted({(r.page, r.width) for r in reports}) == sorted(
        (page, width) for page in pages for width in WIDTHS
    )


def test_pages_have_no_problem_a_reader_would_meet(reports):
    problems = [f"{r.page} @ {r.width}px: {p}" for r in reports for p in r.problems]
    assert problems == []


def test_pages_are_self_contained_and_light(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdnjs" not in text and "require.min.js" not in text, page.name
        assert len(text.encode()) < 300_000, f"{page.name}: {len(text.encode())} bytes"
