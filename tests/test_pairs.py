"""Other country pairs: every notebook that takes `reporter` and `partner` runs for
Uzbekistan–Afghanistan, Kazakhstan–Pakistan and Turkmenistan–Afghanistan (one `kzaf run` for
all three, each notebook executed once per pair); each page is titled for its pair, and its reader
text names no country that is not in its parameters.

What counts as reader text: the page title, every Markdown cell and every text/markdown,
text/plain and text/html output, after the runner's reader filter (`pages.for_readers`: analyst
cells and errors out, the title in place of the written one). What the check allows:

- countries named by the notebook's parameters: reporter, partner and the country lists
  (`peers`, `comparison_partners`), which the page legitimately sets beside the pair;
- publisher names and source titles from data/sources.csv ("Afghanistan Times", "The Astana
  Times", "Kazakhstan's Evolving Afghanistan Policy"): a citation names its publisher, whatever
  the pair;
- the own words of the sourced records the shipment page's plausibility check quotes, the
  notes of data/indicators.csv and the descriptions of data/events.csv ("Mongolia the eighth
  buyer; named buyers: Tajikistan, ..."): which countries buy a maker's locomotives is the
  evidence itself. For the same reason the countries the locomotive figures are about (the
  subjects of the `locomotive_*` rows of data/indicators.csv, named in words on the shipment
  page: "locomotive order units, Tajikistan") are allowed there. Notes of
  data/observations.csv are not exempt, so another pair's trade figure shown with its note
  would still fail;
- the two groups in data/countries.csv that are not countries ("World", "Central Asia").

Every other name and alternate spelling in data/countries.csv is forbidden, matched as a whole
word, case-sensitive (so "US" is checked but "USD" is not). Demonyms ("Kazakh") are not in the
table and not checked.

`notebooks/00_data_audit.ipynb` and `notebooks/03_risk_assessment.ipynb` declare no reporter or
partner: they cover the Kazakhstan–Afghanistan corridor by design, so they are not run here; the
notebooks under test are found from their parameters cells, so a notebook that gains the two
parameters is checked from then on.
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kzaf import paths
from kzaf.runner.plan import notebooks as plan
from kzaf.runner.site import pages

pytestmark = pytest.mark.notebook

PAIRS = {"uzb_afg": ("UZB", "AFG"), "kaz_pak": ("KAZ", "PAK"), "tkm_afg": ("TKM", "AFG")}
GROUPS = {"WLD", "CAS"}  # rows of data/countries.csv that are not countries
NOTEBOOKS_DIR = paths.notebooks_dir()
DATA_DIR = paths.data_dir()


def _pair_notebooks() -> list[plan.Notebook]:
    found = [plan.read_notebook(p) for p in plan.discover(NOTEBOOKS_DIR)]
    return [nb for nb in found if {"reporter", "partner"} <= {q.name for q in nb.parameters}]


PAIR_NOTEBOOKS = {nb.stem: nb for nb in _pair_notebooks()}
CASES = [(name, stem) for name in PAIRS for stem in PAIR_NOTEBOOKS]


def _countries() -> list[dict[str, str]]:
    with (DATA_DIR / "countries.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _column(table: str, *columns: str) -> set[str]:
    with (DATA_DIR / table).open(encoding="utf-8") as handle:
        return {r[c] for r in csv.DictReader(handle) for c in columns if r[c]}


def _citations() -> list[str]:
    """Text a page may quote whatever the pair: citations and the plausibility evidence."""
    texts = (
        _column("sources.csv", "publisher", "title")
        | _column("indicators.csv", "note")
        | _column("events.csv", "description")
    )
    # Longest first, so no citation is half removed; a note may be quoted without its full
    # stop (the answer paragraph strips it).
    return sorted({t.rstrip(".") for t in texts}, key=len, reverse=True)


def _spellings(row: dict[str, str]) -> list[str]:
    return [row["name"], *(a for a in row["alternates"].split("|") if a)]


def _as_country(value: object) -> str | None:
    codes = {r["iso3"]: r for r in _countries()}
    names = {s: r["iso3"] for r in _countries() for s in _spellings(r)}
    if isinstance(value, str):
        return value if value in codes else names.get(value)
    return None


def allowed_countries(notebook: plan.Notebook, values: dict[str, object]) -> set[str]:
    """ISO3 codes the notebook's parameters name: single values and lists of countries."""
    effective = {q.name: q.default for q in notebook.parameters} | values
    allowed = set(GROUPS)
    for value in effective.values():
        items = value if isinstance(value, list) else [value]
        codes = [_as_country(v) for v in items]
        if items and all(codes):
            allowed |= {c for c in codes if c}
    return allowed


def _locomotive_subjects() -> set[str]:
    """Countries the locomotive evidence is about (the shipment page's plausibility tables)."""
    with (DATA_DIR / "indicators.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = {r["iso3"] for r in _countries()}
    return {r["subject"] for r in rows if r["indicator"].startswith("locomotive_")} & codes


def reader_text(executed: Path, title: str | None) -> str:
    """The page's text as a reader gets it (see the module docstring)."""
    notebook = pages.for_readers(nbformat.read(executed, as_version=4), title)
    parts = [title or ""]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            data = output.get("data", {})
            for mime in ("text/markdown", "text/plain", "text/html"):
                value = data.get(mime, "")
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return html.unescape("\n".join(parts)).replace("\\", "")


def foreign_names(text: str, allowed: set[str]) -> list[str]:
    """Each forbidden country spelling in ``text``, with a little context, after citations
    are taken out."""
    for citation in _citations():
        text = text.replace(citation, " ")
    found = []
    for row in _countries():
        if row["iso3"] in allowed:
            continue
        for spelling in _spellings(row):
            for match in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", text):
                found.append(text[max(0, match.start() - 60) : match.end() + 30])
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One `kzaf run` of every pair notebook for every pair (each notebook executed once)."""
    root = tmp_path_factory.mktemp("pairs")
    stems = ", ".join(f"'{stem}'" for stem in PAIR_NOTEBOOKS)
    sets = "".join(
        f"  {name}:\n    notebooks: [{stems}]\n    parameters: {{reporter: {r}, partner: {p}}}\n"
        for name, (r, p) in PAIRS.items()
    )
    run_file = root / "pairs.yaml"
    run_file.write_text(f"output: reports\nsets:\n{sets}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--run-file", str(run_file)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return (root / "reports" / "latest").resolve()


def _result(run, name, stem):
    return json.loads((run / name / stem / "result.json").read_text(encoding="utf-8"))


def _names(name):
    lookup = {r["iso3"]: r["name"] for r in _countries()}
    return tuple(lookup[c] for c in PAIRS[name])


def test_the_pair_notebooks_are_found():
    assert {"01_trade_trajectory", "02_locomotive_effect"} <= set(PAIR_NOTEBOOKS)


@pytest.mark.parametrize(("name", "stem"), CASES)
def test_every_pair_notebook_succeeds_and_names_only_its_parameters_countries(run, name, stem):
    result = _result(run, name, stem)
    assert result["status"] == "ok", result.get("error")
    reporter, partner = _names(name)
    assert reporter in result["title"] and partner in result["title"], result["title"]
    values = dict(zip(("reporter", "partner"), PAIRS[name], strict=True))
    allowed = allowed_countries(PAIR_NOTEBOOKS[stem], values)
    if stem == "02_locomotive_effect":
        allowed |= _locomotive_subjects()
    text = reader_text(run / name / stem / f"{stem}.ipynb", result["title"])
    assert foreign_names(text, allowed) == []


@pytest.mark.parametrize("name", PAIRS)
def test_the_trajectory_page_speaks_of_its_pair_and_applies_no_other_pairs_target(run, name):
    reporter, partner = _names(name)
    others = {r["name"] for r in _countries()} - {reporter, partner}
    trajectory = _result(run, name, "01_trade_trajectory")
    assert trajectory["title"] == f"The trajectory of {reporter}–{partner} trade"
    (points,) = trajectory["key_points"]
    text = " ".join(points["points"])
    assert reporter in text and partner in text
    assert not any(re.search(rf"\b{re.escape(c)}\b", text) for c in others), text
    page = reader_text(run / name / "01_trade_trajectory" / "01_trade_trajectory.ipynb", None)
    # The Kazakh–Afghan target and the article's claims are each replaced by one sentence.
    assert page.count("No trade target is published for") == 1
    assert "3.0 billion" not in page and "target 3,000" not in page
    assert page.count("The article's claims are about another pair's trade") == 1
    assert "verdicts" not in trajectory or not trajectory["verdicts"]


@pytest.mark.parametrize("name", PAIRS)
def test_the_shipment_page_is_about_its_pair_and_not_the_articles_shipment(run, name):
    reporter, partner = _names(name)
    shipment = _result(run, name, "02_locomotive_effect")
    assert f"from {reporter} to {partner}" in shipment["title"]
    page = reader_text(run / name / "02_locomotive_effect" / "02_locomotive_effect.ipynb", None)
    assert "The source article reports that" not in page
    assert page.count("The article's claims 4 and 5 are about the shipment it reports") == 1
    plausible = reporter == "Kazakhstan"  # the sourced plants and prices are Kazakh
    assert ("cannot size a shipment of HS 8602" in page) is not plausible
