"""Claim checks C1–C3 on fixture figures: each verdict, and a change that flips it.

All figures are fixtures (see trajectory_fixtures); ``fixture-article`` plays the article.
"""

import pytest
from trajectory_fixtures import ARTICLE, claim_tables, fig, figures

from kzaf import claim_checks, claims
from kzaf.claim_checks import trade

V = claims.Verdict


def year(obs_id, y, value, **kw):
    return fig(obs_id, "turnover", f"{y}-01", f"{y}-12", value, **kw)


def article(obs_id, start, end, value):
    return fig(obs_id, "turnover", start, end, value, source=ARTICLE, kind="media_report")


BASE = [
    year("K21", 2021, 474.3),
    year("K22", 2022, 987.9),
    year("K23", 2023, 567.5),
    article("D21", "2021-01", "2021-12", 474.3),
    article("D22", "2022-01", "2022-12", 987.9),
    article("D23", "2023-01", "2023-11", 583),
]


# --- C1 ---------------------------------------------------------------------------------------


def verdicts(result):
    return [p.verdict for p in result.parts]


def test_c1_confirmed_when_2022_beats_every_year_and_the_article_matches():
    result = trade.assess_c1(figures(BASE), ARTICLE)
    assert verdicts(result) == [V.CONFIRMED, V.CONFIRMED] and result.verdict == V.CONFIRMED
    assert "2022 is highest: 987.9 against 567.5 in 2023" in result.evidence
    assert ARTICLE in result.sources


def test_c1_contradicted_by_a_higher_later_year():
    result = trade.assess_c1(figures([*BASE, year("K24", 2024, 1200)]), ARTICLE)
    # The record part fails, the article's figure still matches: partly confirmed.
    assert verdicts(result) == [V.CONTRADICTED, V.CONFIRMED] and result.verdict == V.PARTLY
    assert "2024 (1,200) is at least as high as 2022 (987.9)" in result.evidence


def test_c1_within_tolerance_when_the_article_figure_is_close_but_not_equal():
    rows = [r for r in BASE if r["obs_id"] != "D22"] + [article("D22", "2022-01", "2022-12", 1010)]
    result = trade.assess_c1(figures(rows), ARTICLE, tolerance=0.05)
    assert result.verdict == V.WITHIN_TOLERANCE
    assert "trade value: 5% relative" in result.tolerance
    assert "2.2% from the nearest" in result.evidence
    # the same figure fails a tighter tolerance, and the tolerance in force is stated
    strict = trade.assess_c1(figures(rows), ARTICLE, tolerance=0.01)
    assert verdicts(strict) == [V.CONFIRMED, V.CONTRADICTED] and strict.verdict == V.PARTLY
    assert strict.parts[1].tolerance.startswith("1% relative")


def test_c1_within_tolerance_when_ranges_of_years_overlap():
    rows = [*BASE, year("M23", 2023, 990, kind="media_report")]
    assert trade.assess_c1(figures(rows), ARTICLE).verdict == V.WITHIN_TOLERANCE


def test_c1_not_testable_when_only_the_article_gives_2022():
    rows = [r for r in BASE if r["obs_id"] != "K22"]
    result = trade.assess_c1(figures(rows), ARTICLE)
    assert result.verdict == V.NOT_TESTABLE
    assert "No source other than the article" in result.evidence


# --- C2 ---------------------------------------------------------------------------------------


def test_c2_within_tolerance_when_the_ratio_is_near_two():
    result = trade.assess_c2(figures(BASE), ARTICLE)
    assert result.verdict == V.WITHIN_TOLERANCE
    assert "×2.08" in result.evidence and result.tolerance == "ratio: 10% of the claimed ratio"


def test_c2_confirmed_when_the_range_of_ratios_includes_two():
    rows = [*BASE, year("M21", 2021, 500, kind="media_report")]
    result = trade.assess_c2(figures(rows), ARTICLE)
    assert result.verdict == V.CONFIRMED
    assert "×1.98 to ×2.08" in result.evidence
    assert len(result.details) == 2  # every pair of figures


def test_c2_contradicted_when_far_from_double():
    rows = [r for r in BASE if r["obs_id"] != "K21"] + [year("K21", 2021, 300)]
    assert trade.assess_c2(figures(rows), ARTICLE).verdict == V.CONTRADICTED


def test_c2_not_testable_without_an_independent_2021_figure():
    rows = [r for r in BASE if r["obs_id"] != "K21"]
    result = trade.assess_c2(figures(rows), ARTICLE)
    assert result.verdict == V.NOT_TESTABLE
    assert "for 2021" in result.evidence and "own figures give ×2.08" in result.evidence


# --- C3 ---------------------------------------------------------------------------------------


def test_c3_an_eleven_month_figure_above_every_full_year_is_contradicted():
    """583 for January–November against 567.5 and 545.2 for the year: eleven months cannot
    add up to more than the year, so the fit part is contradicted, never "within tolerance"
    (the review found it judged within the 5% allowed for revisions)."""
    rows = [*BASE, year("S23", 2023, 545.2, suspect=True)]
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert verdicts(result) == [V.CONFIRMED, V.CONTRADICTED, V.NOT_TESTABLE]
    assert result.verdict == V.PARTLY
    fit = result.parts[1].evidence
    assert fit.startswith("Cannot hold as printed") and "exceeds every full-year" in fit
    assert "-37.8, -15.5" in fit and "+2.7%" in fit
    december = result.details
    assert set(december["period_label"]) == {"December 2023"}
    assert not december["consistent"].any()  # the residuals are negative


def test_c3_a_part_above_a_whole_by_a_hair_is_still_contradicted():
    rows = [r for r in BASE if r["obs_id"] != "K23"] + [year("K23", 2023, 575)]  # 1.4% below
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert result.parts[1].verdict == V.CONTRADICTED
    assert result.parts[1].tolerance == ""  # no allowance applies


def test_c3_full_year_figures_that_disagree_leave_the_fit_untestable():
    """583 fits a full year of 620 but not the preferred official 567.5: the full-year
    figures disagree, so the fit cannot be judged either way."""
    rows = [*BASE, year("M23", 2023, 620, kind="media_report")]
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert result.parts[1].verdict == V.NOT_TESTABLE
    assert "disagree" in result.parts[1].evidence


def test_c3_confirmed_when_december_is_small_and_positive():
    rows = [r for r in BASE if r["obs_id"] != "K23"] + [year("K23", 2023, 620)]
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert verdicts(result) == [V.CONFIRMED] * 3 and result.verdict == V.CONFIRMED
    assert "+37.0" in result.evidence


@pytest.mark.parametrize(
    ("full_2023", "part", "reason"),
    [
        (800, 2, "a jump"),
        (1000, 0, "against 2022 (987.9): +1.2%"),
        (540, 1, "cannot add up to more than the whole year"),
    ],
)
def test_c3_a_part_contradicted(full_2023, part, reason):
    rows = [r for r in BASE if r["obs_id"] != "K23"] + [year("K23", 2023, full_2023)]
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert result.parts[part].verdict == V.CONTRADICTED
    assert result.verdict in (V.PARTLY, V.CONTRADICTED)
    assert reason in result.parts[part].evidence


def test_c3_not_testable_without_the_eleven_month_figure():
    rows = [r for r in BASE if r["obs_id"] != "D23"]
    assert trade.assess_c3(figures(rows), ARTICLE).verdict == V.NOT_TESTABLE


# --- through the ledger -----------------------------------------------------------------------


def test_registered_checks_decide_c1_to_c3_and_take_options():
    tables = claim_tables(BASE)
    ledger = claim_checks.evaluate(tables, ["C1", "C2", "C3"]).set_index("claim_id")
    assert ledger.loc["C1", "verdict"] == "confirmed"
    assert ledger.loc["C2", "verdict"] == "confirmed within tolerance"
    assert ledger.loc["C3", "verdict"] == "partly confirmed"  # fell, but 583 > 567.5
    assert [p["verdict"] for p in ledger.loc["C3", "parts"]][1] == "contradicted"
    loose = claim_checks.evaluate(
        tables, ["C2", "C3"], options={"doubling_tolerance": 0.01, "claim_tolerance": 0.5}
    ).set_index("claim_id")
    assert loose.loc["C2", "verdict"] == "contradicted"
    # No tolerance, however loose, lets eleven months exceed the year.
    assert loose.loc["C3", "verdict"] == "partly confirmed"


def test_c3_sets_aside_an_upper_bound_and_says_so():
    rows = [*BASE, year("U23", 2023, 1000, precision="at_most", suspect=True)]
    result = trade.assess_c3(figures(rows), ARTICLE)
    assert result.verdict == V.PARTLY  # the bound makes no positive December
    assert "Bounds set aside" in result.evidence and "up to 1,000 for 2023" in result.evidence
    assert (result.details["value"] < 0).all()
