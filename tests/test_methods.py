"""The estimator benchmark and the interval levels reader sentences claim.

The benchmark is tested on simulated series whose truth is known; the level check on
hand-written sentences (so it can fail) and then on every committed reader page.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from kzaf.methods import simulate
from kzaf.methods.benchmark import Settings, benchmark, by_process, worst_coverage
from kzaf.paths import NOTEBOOKS_DIR
from kzaf.runner.site import pages
from kzaf.text import levels

# ---------------------------------------------------------------------------------------------
# Simulated series


def test_ar1_errors_have_the_stated_persistence_and_spread():
    rng = np.random.default_rng(1)
    errors = simulate.errors(simulate.AR1, 20_000, 0.2, 0.5, rng)
    assert errors.std() == pytest.approx(0.2, rel=0.03)
    assert np.corrcoef(errors[1:], errors[:-1])[0, 1] == pytest.approx(0.5, abs=0.03)
    white = simulate.errors(simulate.INDEPENDENT, 20_000, 0.2, 0.5, rng)
    assert abs(np.corrcoef(white[1:], white[:-1])[0, 1]) < 0.03


# ---------------------------------------------------------------------------------------------
# The benchmark (truth known): what it measures is what the methods page reports


@pytest.fixture(scope="module")
def table():
    return benchmark(Settings(sims=300, sizes=(8,), seed=5))


def test_least_squares_intervals_hold_with_independent_years_and_not_with_runs(table):
    trend = table[table["estimator"] == "trend prediction interval"].set_index("process")
    assert trend.loc[simulate.INDEPENDENT, "actual"] == pytest.approx(0.9, abs=0.05)
    signals = table[table["measure"] == "false growth signal"].set_index("process")["actual"]
    assert signals[simulate.INDEPENDENT] == pytest.approx(0.1, abs=0.05)
    assert signals[simulate.AR1] > 0.17  # runs of years fake growth: about a quarter


def test_the_persistence_prior_keeps_the_risk_pages_promise(table):
    prior = "scenario paths, Student t, persistence prior 0–0.9"
    assert worst_coverage(table, prior, simulate.PROCESSES) >= 0.85
    independent = "scenario paths, Student t, independent years"
    assert worst_coverage(table, independent, [simulate.AR1]) < 0.85
    wide = by_process(table, 8)
    assert {simulate.INDEPENDENT, simulate.AR1} <= set(wide.columns)
    with pytest.raises(ValueError, match="no coverage row for 'nothing'"):
        worst_coverage(table, "nothing", simulate.PROCESSES)


# ---------------------------------------------------------------------------------------------
# Interval levels in reader sentences

REACHES = levels.reaches_from({"scenario paths, Student t, persistence prior 0–0.9": 0.88})
FALLS_SHORT = levels.reaches_from({"scenario paths, Student t, persistence prior 0–0.9": 0.8})


@pytest.mark.parametrize(
    ("sentence", "earned"),
    [
        ("Growth is -1% a year (90% interval -41% to +65%).", False),
        (
            "Growth is -1% a year (90% interval -41% to +65%, which assumes independent years).",
            True,
        ),
        ("By 2030 the 90% prediction interval spans $9M to $33bn.", False),
        ("Its 95% intervals, which assume independent monthly noise, hold.", True),
        ("Bands: 50%, 80% and 90% of simulated paths (Student t, persistence prior 0–0.9).", True),
        ("Bands: 50%, 80% and 90% of simulated paths.", False),
        ("The composite is 0.49 (90% of draws between 0.43 and 0.52).", True),  # no interval
    ],
)
def test_a_level_is_earned_only_by_its_caveat_or_by_the_benchmark(sentence, earned):
    assert (levels.unearned(sentence, REACHES) == []) is earned


def test_a_model_that_falls_short_in_the_benchmark_does_not_earn_its_level():
    sentence = "Bands: 90% of simulated paths (Student t, persistence prior 0–0.9)."
    assert levels.unearned(sentence, REACHES) == []
    assert levels.unearned(sentence, FALLS_SHORT) == [sentence]


def reader_text(path: Path) -> str:
    """A committed notebook's text as readers get it: Markdown and shown outputs."""
    notebook = pages.for_readers(nbformat.read(path, as_version=4))
    parts = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":  # a wrapped line continues its sentence
            parts.append(re.sub(r"\n(?![\n\-*#|]|\d+\.)", " ", cell.source))
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            for mime in ("text/markdown", "text/plain"):
                value = output.get("data", {}).get(mime, "")
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts).replace("\\", "")


@pytest.fixture(scope="module")
def published_benchmark():
    """The benchmark as the methods page runs it by default (its annual rows)."""
    return benchmark(Settings(sims=400, sizes=(4, 8), seed=20261204))


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_no_reader_sentence_claims_a_level_the_benchmark_does_not_reach(path, published_benchmark):
    worst = {
        name: worst_coverage(published_benchmark, name, simulate.PROCESSES)
        for name in set(published_benchmark["estimator"])
    }
    assert levels.unearned(reader_text(path), levels.reaches_from(worst)) == []
