"""A sweep's comparison page, ``compare.html``: one row per parameter set.

Each row shows the values the set was given, its headline figures (the latest and the peak
value of the first yearly series in US$ million among its notebooks' headline tables,
preferring turnover) and a link to every report of the set, with its status; each set's short
answers are folded under the table. A chart (SVG, with the plotted points as CSV beside it and
alt text) draws that series for every set.

The site's pages carry no script, so the table is not sorted in the browser: the page is
rendered twice, by parameter set (``compare.html``) and by latest value, highest first
(``compare-latest.html``), and each links to the other. Everything reaches the page through a
jinja2 template with autoescape, so hostile parameter values are shown as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kzaf import atomic
from kzaf.runner.site.shell import LICENCE, environment, href, plain, site_css
from kzaf.text.words import date_words

PAGES = {"set": "compare.html", "latest": "compare-latest.html"}
CHART = "compare/comparison"  # .svg and .csv, under the run folder
PREFERRED_COLUMNS = ("preferred_usd_m", "value_usd_m")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def yearly_series(results: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The first headline table (over a set's notebooks, in order) with a ``year`` column and
    a US$ million column: ``{"label", "points": {year: value}}``; turnover when the table
    has flows, else its first flow."""
    for result in results:
        for table in result.get("headline") or []:
            if not isinstance(table, Mapping):
                continue
            rows = [r for r in table.get("rows", []) if isinstance(r, Mapping)]
            columns = [str(c) for c in table.get("columns") or []]
            money = [c for c in PREFERRED_COLUMNS if c in columns] or [
                c for c in columns if c.endswith("_usd_m")
            ]
            if "year" not in columns or not money:
                continue
            flows = [r.get("flow") for r in rows if r.get("flow")]
            flow = "turnover" if "turnover" in flows else (flows[0] if flows else None)
            points = {}
            for row in rows:
                year, value = row.get("year"), _number(row.get(money[0]))
                wanted = flow is None or row.get("flow") == flow
                if wanted and isinstance(year, int) and value is not None:
                    points[year] = value
            if points:
                label = f"{flow or 'value'}, US$ million"
                return {"label": label, "flow": flow or "value", "points": points}
    return None


def rows_for(
    sets: Sequence[str],
    swept: Mapping[str, Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
    results: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One row per set: its values, headline figures, links and short answers."""
    from kzaf.text.numbers import fmt_usd_m

    countries = _country_names()
    rows = []
    for name in sets:
        mine = [e for e in entries if e.get("set") == name]
        outcomes = [results.get(f"{name}/{e['notebook']}", {}) for e in mine]
        series = yearly_series(outcomes)
        points = series["points"] if series else {}
        latest_year = max(points) if points else None
        peak_year = max(points, key=lambda y: points[y]) if points else None
        reports = [_report_link(entry) for entry in mine]
        answers = _short_answers(mine, outcomes)
        rows.append(
            {
                "set": name,
                "values": {
                    k: _readable(plain(v), countries) for k, v in (swept.get(name) or {}).items()
                },
                "latest": points.get(latest_year) if latest_year is not None else None,
                "latest_text": fmt_usd_m(points[latest_year]) if points else "–",
                "latest_year": latest_year or "",
                "peak_text": fmt_usd_m(points[peak_year]) if points else "–",
                "peak_year": peak_year or "",
                "series": series,
                "reports": reports,
                "answers": answers,
                "ok": all(r["status"] == "ok" for r in reports),
            }
        )
    return rows


def _report_link(entry: Mapping[str, Any]) -> dict[str, Any]:
    outputs = entry.get("outputs") or {}
    target = outputs.get("reader") or outputs.get("notebook")
    return {
        "label": entry["notebook"].split("_", 1)[-1].replace("_", " "),
        "href": href(target) if target else None,
        "status": entry.get("status") or "not run",
    }


def _short_answers(
    entries: Sequence[Mapping[str, Any]], outcomes: Sequence[Mapping[str, Any]]
) -> list[dict[str, str]]:
    """Each notebook's first key point, else its first answer."""
    answers = []
    for entry, result in zip(entries, outcomes, strict=True):
        points_text = [
            str(p)
            for payload in result.get("key_points") or []
            if isinstance(payload, Mapping)
            for p in payload.get("points", [])
        ]
        texts = (
            points_text[:1]
            or [a.get("text", "") for a in result.get("answer") or [] if isinstance(a, Mapping)][:1]
        )
        if texts:
            answers.append({"notebook": entry["notebook"], "text": texts[0]})
    return answers


def _country_names() -> dict[str, str]:
    """ISO3 code -> country name, from the data's country table (empty if it cannot be read:
    the page then shows the codes)."""
    try:
        from kzaf import data

        countries = data.load().countries
    except (OSError, ValueError):  # no data folder, or bad data: the page keeps the codes
        return {}
    return dict(zip(countries["iso3"], countries["name"], strict=True))


def _readable(value: str, countries: Mapping[str, str]) -> str:
    """A parameter value as a reader reads it: a country's name for its code."""
    return countries.get(value, value)


def ordered(rows: Sequence[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """``set``: as the sweep listed them; ``latest``: highest latest value first, sets
    without one last (in sweep order)."""
    if by == "set":
        return list(rows)
    return sorted(rows, key=lambda r: (r["latest"] is None, -(r["latest"] or 0.0)))


def draw_chart(rows: Sequence[dict[str, Any]], folder: Path) -> dict[str, str] | None:
    """The series of every set on one chart (kzaf.plots conventions): SVG, CSV, alt text."""
    drawn = [r for r in rows if r["series"]]
    names, _ = varying(rows)
    if not drawn:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kzaf.plots import chart_files, layout
    from kzaf.plots.common import finish, use_style

    use_style()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    flows = {r["series"]["flow"] for r in drawn}
    for row in drawn:
        points = row["series"]["points"]
        years = list(range(min(points), max(points) + 1))
        # A year without a figure is a gap in the line, not a straight segment across it.
        values = [points.get(y, float("nan")) for y in years]
        ax.plot(years, values, marker="o", label=_legend(row, names))
    ax.legend(fontsize=9, loc="best")
    what = ", ".join(sorted(flows))
    finish(
        ax,
        title=f"{what.capitalize()} by parameter set (preferred figures)",
        xlabel="Year",
        ylabel="US$ million",
        sources="each set's report (its headline table; sources cited there)",
    )
    chart_files.tidy(fig)
    layout.title_across(fig)  # and the legend under the plot (kzaf.plots.layout)
    layout.relayout(fig)
    points = chart_files.plotted_points(fig)
    svg = folder / f"{CHART}.svg"
    svg.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(svg, bbox_inches="tight")
    chart_files.write_points(points, svg.with_suffix(".csv"), chart_files.caption_of(fig))
    alt = chart_files.describe(fig, points)
    plt.close(fig)
    return {"svg": href(f"{CHART}.svg"), "csv": href(f"{CHART}.csv"), "alt": alt}


def varying(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], dict[str, str]]:
    """The parameters whose values differ between sets, and those the same in every set."""
    names = list(dict.fromkeys(k for r in rows for k in r["values"]))
    differ = [n for n in names if len({r["values"].get(n) for r in rows}) > 1]
    same = {n: rows[0]["values"].get(n, "–") for n in names if n not in differ}
    return differ, same


def _legend(row: Mapping[str, Any], names: Sequence[str]) -> str:
    values = [str(row["values"].get(n, "–")) for n in names]
    return " ".join(values) if values else row["set"]


def write(
    folder: Path,
    manifest: Mapping[str, Any],
    results: Mapping[str, Mapping[str, Any]],
    swept: Mapping[str, Mapping[str, Any]],
) -> list[str]:
    """Write the comparison pages (and chart) into the run folder; return their names."""
    entries = manifest.get("notebooks", [])
    sets = list(dict.fromkeys(e["set"] for e in entries))
    rows = rows_for(sets, swept, entries, results)
    chart = draw_chart(rows, folder)
    names, same = varying(rows)
    template = environment().get_template("compare.html.j2")
    for by, page in PAGES.items():
        text = template.render(
            css=site_css(),
            licence=LICENCE,
            meta={
                "title": f"kzaf · comparison of {len(rows)} parameter sets",
                "description": "One row per parameter set of a kzaf sweep: the values each set "
                "was given, its headline figures and its reports.",
                "type": "website",
            },
            run_id=plain(manifest.get("run_id")),
            run_date=date_words(plain(manifest.get("started"))[:10]),
            names=names,
            same=same,
            rows=ordered(rows, by),
            by=by,
            pages=PAGES,
            chart=chart,
            measure=next((r["series"]["label"] for r in rows if r["series"]), ""),
        )
        atomic.write_text(folder / page, text)
    return list(PAGES.values())
