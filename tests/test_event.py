"""kzaf.event on hand-made tables whose answers are known (fixtures, not data)."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from event_fixtures import events, indicators, obs, sources, sources_for

from kzaf import data
from kzaf import event as ev

SHIPMENT = ev.event_from("2023-01", 100.0, "8602")


@pytest.fixture(scope="module")
def tables():
    return data.load()


# ---------------------------------------------------------------------------------------------
# The event


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"month": "2023-13"}, "event_month='2023-13' is not a month"),
        ({"month": "Jan 2023"}, "event_month='Jan 2023' is not a month"),
        ({"value_usd_m": -5.0}, "event_value_usd_m=-5.0 must be a positive"),
        ({"value_usd_m": "133.8"}, "event_value_usd_m='133.8' must be a number"),
        ({"hs_code": 8602}, "hs_code=8602 must be an HS code as a string"),
        ({"hs_code": "860"}, "hs_code='860' must be an HS code"),
    ],
)
def test_bad_event_parameters_are_named(kwargs, message):
    arguments = {"month": "2023-01", "value_usd_m": 133.8, "hs_code": "8602", **kwargs}
    with pytest.raises(ValueError, match=message):
        ev.event_from(**arguments)


# ---------------------------------------------------------------------------------------------
# Decomposition


def _aggregates():
    return obs(
        {"obs_id": "FX-001", "flow": "export", "end": "2023-05", "value": 250},
        {"obs_id": "FX-002", "flow": "turnover", "end": "2023-12", "value": 500},
        {"obs_id": "FX-003", "flow": "turnover", "end": "2023-12", "value": 520,
         "source_id": "fixture-b"},
        {"obs_id": "FX-004", "flow": "import", "end": "2023-12", "value": 20},  # not an export
        {"obs_id": "FX-005", "flow": "turnover", "start": "2023-02", "end": "2023-12",
         "value": 450},  # does not contain January
        {"obs_id": "FX-006", "flow": "export", "commodity": "86", "end": "2023-03", "value": 120},
        {"obs_id": "FX-007", "flow": "export", "commodity": "1001", "end": "2023-12",
         "value": 80},  # other goods
        {"obs_id": "FX-008", "flow": "export", "commodity": "8602", "value": 100},  # itself
        {"obs_id": "FX-009", "flow": "turnover", "end": "2023-12", "value": 1000,
         "unit": "USD million per year"},
        {"obs_id": "FX-010", "flow": "turnover", "start": "2022-03", "end": "2023-02",
         "value": 700, "basis": "afghan_solar_year"},
        {"obs_id": "FX-011", "reporter": "AFG", "partner": "KAZ", "flow": "import",
         "end": "2023-12", "value": 480, "source_id": "fixture-c"},  # mirror
        {"obs_id": "FX-012", "flow": "turnover", "end": "2023-06", "value": 90,
         "precision": "at_least"},
        {"obs_id": "FX-013", "flow": "turnover", "end": "2023-03", "value": 60},  # too small
    )  # fmt: skip


def test_containing_aggregates_keeps_every_total_that_holds_the_shipment():
    observations = _aggregates()
    found = ev.containing_aggregates(observations, sources_for(observations), SHIPMENT)
    assert sorted(found["obs_id"]) == [
        "FX-001", "FX-002", "FX-003", "FX-006", "FX-011", "FX-012", "FX-013",
    ]  # fmt: skip
    assert set(found.loc[found["obs_id"] == "FX-011", "side"]) == {"mirror"}


def test_decomposition_shares_rest_and_flags():
    observations = _aggregates()
    found = ev.containing_aggregates(observations, sources_for(observations), SHIPMENT)
    table = ev.decompose(found, SHIPMENT).set_index("obs_id")
    assert table.loc["FX-001", "shipment_share"] == pytest.approx(0.4)
    assert table.loc["FX-002", "rest_usd_m"] == pytest.approx(400)
    assert table.loc["FX-006", "shipment_share"] == pytest.approx(100 / 120)
    assert table.loc["FX-012", "share_bound"] == "at most"  # "over 90"
    assert not table.loc["FX-013", "consistent"]  # 60 cannot hold a 100 shipment
    assert table.loc["FX-002", "consistent"]
    headline = ev.decomposition_headline(ev.decompose(found, SHIPMENT))
    assert list(headline.columns) == [
        "period", "flow", "goods", "source", "aggregate_usd_m", "shipment_share_pct",
        "rest_usd_m", "flag",
    ]  # fmt: skip
    assert (
        "cannot hold the shipment"
        in headline.loc[headline["aggregate_usd_m"] == 60, "flag"].iloc[0]
    )
    ranges = ev.share_range(ev.decompose(found, SHIPMENT)).set_index(
        ["side", "flow", "period_label"]
    )
    year = ranges.loc[("reporter", "turnover", "2023")]
    assert year["n_figures"] == 2
    assert year["share_low"] == pytest.approx(100 / 520)
    assert year["share_high"] == pytest.approx(0.2)


def test_year_on_year_change_with_and_without_the_shipment_across_sources():
    observations = obs(
        {"flow": "turnover", "end": "2023-12", "value": 500},
        {"flow": "turnover", "end": "2023-12", "value": 550, "source_id": "fixture-b"},
        {"flow": "turnover", "start": "2022-01", "end": "2022-12", "value": 1000},
        {"flow": "turnover", "start": "2022-01", "end": "2022-12", "value": 400,
         "source_id": "fixture-s", "suspect": True},
        {"flow": "export", "end": "2023-05", "value": 300},
        {"flow": "export", "start": "2022-01", "end": "2022-05", "value": 200},
        {"flow": "export", "start": "2022-01", "end": "2022-06", "value": 260},  # other months
    )  # fmt: skip
    changes = ev.year_on_year_changes(observations, sources_for(observations), SHIPMENT)
    assert len(changes) == 5  # 2 x 2 full-year pairs, 1 same-months pair
    ranges = ev.change_ranges(changes).set_index(["flow", "comparison"])
    year = ranges.loc[("turnover", "full year")]
    assert year["n_pairs"] == 2 and year["n_suspect_left_out"] == 2
    assert year["change_with_low"] == pytest.approx(-0.5)
    assert year["change_with_high"] == pytest.approx(-0.45)
    assert year["change_without_low"] == pytest.approx(-0.6)
    assert year["change_without_high"] == pytest.approx(-0.55)
    ytd = ranges.loc[("export", "same months")]
    assert ytd["change_with_low"] == pytest.approx(0.5)
    assert ytd["change_without_low"] == pytest.approx(0.0)
    with_suspect = ev.change_ranges(changes, include_suspect=True).set_index(["flow", "comparison"])
    assert with_suspect.loc[("turnover", "full year"), "change_with_high"] == pytest.approx(0.375)
    headline = ev.change_headline(ev.change_ranges(changes))
    assert sorted(headline["change_with_pct"]) == ["+50.0", "−50.0 to −45.0"]


def test_event_month_bounds_from_the_shipment_and_the_smallest_aggregate():
    observations = obs(
        {"flow": "turnover", "end": "2023-05", "value": 316.6},
        {"flow": "turnover", "end": "2023-12", "value": 567.5},
        {"flow": "turnover", "end": "2023-03", "value": 900, "suspect": True},
        {"flow": "export", "end": "2023-02", "value": 150},  # exports do not bound turnover
    )
    bounds = ev.event_month_bounds(observations, sources_for(observations), SHIPMENT)
    assert bounds["low"] == 100
    assert bounds["high_value"] == 316.6
    assert bounds["high"] == pytest.approx(316.65)
    assert "FX-001" in bounds["high_from"]
    with pytest.raises(ValueError, match="flow='import' does not include"):
        ev.event_month_bounds(observations, sources_for(observations), SHIPMENT, flow="import")


# ---------------------------------------------------------------------------------------------
# Plausibility


def _locomotive_indicators():
    return indicators(
        {"indicator": "locomotive_unit_price", "value": 4.0, "precision": "at_least"},
        {"indicator": "locomotive_unit_price", "value": 5.0},
        {"indicator": "locomotive_unit_price", "value": 40.0, "suspect": True},  # misprint
        {"indicator": "locomotive_unit_price", "value": 4000, "unit": "USD thousand per unit"},
        {"indicator": "locomotive_plant_capacity", "value": 100, "unit": "units per year"},
        {"indicator": "locomotive_plant_capacity", "value": 50, "unit": "units per year",
         "subject": "other_plant"},
        {"indicator": "locomotive_buyer_country", "subject": "TJK", "precision": "presence",
         "unit": "countries"},
        {"indicator": "locomotive_buyer_country", "subject": "UZB", "precision": "presence",
         "unit": "countries"},
        {"indicator": "locomotive_buyer_countries", "subject": "KAZ", "value": 8,
         "unit": "countries", "note": "eight buyers"},
        {"indicator": "locomotive_production", "value": 40, "unit": "units"},
        {"indicator": "route_length", "value": 573, "unit": "km"},
    )  # fmt: skip


def test_unit_price_range_from_sourced_figures_or_parameters():
    prices = ev.unit_price_range(_locomotive_indicators())
    assert (prices.low_usd_m, prices.high_usd_m) == (4.0, 5.0)  # suspect and other units out
    assert "over 4.0" in prices.provenance and "FI-001" in prices.provenance
    chosen = ev.unit_price_range(_locomotive_indicators(), 3.0, 3.5)
    assert (chosen.low_usd_m, chosen.high_usd_m) == (3.0, 3.5)
    assert chosen.provenance == "set by the notebook's parameters"
    assert ev.unit_price_range(indicators({"indicator": "route_length", "value": 1})) is None
    with pytest.raises(ValueError, match="unit_price_high_usd_m is missing"):
        ev.unit_price_range(_locomotive_indicators(), 3.0, None)
    with pytest.raises(ValueError, match="must satisfy 0 < low <= high"):
        ev.unit_price_range(_locomotive_indicators(), 5.0, 4.0)


def test_plausibility_sets_implied_units_against_capacity_and_buyers():
    prices = ev.unit_price_range(_locomotive_indicators())
    result = ev.plausibility(
        _locomotive_indicators(), events("Fixture locomotive delivery", "Other"), SHIPMENT, prices
    )
    assert (result.units_low, result.units_high) == (pytest.approx(20), pytest.approx(25))
    assert result.capacity_share == (pytest.approx(0.2), pytest.approx(0.5))
    assert result.partner_listed is False  # AFG is not among TJK, UZB
    assert len(result.buyer_events) == 1
    table = result.table()
    assert "20–25" in set(table["value"])
    assert "no" in set(table["value"])
    context = result.context_table()
    assert list(context["indicator"]) == ["locomotive production"]
    assert context["implied_multiple"].iloc[0] == "0.5–0.62"


def test_plausibility_says_what_is_absent():
    result = ev.plausibility(
        indicators({"indicator": "route_length", "value": 1}), events(), SHIPMENT, None
    )
    assert result.units_low is None and result.partner_listed is None
    text = " ".join(result.missing)
    assert "no unit price" in text and "no plant capacity" in text and "no buyer countries" in text
    assert set(result.table()["quantity"]) == {"not in the data"}


# ---------------------------------------------------------------------------------------------
# Comparisons


def _partner_years():
    return obs(
        {"obs_id": "FX-101", "reporter": "KGZ", "partner": "KAZ", "end": "2023-12", "value": 1200},
        {"obs_id": "FX-102", "partner": "AZE", "end": "2023-12", "value": 480},
        {"obs_id": "FX-103", "partner": "AZE", "end": "2023-12", "value": 600,
         "source_id": "fixture-b", "suspect": True},
        {"obs_id": "FX-104", "partner": "AZE", "end": "2023-06", "value": 300},  # part year
        {"obs_id": "FX-105", "partner": "UZB", "flow": "export", "end": "2023-12", "value": 300,
         "source_id": "fixture-u"},
        {"obs_id": "FX-106", "partner": "UZB", "flow": "import", "end": "2023-12", "value": 60,
         "source_id": "fixture-u"},
    )  # fmt: skip


def test_annual_partner_turnover_reads_both_sides_and_sums_exports_and_imports():
    observations = _partner_years()
    annual = ev.annual_partner_turnover(
        observations, sources_for(observations), reporter="KAZ", partners=["KGZ", "AZE", "UZB"],
        year=2023,
    )  # fmt: skip
    rows = annual.set_index("obs_id")
    assert rows.loc["FX-101", "reporter"] == "KGZ"
    assert rows.loc["FX-101", "monthly_average_usd_m"] == pytest.approx(100)
    assert "FX-104" not in rows.index
    derived = rows.loc["FX-105+FX-106"]
    assert derived["derived"] and derived["annual_usd_m"] == pytest.approx(360)


@pytest.mark.parametrize(
    ("value", "tolerance", "expected"),
    [
        (100.0, 0.2, ["confirmed", "contradicted", "contradicted"]),
        (115.0, 0.2, ["confirmed within tolerance", "contradicted", "confirmed within tolerance"]),
        (100.0, 0.0, ["confirmed", "contradicted", "contradicted"]),
        (140.0, 0.2, ["contradicted", "contradicted", "confirmed"]),
        (135.0, 0.2, ["contradicted", "contradicted", "confirmed within tolerance"]),
        (135.0, 0.0, ["contradicted", "contradicted", "contradicted"]),
    ],
)
def test_readings_of_the_comparison(value, tolerance, expected):
    observations = _partner_years()
    annual = ev.annual_partner_turnover(
        observations, sources_for(observations), reporter="KAZ", partners=["KGZ", "AZE"], year=2023
    )
    readings = ev.compare_with_monthly_averages(
        value, annual, ["KGZ", "AZE"], tolerance, include_suspect=True
    )
    assert list(readings["reading"]) == ["KGZ alone", "AZE alone", "KGZ + AZE together"]
    together = readings.iloc[2]
    assert together["monthly_low_usd_m"] == pytest.approx(140)  # 100 + 40
    assert together["monthly_high_usd_m"] == pytest.approx(150)  # 100 + 50 (suspect kept)
    assert list(readings["verdict"]) == expected


def test_readings_without_figures_are_not_testable_and_tolerance_is_checked():
    empty = ev.annual_partner_turnover(
        obs({"value": 1}), sources("fixture-a"), reporter="KAZ", partners=["KGZ"], year=2023
    )
    readings = ev.compare_with_monthly_averages(100.0, empty, ["KGZ", "AZE"], 0.2)
    assert set(readings["verdict"]) == {"not testable with current data"}
    with pytest.raises(ValueError, match=r"tolerance=1\.5"):
        ev.compare_with_monthly_averages(100.0, empty, ["KGZ"], 1.5)


def test_rank_in_month_with_and_without_an_all_partner_total():
    observations = obs(
        *[{"partner": p, "value": v, "obs_id": f"FX-2{i:02d}"}
          for i, (p, v) in enumerate([("CHN", 2500), ("RUS", 2000), ("ITA", 1200), ("UZB", 300),
                                      ("KGZ", 100), ("AFG", 180)])],
    )  # fmt: skip
    figures = ev.monthly_partner_figures(
        observations, sources_for(observations), reporter="KAZ", month="2023-01"
    )
    rank = ev.rank_in_month(figures, "AFG", 180)
    assert (rank.best, rank.worst, rank.n_partners_with_figures) == (5, None, 5)
    with_world = pd.concat(
        [figures, pd.DataFrame([{"partner": "WLD", "value_usd_m": 6800.0, "derived": False,
                                  "obs_ids": ["FX-299"]}])], ignore_index=True,
    )  # fmt: skip
    # Unseen trade: 6800 - 6100 - 180 = 520, so at most 2 unseen partners above 180.
    assert ev.rank_in_month(with_world, "AFG", 180).worst == 7
    assert ev.rank_in_month(with_world, "AFG", 180, value_is_lower_bound=True).best == 1


def test_monthly_partner_turnover_sums_exports_and_imports_where_needed():
    observations = obs(
        {"partner": "CHN", "flow": "export", "value": 1000},
        {"partner": "CHN", "flow": "import", "value": 1500},
        {"partner": "RUS", "flow": "turnover", "value": 2000},
        {"partner": "RUS", "flow": "turnover", "value": 2100, "source_id": "fixture-b"},
    )
    figures = ev.monthly_partner_figures(
        observations, sources_for(observations), reporter="KAZ", month="2023-01"
    ).set_index("partner")
    assert figures.loc["CHN", "value_usd_m"] == 2500 and figures.loc["CHN", "derived"]
    assert figures.loc["RUS", "value_usd_m"] in (2000, 2100)


# ---------------------------------------------------------------------------------------------
# Monthly series and the counterfactual


def _monthly(values, start="2020-01", flow="export", commodity="TOTAL", source="fixture-m"):
    months = pd.period_range(start, periods=len(values), freq="M")
    return obs(
        *[
            {"obs_id": f"FM-{commodity[:2]}{flow[0]}{i:03d}", "start": str(m), "flow": flow,
             "commodity": commodity, "value": v, "source_id": source}
            for i, (m, v) in enumerate(zip(months, values, strict=True))
            if v is not None
        ]
    )  # fmt: skip


def test_monthly_series_keeps_gaps_and_builds_turnover():
    exports = _monthly([10, None, 30, 40])
    imports = _monthly([1, 2, 3, None], flow="import")
    observations = pd.concat([exports, imports], ignore_index=True)
    src = sources_for(observations)
    values = ev.monthly_series(observations, src, reporter="KAZ", partner="AFG", flow="export")
    assert list(values.index.astype(str)) == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert math.isnan(values.iloc[1]) and values.iloc[2] == 30
    turnover = ev.monthly_series(observations, src, reporter="KAZ", partner="AFG", flow="turnover")
    assert list(turnover.dropna()) == [11, 33]


def _pulse_series(pulse=80.0, n_pre=36, n_post=4, seed=1):
    rng = np.random.default_rng(seed)
    n = n_pre + n_post
    values = 50 + np.cumsum(rng.normal(0, 0.5, n)) + rng.normal(0, 2, n)
    values[n_pre] += pulse
    index = pd.period_range("2020-01", periods=n, freq="M")
    return pd.Series(values, index=index), index[n_pre]


def test_pulse_effect_reports_like_causal_impact():
    values, month = _pulse_series()
    impact = ev.pulse_effect(values, month, alpha=0.05, seasonal_harmonics=0)
    effect, low, high = impact.event_effect
    assert low < 80 < high and abs(effect - 80) < 8
    assert impact.pre_months == 36 and impact.post_months == 4
    post = impact.pointwise[impact.pointwise["period"] == "post"]
    assert list(post["month"]) == list(values.index[36:])
    assert (post["predicted_lower"] < post["predicted"]).all()
    assert (post["predicted"] < post["predicted_upper"]).all()
    assert post["cum_effect"].iloc[-1] == pytest.approx(post["effect"].sum())
    summary = impact.summary
    assert summary.loc["cumulative", "actual"] == pytest.approx(values.iloc[36:].sum())
    assert summary.loc["average", "abs_effect"] == pytest.approx(
        summary.loc["cumulative", "abs_effect"] / 4
    )
    assert summary.loc["cumulative", "rel_effect_lower"] < summary.loc["cumulative", "rel_effect"]
    assert impact.p_value < 0.01
    text = ev.describe_impact(impact, "fixture exports", shipment_usd_m=80.0)
    assert "model estimate, not an observation" in text
    assert "lies inside the event month's effect interval" in text
    assert "distinguishable from zero" in text


def test_pulse_effect_is_reproducible_and_refuses_bad_input():
    values, month = _pulse_series()
    a = ev.pulse_effect(values, month, seasonal_harmonics=0, seed=3)
    b = ev.pulse_effect(values, month, seasonal_harmonics=0, seed=3)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    with pytest.raises(ValueError, match="needs at least 24"):
        ev.pulse_effect(values.iloc[20:], month)
    with pytest.raises(ValueError, match="outside the series"):
        ev.pulse_effect(values, "2030-01")
    with pytest.raises(ValueError, match=r"alpha=1\.5"):
        ev.pulse_effect(values, month, alpha=1.5)
    with pytest.raises(ValueError, match="PeriodIndex"):
        ev.pulse_effect(values.reset_index(drop=True), month)
    with pytest.raises(ValueError, match="log_scale=True needs positive values"):
        ev.pulse_effect(values - 1000, month, log_scale=True)


def test_post_period_stops_at_a_gap():
    values, month = _pulse_series()
    values.iloc[38] = np.nan
    impact = ev.pulse_effect(values, month, seasonal_harmonics=0)
    assert impact.post_months == 2
    assert any("cut to 2 month" in n for n in impact.notes)


def test_counterfactual_needs_monthly_data_and_says_how_to_supply_it(tables):
    result = ev.monthly_counterfactual(tables.observations, tables.sources, SHIPMENT)
    assert result.total is None
    message = ev.counterfactual_message(result, SHIPMENT)
    assert "from UN Comtrade, import it into the project and run this notebook" in message
    assert "documentation gives the two commands" in message
    assert message.endswith(
        "before January 2023 and none for that month; the model needs at least 24 before it."
    )


def test_counterfactual_on_monthly_series_separates_the_goods_from_the_rest():
    values, month = _pulse_series(pulse=75.0)
    total = _monthly(list(values.round(3)))
    goods = _monthly([75.0 if m == month else None for m in values.index], commodity="8602")
    observations = pd.concat([total, goods], ignore_index=True)
    event = ev.event_from(str(month), 75.0, "8602")
    result = ev.monthly_counterfactual(observations, sources_for(observations), event)
    assert ev.counterfactual_message(result, event) == ""
    assert result.total.event_effect[1] < 75 < result.total.event_effect[2]
    _, rest_low, rest_high = result.rest.event_effect
    assert rest_low < 0 < rest_high  # nothing else happened that month
    row = result.monthly.set_index("month").loc[month]
    assert row["rest_usd_m"] == pytest.approx(row["total_usd_m"] - 75)


# ---------------------------------------------------------------------------------------------
# Data sources


def test_unknown_data_source_is_named(tables):
    with pytest.raises(ValueError, match="data_source='oec' is unknown"):
        ev.monthly_data(tables, "oec")


def test_comtrade_without_imported_figures_says_how_to_load_them(tables):
    with pytest.raises(ValueError, match=r"kzaf.inputs.load\('comtrade'\)"):
        ev.monthly_data(tables, "comtrade")


def test_synthetic_comtrade_data_gets_a_banner_and_never_reaches_the_claims(tables):
    monthly = _monthly([1.0, 2.0], source="fixture-synthetic")
    imported = data.ImportedFigures(monthly, sources("fixture-synthetic"), synthetic=True)
    with_import = dataclasses.replace(tables, imported=imported)
    loaded = ev.monthly_data(with_import, "comtrade")
    assert loaded.observations is monthly
    assert loaded.synthetic and "SYNTHETIC TEST FIXTURE, NOT DATA" in ev.synthetic_banner(loaded)
    assert ev.claim_tables(with_import, loaded) is with_import
    real = ev.MonthlyData(monthly, sources("fixture-synthetic"), "comtrade", synthetic=False)
    merged = ev.claim_tables(tables, real)
    assert len(merged.observations) == len(tables.observations) + 2
    with pytest.raises(ValueError, match="exist in both"):
        ev.with_observations(tables, tables.observations.iloc[:1], sources("fixture-x"))


# ---------------------------------------------------------------------------------------------
# Words


def test_answer_text_is_built_from_the_numbers():
    observations = _aggregates()
    found = ev.containing_aggregates(observations, sources_for(observations), SHIPMENT)
    decomposition = ev.decompose(found, SHIPMENT)
    prices = ev.unit_price_range(_locomotive_indicators())
    plaus = ev.plausibility(_locomotive_indicators(), events(), SHIPMENT, prices)
    text = ev.answer_text(SHIPMENT, decomposition, ev.change_ranges(pd.DataFrame()), plaus,
                          pd.DataFrame(columns=ev.READING_COLUMNS))  # fmt: skip
    assert "The $100 million shipment of January 2023 would be" in text
    assert "about 20–25 units" in text
    assert "20% to 50% of one plant's published yearly capacity" in text
    assert "AFG is not on the published list of buyers" in text


NO_AGGREGATE = pd.DataFrame(columns=["side", "suspect", "shipment_share"])


def test_the_answer_sets_capacity_beside_what_the_plant_actually_built():
    """The review's finding: the short answer spoke of capacity (the shipment would fit) while
    the body showed most of a year's actual output and a buyer list without the partner."""
    full_year = indicators(
        {"indicator": "locomotive_unit_price", "value": 4.0},
        {"indicator": "locomotive_unit_price", "value": 5.0},
        {"indicator": "locomotive_plant_capacity", "value": 100, "unit": "units per year"},
        {"indicator": "locomotive_production", "value": 30, "unit": "units",
         "start": "2022-01", "end": "2022-12"},
        {"indicator": "locomotive_buyer_countries", "subject": "KAZ", "value": 5,
         "unit": "countries", "note": "Fixtureland the fifth buyer; named buyers: Tajikistan, "
         "Uzbekistan; Afghanistan not named."},
    )  # fmt: skip
    plaus = ev.plausibility(full_year, events(), SHIPMENT, ev.unit_price_range(full_year))
    reports = pd.DataFrame({"publisher": ["Fixture Magazine"], "kind": ["media_report"]})
    names = {"KAZ": "Kazakhstan", "AFG": "Afghanistan"}
    no_change = ev.change_ranges(pd.DataFrame())
    readings = pd.DataFrame(columns=ev.READING_COLUMNS)
    text = ev.answer_text(SHIPMENT, NO_AGGREGATE, no_change, plaus, readings, reports=reports,
                          names=names)  # fmt: skip
    assert "capacity does not rule it out" in text
    assert "But it is 67% to 83% of the 30 units that plant built in 2022." in text
    assert "names 3 of 5; Afghanistan is not among them" in text
    assert "Only Fixture Magazine reports the shipment itself, and no statistical table" in text
    points = ev.key_points(SHIPMENT, NO_AGGREGATE, no_change, plaus, names, None, reports)
    assert any("within one plant's yearly capacity, but 67% to 83% of all it built" in p
               for p in points)  # fmt: skip
    assert any("Afghanistan is not among them" in p for p in points)
