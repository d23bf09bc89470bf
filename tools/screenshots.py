"""Screenshots of a run's pages at 1280 px and 390 px, and the problems a reader would meet.

    .venv/bin/python tools/screenshots.py reports/latest [OUT_DIR]

Prints one line per page and width (size, problems) and writes PNGs to OUT_DIR (default:
``<run>/screenshots``), to look at as a reader would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kzaf.runner.site.browser import check_site, reader_pages


def main(argv: list[str]) -> int:
    run = Path(argv[0]).resolve()
    out = Path(argv[1]) if len(argv) > 1 else run / "screenshots"
    reports = check_site(run, pages=reader_pages(run), screenshots=out)
    worst = 0
    for report in reports:
        size = (run / report.page).stat().st_size
        problems = report.problems or "ok"
        print(f"{report.width:>5}px  {size / 1024:7.0f} KB  {report.page}  {problems}")
        worst = max(worst, len(report.problems))
    print(f"screenshots in {out}")
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
