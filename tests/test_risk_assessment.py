"""The risk register on the project's data, the notebook's wiring, and its charts."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from kzaf import data
from kzaf.plots import risk as risk_plots
from kzaf.risk import ScenarioParameters, fan_table, narrative, unknown_codes
from kzaf.risk.assessment import TradeSettings, assess
from kzaf.risk.risks import RISK_NAMES, RISK_REGISTER

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def tables():
    return data.load()


@pytest.fixture(scope="module")
def result(tables):
    return assess(
        tables,
        RISK_REGISTER,
        n_draws=2_000,
        seed=3,
        trade=TradeSettings(
            scenario=ScenarioParameters(closure_probability=0.2, closure_trade_share=0.5),
            n_paths=5_000,
            thresholds={"$1 billion": 1000.0, "$3 billion": 3000.0},
        ),
    )


def test_every_indicator_code_of_the_register_is_in_the_codebook(tables):
    assert unknown_codes(RISK_REGISTER, tables.indicator_codes) == []
    assert [r.risk_id for r in RISK_REGISTER] == [f"R{k}" for k in range(1, 11)]


def test_register_scores_follow_the_data(result):
    register = result.register.set_index("risk_id")
    scored = register.dropna(subset=["likelihood"])
    assert scored["likelihood"].between(1, 5).all()
    assert register.loc["R7", "status"] == "insufficient data"  # no opinion poll on this risk
    assert not register["overridden"].any()
    used = result.evidence[result.evidence["status"] == "ok"]
    assert (used["sources"].str.len() > 0).all()  # every figure used names its source
    zero = used[used["sources"].str.startswith("none:")]
    assert zero["derived"].all() and (zero["latest_value"] == 0).all()


def test_monte_carlo_on_the_data_is_coherent(result):
    probabilities = result.probabilities.dropna(subset=["p_top_three"])
    assert probabilities["p_top_three"].sum() == pytest.approx(3.0)
    assert probabilities["p_first"].sum() == pytest.approx(1.0)
    assert result.distribution.loc[0, "q05"] <= result.composite + 0.1
    assert np.isfinite(result.draws.composite).all()


def test_answer_and_headlines_are_generated(result):
    text = narrative.answer_for(
        result,
        names=RISK_NAMES,
        normalisation="min_max",
        aggregation="arithmetic",
        target_year=2030,
    )
    assert "Domestic public opinion (no evidence at all)" in text and "model estimates" in text
    headline = narrative.register_headline(result.register)
    assert list(headline["risk"]) == [f"R{k}" for k in range(1, 11)]
    assert headline.set_index("risk").loc["R7", "likelihood"] == "–"
    ranking = narrative.ranking_headline(result.probabilities)
    assert set(ranking["risk"]) == set(result.index_table.dropna(subset=["score"])["risk_id"])


def test_the_trade_outlook_names_each_event_and_respects_the_published_part_year(result):
    """Every chance names its year ("in 2030" or "in at least one year from 2025 to 2030"),
    is called a model estimate, and no path has a 2025 the January–August figure rules out."""
    part = result.part_year
    assert (part.year, part.months) == (2025, 8)  # the published January–August 2025 figure
    low, high = part.bounds()
    for paths in result.runs.values():
        assert low <= paths.values[:, 0].min() and paths.values[:, 0].max() <= high < 1000
    points = narrative.key_points_for(result, names=RISK_NAMES, target_year=2030)
    trade = [p for p in points if "urnover" in p]
    assert len(trade) == 2 and "model estimates" in trade[0]
    assert "$1 billion in 2030" in trade[0] and "below $100 million in 2030" in trade[1]
    assert not any("by 2030" in p for p in points)  # "in 2030" is not "by 2030"
    outlook = narrative.outlook_of(result, 2030)
    sentences = narrative.trade_sentences(outlook)
    assert any("in at least one year from 2025 to 2030" in s for s in sentences)
    assert any("$1 billion or more in 2025 is ruled out" in s for s in sentences)
    headline = narrative.reach_headline(outlook)
    assert list(headline["predictive assumption"]) == [
        "plug-in normal", "normal with parameter uncertainty", "Student t",
    ]  # fmt: skip
    assert "at least $1 billion in some year 2025–2030" in headline.columns


def test_charts_have_titles_axes_and_sources(result):
    figures = [
        risk_plots.register_chart(result.register, sources="S"),
        risk_plots.risk_matrix_heatmap(result.register, sources="S"),
        risk_plots.composite_trajectory_chart(result.trajectory, sources="S"),
        risk_plots.composite_distribution_chart(
            result.draws.composite, result.composite, sources="S"
        ),
        risk_plots.top_three_chart(result.probabilities, sources="S"),
        risk_plots.tornado_chart(result.drivers, 0.5, output="composite", sources="S"),
        risk_plots.fan_chart(
            fan_table(result.paths), result.annual_turnover, {"$1 billion": 1000.0}, sources="S"
        ),
    ]
    for fig in figures:
        ax = fig.axes[0]
        assert ax.get_title(loc="left") and ax.get_xlabel()
        assert any(t.get_text().startswith("Source: S") for t in fig.texts)
        plt.close(fig)
