"""kzaf.trajectory on fixture figures whose answers are known (see trajectory_fixtures)."""

import math
import re
import types

import numpy as np
import pandas as pd
import pytest
from trajectory_fixtures import fig, figures, observations_and_sources

from kzaf import trajectory as tr
from kzaf.data import ImportedFigures

# --- annual table and growth ranges ------------------------------------------------------------


@pytest.fixture
def two_sources():
    return figures(
        [
            fig("A21", "turnover", "2021-01", "2021-12", 100),
            fig("B21", "turnover", "2021-01", "2021-12", 110, kind="media_report"),
            fig("A22", "turnover", "2022-01", "2022-12", 200),
            fig("B22", "turnover", "2022-01", "2022-12", 220, kind="media_report"),
            fig("A24", "turnover", "2024-01", "2024-12", 150),
            fig("H23", "turnover", "2023-01", "2023-06", 90),  # part-year: not in the annual
        ]
    )


def test_annual_table_keeps_gaps_and_every_figure(two_sources):
    annual = tr.annual_trade(two_sources, flows=["turnover"], start_year=2020, end_year=2024)
    assert list(annual["year"]) == [2020, 2021, 2022, 2023, 2024]
    assert list(annual["n_figures"]) == [0, 2, 2, 0, 1]
    row = annual.set_index("year").loc[2022]
    assert (row["preferred_value"], row["value_min"], row["value_max"]) == (200, 200, 220)


def test_growth_range_comes_from_every_pair_of_figures(two_sources):
    annual = tr.annual_trade(two_sources, flows=["turnover"], start_year=2020, end_year=2024)
    growth = tr.yoy_growth(annual, two_sources).set_index("year")
    row = growth.loc[2022]
    # preferred: national statistics 100 -> 200; pairs: 200/100, 200/110, 220/100, 220/110
    assert row["growth"] == pytest.approx(1.0)
    assert row["growth_min"] == pytest.approx(200 / 110 - 1)
    assert row["growth_max"] == pytest.approx(220 / 100 - 1)
    assert row["n_pairs"] == 4
    # 2024 follows a year without a figure: no growth, and it says so
    assert not growth.loc[2024, "comparable"] and math.isnan(growth.loc[2024, "growth"])


def test_growth_pairs_name_both_figures(two_sources):
    pairs = tr.growth_pairs(two_sources, flows=["turnover"])
    assert set(zip(pairs["obs_id_from"], pairs["obs_id_to"], strict=True)) == {
        ("A21", "A22"),
        ("A21", "B22"),
        ("B21", "A22"),
        ("B21", "B22"),
    }


def test_period_changes_and_missing_year(two_sources):
    annual = tr.annual_trade(two_sources, flows=["turnover"], start_year=2020, end_year=2024)
    changes = tr.period_changes(annual, two_sources, [(2021, 2022), (2022, 2023)])
    first, second = changes.iloc[0], changes.iloc[1]
    assert first["ratio"] == pytest.approx(2.0) and first["n_pairs"] == 4
    assert (
        math.isnan(second["change"]) and second["note"] == "no full-year turnover figure for 2023"
    )


def test_headline_table_rounds_nothing_and_drops_empty_years(two_sources):
    annual = tr.annual_trade(two_sources, flows=["turnover"], start_year=2020, end_year=2024)
    headline = tr.headline_table(annual, tr.yoy_growth(annual, two_sources))
    assert list(headline["year"]) == [2021, 2022, 2024]
    row = headline.set_index("year").loc[2022]
    assert row["growth_pct"] == pytest.approx(100.0)
    assert row["growth_high_pct"] == pytest.approx(120.0)
    assert (row["low_usd_m"], row["high_usd_m"], row["figures"]) == (200, 220, 2)


# --- balance ----------------------------------------------------------------------------------


def test_balance_from_exports_and_imports_with_range_and_component_check():
    data = figures(
        [
            fig("X1", "export", "2023-01", "2023-12", 300),
            fig("X2", "export", "2023-01", "2023-12", 310, kind="media_report"),
            fig("M1", "import", "2023-01", "2023-12", 20),
            fig("T1", "turnover", "2023-01", "2023-12", 335),
        ]
    )
    row = tr.trade_balance(data).iloc[0]
    assert row["balance"] == 280 and (row["balance_min"], row["balance_max"]) == (280, 290)
    assert row["method"] == "exports − imports"
    assert row["components_gap"] == 15  # 335 - (300 + 20): the parts do not add up


def test_balance_implied_from_turnover_is_labelled():
    data = figures(
        [
            fig("X", "export", "2023-01", "2023-05", 100),
            fig("T", "turnover", "2023-01", "2023-05", 110),
            fig("T2", "turnover", "2023-01", "2023-08", 200),  # alone: no balance
        ]
    )
    balance = tr.trade_balance(data)
    assert len(balance) == 1
    assert balance.iloc[0]["balance"] == 90  # exports 100, imports implied 10
    assert "implied" in balance.iloc[0]["method"]


# --- year to date, seasonal shares, run-rate -------------------------------------------------


def test_same_period_comparison_aligns_months_only():
    data = figures(
        [
            fig("M22", "turnover", "2022-01", "2022-05", 100),
            fig("M23", "turnover", "2023-01", "2023-05", 150),
            fig("M23b", "turnover", "2023-01", "2023-05", 160, kind="media_report"),
            fig("H23", "turnover", "2023-01", "2023-06", 170),  # no other first half
            fig("A21", "turnover", "2021-01", "2021-08", 200),
            fig("A23", "turnover", "2023-01", "2023-08", 180),
            fig("MY", "turnover", "2023-01", "2023-05", 999, basis="marketing_year"),
        ]
    )
    ytd = tr.year_to_date_table(data)
    assert set(ytd["period_name"]) == {"January–May", "first half", "January–August"}
    assert 999 not in set(ytd["preferred_value"])  # other bases never join calendar periods
    comparison = tr.same_period_comparison(data).set_index("period_name")
    assert set(comparison.index) == {"January–May", "January–August"}
    may = comparison.loc["January–May"]
    assert (may["year_from"], may["year_to"]) == (2022, 2023)
    assert may["change"] == pytest.approx(0.5)
    assert (may["change_min"], may["change_max"]) == pytest.approx((0.5, 0.6))
    assert (
        comparison.loc["January–August", "year_from"],
        comparison.loc["January–August", "year_to"],
    ) == (
        2021,
        2023,
    )


@pytest.fixture
def incomplete_year():
    return figures(
        [
            fig("H23", "turnover", "2023-01", "2023-06", 240),
            fig("Y23", "turnover", "2023-01", "2023-12", 600),
            fig("H22", "turnover", "2022-01", "2022-06", 700),  # exceeds its full year
            fig("Y22", "turnover", "2022-01", "2022-12", 600),
            fig("H24", "turnover", "2024-01", "2024-06", 300),
            fig("H24b", "turnover", "2024-01", "2024-06", 330, kind="media_report"),
            fig("A25", "turnover", "2025-01", "2025-08", 400),
        ]
    )


def test_seasonal_shares_flag_parts_larger_than_the_whole(incomplete_year):
    shares = tr.seasonal_shares(incomplete_year).set_index("year")
    assert shares.loc[2023, "share"] == pytest.approx(0.4) and shares.loc[2023, "consistent"]
    assert shares.loc[2022, "share"] > 1 and not shares.loc[2022, "consistent"]


def test_run_rate_naive_and_seasonal(incomplete_year):
    rates = tr.run_rate(incomplete_year)
    assert set(rates["year"]) == {2024, 2025}  # 2022 and 2023 have full years
    assert rates["estimate"].all()
    y24 = rates[rates["year"] == 2024].set_index("method")
    naive = y24.loc["naive run-rate (× 12 / months)"]
    assert naive["estimate_value"] == 600 and (naive["low"], naive["high"]) == (600, 660)
    seasonal = y24.loc["seasonal share"]
    # only 2023's consistent share (0.4) is used; 2022's share above 1 is left out
    assert seasonal["estimate_value"] == pytest.approx(750)
    assert (seasonal["low"], seasonal["high"]) == pytest.approx((750, 825))
    assert seasonal["share_years"] == "2023"
    y25 = rates[(rates["year"] == 2025) & (rates["method"] == "seasonal share")].iloc[0]
    assert math.isnan(y25["estimate_value"]) and "no seasonal share exists" in y25["note"]


# --- distance to target -----------------------------------------------------------------------


def test_required_growth_known_answers():
    assert tr.required_growth(100, 2020, 121, 2022) == pytest.approx(0.1)
    assert tr.required_growth(100, 2020, 100, 2025) == pytest.approx(0.0)
    assert math.isnan(tr.required_growth(100, 2022, 300, 2022))
    assert tr.years_to_reach(100, 200, 1.0) == pytest.approx(1.0)
    assert tr.years_to_reach(100, 200, -0.1) == math.inf
    assert tr.years_to_reach(300, 200, 0.0) == 0


def test_distance_to_target_uses_the_latest_year_and_its_range():
    data = figures(
        [
            fig("Y20", "turnover", "2020-01", "2020-12", 100),
            fig("Y21", "turnover", "2021-01", "2021-12", 150),
            fig("Y22", "turnover", "2022-01", "2022-12", 121),
            fig("Y22b", "turnover", "2022-01", "2022-12", 100, kind="media_report"),
        ]
    )
    annual = tr.annual_trade(data, flows=["turnover"])
    distance = tr.distance_to_target(annual, target_value=146.41, target_year=2024)
    rows = distance.set_index("path")
    need = rows.loc["required"]
    assert need["base_year"] == 2022 and need["growth"] == pytest.approx(0.1)
    # the lowest base figure (100) needs the most growth
    assert need["growth_high"] == pytest.approx((146.41 / 100) ** 0.5 - 1)
    assert rows.loc["observed average", "growth"] == pytest.approx(0.1)  # 100 -> 121 in 2 years
    assert rows.loc["best year", "growth"] == pytest.approx(0.5)
    assert "needs +10.0% a year" in tr.describe_target(distance)


# --- mirror and neighbours --------------------------------------------------------------------


def test_mirror_gap_matches_same_period_and_basis_only():
    obs, src = observations_and_sources(
        [
            fig("K1", "export", "2023-01", "2023-12", 500),
            fig("K2", "turnover", "2022-01", "2022-12", 900),
            fig("A1", "import", "2023-01", "2023-12", 450, reporter="AFG", partner="KAZ"),
            fig(
                "A2",
                "turnover",
                "2024-03",
                "2025-03",
                200,
                reporter="AFG",
                partner="KAZ",
                basis="afghan_solar_year",
                kind="afghan_official",
            ),
        ]
    )
    mirror = tr.mirror_table(obs, src, reporter="KAZ", partner="AFG")
    matched = mirror[mirror["matched"]]
    assert len(matched) == 1
    row = matched.iloc[0]
    assert row["flow"] == "export"  # AFG's imports from KAZ face KAZ's exports
    assert row["gap"] == 50 and row["gap_pct"] == pytest.approx(50 / 450)
    assert len(mirror) == 3 and mirror["gap"].isna().sum() == 2
    assert "2023 export: $500M vs $450M" in tr.describe_mirror(mirror, "KAZ", "AFG")
    assert tr.mirror_sentence(mirror, "export", "Kazakhstan", "Afghanistan") == (
        "For 2023, Afghanistan's side reports $450M against Kazakhstan's $500M (10% below it)."
    )
    assert tr.mirror_sentence(mirror, "turnover", "Kazakhstan", "Afghanistan").startswith(
        "Afghanistan's own figures cover no period"
    )


def test_neighbours_from_both_reporters_with_flows_in_the_neighbours_view():
    obs, src = observations_and_sources(
        [
            fig("U1", "export", "2023-01", "2023-12", 900, reporter="UZB"),
            fig("U2", "import", "2023-01", "2023-12", 880, reporter="AFG", partner="UZB"),
            fig("U3", "export", "2023-01", "2023-12", 30, reporter="AFG", partner="UZB"),
            fig("T1", "turnover", "2023-01", "2023-12", 480, reporter="AFG", partner="TKM"),
        ]
    )
    table = tr.neighbour_table(
        obs, src, partner="AFG", countries=["UZB", "TKM", "PAK"], flows=tr.FLOWS
    )
    uzb = table[table["country"] == "UZB"].set_index(["reported_by", "flow"])["preferred_value"]
    # AFG's imports from UZB are UZB's exports to AFG; AFG's exports are UZB's imports
    assert uzb.to_dict() == {("AFG", "export"): 880, ("AFG", "import"): 30, ("UZB", "export"): 900}
    assert set(table["country"]) == {"UZB", "TKM"}
    note = tr.coverage_note(table, ["UZB", "TKM", "PAK"], "AFG")
    assert "PAK: none" in note and "TKM: 1 from AFG" in note
    assert list(tr.neighbour_years(table, "export").columns) == [
        "UZB (reported by AFG)",
        "UZB (reported by UZB)",
    ]


# --- goods ------------------------------------------------------------------------------------


def test_flour_share_published_and_derived():
    obs, src = observations_and_sources(
        [
            fig("S", "export", "2022-01", "2022-12", 70, commodity="1101", measure="share",
                unit="percent", note="share of Kazakh flour exports going to Afghanistan"),
            fig("Q1", "export", "2022-01", "2022-12", 1300, commodity="1101",
                measure="quantity", unit="thousand tonnes"),
            fig("Q2", "export", "2022-01", "2022-12", 1360, commodity="1101",
                measure="quantity", unit="thousand tonnes", kind="media_report"),
            fig("W", "export", "2022-01", "2022-12", 2000, commodity="1101", measure="quantity",
                unit="thousand tonnes", partner="WLD"),
        ]
    )  # fmt: skip
    share = tr.flour_share(obs, src).set_index("kind")
    assert share.loc["published", "share_pct"] == 70
    assert share.loc["derived", "share_pct"] == pytest.approx(65.0)
    assert share.loc["derived", "share_max"] == pytest.approx(68.0)


def test_goods_table_keeps_bases_apart():
    obs, src = observations_and_sources(
        [
            fig("C", "export", "2022-01", "2022-12", 1300, commodity="1101", measure="quantity",
                unit="thousand tonnes"),
            fig("MY", "export", "2021-07", "2022-06", 1070, commodity="1101",
                measure="quantity", unit="thousand tonnes", basis="marketing_year"),
        ]
    )  # fmt: skip
    commodities = pd.DataFrame({"code": ["1101"], "name": ["Wheat flour"]})
    goods = tr.goods_table(tr.goods_figures(obs, src, reporter="KAZ", partner="AFG"), commodities)
    assert list(goods["period_kind"]) == ["marketing_year", "year"]
    assert list(goods["mid_year"]) == pytest.approx([2022.0, 2022.5])
    assert set(goods["commodity_name"]) == {"Wheat flour"}


# --- trend and forecast -----------------------------------------------------------------------


def test_trend_forecast_recovers_growth_and_refuses_short_series():
    rows = [fig(f"Y{y}", "turnover", f"{y}-01", f"{y}-12", 100 * 1.1 ** (y - 2018))
            for y in range(2018, 2023)]  # fmt: skip
    data = figures(rows)
    annual = tr.annual_trade(data, flows=["turnover"])
    forecast = tr.trend_forecast(annual, until=2025, alpha=0.1)
    assert forecast.fitted and forecast.fit.growth == pytest.approx(0.1)
    assert list(forecast.predictions["period"]) == list(range(2018, 2026))
    assert (forecast.predictions["lower_50"] >= forecast.predictions["lower"] - 1e-9).all()
    assert len(forecast.sensitivity) == 3
    assert "5 annual point(s)" in forecast.trust

    short = tr.annual_trade(figures(rows[:2]), flows=["turnover"])
    refused = tr.trend_forecast(short, until=2025)
    assert not refused.fitted and refused.predictions.empty
    assert "at least 3 years" in refused.message and "there are 2" in refused.message


def test_trust_sentence_says_when_growth_and_decline_cannot_be_told_apart():
    values = {2020: 100, 2021: 300, 2022: 90, 2023: 280}
    data = figures([fig(f"Y{y}", "turnover", f"{y}-01", f"{y}-12", v) for y, v in values.items()])
    forecast = tr.trend_forecast(tr.annual_trade(data, flows=["turnover"]), until=2030)
    assert "cannot tell growth from decline" in forecast.trust
    assert "not as a forecast" in forecast.trust


def test_seasonal_forecast_on_a_simulated_monthly_series():
    rng = np.random.default_rng(3)
    months = pd.period_range("2018-01", periods=60, freq="M")
    pattern = np.tile(np.sin(np.arange(12) / 12 * 2 * np.pi) * 0.3, 5)
    truth = 50 * np.exp(pattern)
    observed = pd.Series(truth * np.exp(rng.normal(0, 0.03, 60)), index=months)
    forecast = tr.seasonal_forecast(observed, horizon=12, alpha=0.1)
    assert forecast.fitted
    ahead = forecast.predictions.tail(12)
    expected = 50 * np.exp(np.sin(np.arange(12) / 12 * 2 * np.pi) * 0.3)
    error = np.abs(ahead["fitted"].to_numpy() / expected - 1)
    covered = (ahead["lower"].to_numpy() <= expected) & (expected <= ahead["upper"].to_numpy())
    print(f"seasonal model: max relative error {error.max():.3f}, coverage {covered.mean():.2f}")
    assert error.max() < 0.1 and covered.mean() >= 0.9

    short = tr.seasonal_forecast(observed.iloc[:18])
    assert not short.fitted and "at least 24 consecutive months" in short.message


# --- empty data and parameters ----------------------------------------------------------------


def test_every_function_handles_no_data():
    empty = figures([])
    obs, src = observations_and_sources([fig("Z", "turnover", "2023-01", "2023-12", 5)])
    annual = tr.annual_trade(empty, flows=["turnover"], start_year=2020, end_year=2022)
    assert list(annual["n_figures"]) == [0, 0, 0]
    growth = tr.yoy_growth(annual, empty)
    assert not growth["comparable"].any()
    assert tr.headline_table(annual, growth).empty
    for frame in (
        tr.trade_balance(empty),
        tr.year_to_date_table(empty),
        tr.same_period_comparison(empty),
        tr.seasonal_shares(empty),
        tr.run_rate(empty),
        tr.distance_to_target(annual, target_value=3000, target_year=2030),
        tr.mirror_table(obs, src, reporter="UZB", partner="AFG"),
        tr.neighbour_table(obs, src, partner="PAK", countries=["UZB"]),
        tr.flour_share(obs, src, reporter="UZB"),
    ):
        assert frame.empty and len(frame.columns) > 0
    forecast = tr.trend_forecast(annual, until=2030)
    assert not forecast.fitted and "there are 0 (none)" in forecast.message
    text = tr.answer_paragraph(
        reporter_name="Uzbekistan",
        partner_name="Pakistan",
        flow="turnover",
        annual=annual,
        changes=tr.period_changes(annual, empty, [(2021, 2022)]),
        run_rates=tr.run_rate(empty),
        distance=tr.distance_to_target(annual, target_value=3000, target_year=2030),
        forecast=forecast,
        start_year=2020,
        end_year=2022,
    )
    assert text.startswith("**No full-year figure**") and "2020–2022" in text
    assert "no mirror view" in tr.describe_mirror(
        tr.mirror_table(obs, src, reporter="UZB", partner="AFG"), "UZB", "AFG"
    )
    assert "cannot be shown" in tr.describe_target(
        tr.distance_to_target(annual, target_value=1, target_year=2030)
    )


def test_answer_paragraph_states_the_numbers(two_sources):
    annual = tr.annual_trade(two_sources, flows=["turnover"], start_year=2020, end_year=2024)
    text = tr.answer_paragraph(
        reporter_name="Kazakhstan",
        partner_name="Afghanistan",
        flow="turnover",
        annual=annual,
        changes=tr.period_changes(annual, two_sources, [(2021, 2022)]),
        run_rates=tr.run_rate(two_sources),
        distance=tr.distance_to_target(annual, target_value=300, target_year=2026),
        forecast=tr.trend_forecast(annual, until=2026),
        start_year=2020,
        end_year=2024,
    )
    assert "It rose 100% from 2021 to 2022, to $200 million." in text
    assert "Across every pair of sources' figures the rise runs from 82% to 120%." in text
    assert "The latest full year, 2024, stands at $150 million." in text
    assert "Reaching $300 million by 2026 would need growth of 41.4% a year." in text
    assert "90% interval" in text and "assumes independent years" in text
    # Short sentences: none carries more than four quantities (years aside).
    for sentence in re.split(r"(?<=\.) ", text):
        quantities = [
            n
            for n in re.findall(r"\d[\d,.]*\d|\d", sentence)
            if not re.fullmatch(r"(19|20)\d\d", n)
        ]
        assert len(quantities) <= 4, sentence


def test_data_source_checks_name_the_parameter():
    # Flows, years and alpha are the notebook's rules (tests/test_parameter_rules.py).
    obs, src = observations_and_sources([fig("Z", "turnover", "2023-01", "2023-12", 5)])
    tables = types.SimpleNamespace(observations=obs, sources=src, imported=None)
    with pytest.raises(ValueError, match="parameter 'data_source' must be one of"):
        tr.imported_figures(tables, "excel")
    with pytest.raises(ValueError, match=r"'comtrade'.*kzaf.inputs.load\('comtrade'\)"):
        tr.imported_figures(tables, "comtrade")  # the loader at the edge was not asked for them
    assert tr.imported_figures(tables, "published") is None
    assert tr.observations_in_use(tables, None)[0] is obs
    assert tr.data_note(None) == "Published figures only."


def test_comtrade_data_source_puts_imported_figures_beside_published_ones():
    obs, src = observations_and_sources([fig("P22", "export", "2022-01", "2022-12", 900)])
    ct_obs, ct_src = observations_and_sources(
        [
            fig("CT1", "export", "2022-01", "2022-12", 950, source="fixture-comtrade"),
            fig("CT2", "export", "2022-02", "2022-02", 80, source="fixture-comtrade"),
        ]
    )
    imported = ImportedFigures(ct_obs, ct_src, synthetic=True)
    tables = types.SimpleNamespace(observations=obs, sources=src, imported=imported)
    assert tr.imported_figures(tables, "comtrade") is imported
    merged_obs, merged_src = tr.observations_in_use(tables, imported)
    note = tr.data_note(imported)
    assert note.startswith("**SYNTHETIC TEST DATA:**") and "2 imported UN Comtrade" in note
    figs = tr.trade_figures(merged_obs, merged_src, reporter="KAZ", partner="AFG")
    annual = tr.annual_trade(figs, flows=["export"])
    row = annual.set_index("year").loc[2022]
    assert (row["n_figures"], row["value_min"], row["value_max"]) == (2, 900, 950)


def test_monthly_turnover_is_derived_from_exports_and_imports_of_one_source():
    rows = []
    for month in range(1, 4):
        rows += [
            fig(f"X{month}", "export", f"2023-{month:02d}", f"2023-{month:02d}", 10 * month,
                source="fixture-db"),
            fig(f"M{month}", "import", f"2023-{month:02d}", f"2023-{month:02d}", 1,
                source="fixture-db"),
        ]  # fmt: skip
    rows.append(fig("X4", "export", "2023-04", "2023-04", 99, source="fixture-db"))  # no import
    monthly = tr.monthly_series(figures(rows))
    assert monthly.name == "turnover (exports + imports)"
    assert list(monthly) == [11, 21, 31]
    assert list(tr.monthly_series(figures(rows), flow="export")) == [10, 20, 30, 99]


def test_bounds_are_set_aside_only_where_a_point_figure_exists():
    data = figures(
        [
            fig("P23", "turnover", "2023-01", "2023-12", 567.5),
            fig("U23", "turnover", "2023-01", "2023-12", 1000, precision="at_most"),
            fig("O23", "turnover", "2023-01", "2023-06", 343, precision="at_least"),
            fig("P22", "turnover", "2022-01", "2022-12", 987.9),
        ]
    )
    kept = tr.point_figures(data)
    assert set(kept["obs_id"]) == {"P23", "O23", "P22"}  # "over 343" is the only H1 figure
    assert list(tr.set_aside(data)["obs_id"]) == ["U23"]
    annual = tr.annual_trade(data, flows=["turnover"])
    assert annual.set_index("year").loc[2023, "value_max"] == 567.5
    growth = tr.yoy_growth(annual, data).set_index("year")
    assert growth.loc[2023, "growth_max"] == pytest.approx(567.5 / 987.9 - 1)


def test_a_long_steady_series_is_not_called_weak():
    rng = np.random.default_rng(11)
    rows = [
        fig(
            f"Y{y}",
            "turnover",
            f"{y}-01",
            f"{y}-12",
            100 * 1.08 ** (y - 2012) * rng.uniform(0.97, 1.03),
        )
        for y in range(2012, 2022)
    ]
    forecast = tr.trend_forecast(tr.annual_trade(figures(rows), flows=["turnover"]), until=2024)
    assert not forecast.weak and "reasonable summary of the past" in forecast.trust
    assert forecast.fit.growth_low < 0.08 < forecast.fit.growth_high


def test_annual_sums_only_for_complete_years_of_one_source():
    rows = []
    for month in range(1, 13):
        rows += [
            fig(f"X{month}", "export", f"2022-{month:02d}", f"2022-{month:02d}", 10,
                source="fixture-db"),
            fig(f"M{month}", "import", f"2022-{month:02d}", f"2022-{month:02d}", 1,
                source="fixture-db"),
        ]  # fmt: skip
        if month < 12:  # 2023 lacks December
            rows.append(fig(f"Y{month}", "export", f"2023-{month:02d}", f"2023-{month:02d}", 10,
                            source="fixture-db"))  # fmt: skip
    sums = tr.annual_sums(figures(rows)).set_index("flow")
    assert set(sums.index) == {"export", "import", "turnover"}
    assert (sums.loc["export", "value"], sums.loc["import", "value"]) == (120, 12)
    assert sums.loc["turnover", "value"] == 132
    assert sums["derived"].all() and set(sums["period_label"]) == {"2022"}
    assert "sum of 24 monthly figures (exports + imports)" in sums.loc["turnover", "note"]
    annual = tr.annual_trade(tr.with_annual_sums(figures(rows)), flows=["export"])
    assert list(annual["year"]) == [2022]


def test_describe_mirror_summarises_single_months():
    rows = []
    for month, (mine, theirs) in enumerate([(100, 110), (90, 100), (120, 100)], start=1):
        period = f"2023-{month:02d}"
        rows += [
            fig(f"K{month}", "export", period, period, mine),
            fig(f"A{month}", "import", period, period, theirs, reporter="AFG", partner="KAZ"),
        ]
    obs, src = observations_and_sources(rows)
    text = tr.describe_mirror(
        tr.mirror_table(obs, src, reporter="KAZ", partner="AFG"), "KAZ", "AFG"
    )
    assert "Single months, export: 3 reported by both" in text
    assert "median −9.1%" in text and "from −10.0% to +20.0%" in text
