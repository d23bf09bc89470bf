"""C4 and C5 (kzaf.claim_checks.locomotive) on fixture observations with known answers, and on
the project's data for what must hold whatever figures land."""

import pandas as pd
import pytest
from event_fixtures import obs, tables_with

from kzaf import claim_checks, data

ARTICLE = "diplomat-2024-02-evolving-policy"


@pytest.fixture(scope="module")
def base():
    return data.load()


def _shipment(value=133.8):
    return {"obs_id": "FX-900", "flow": "export", "commodity": "8602", "value": value,
            "source_id": ARTICLE}  # fmt: skip


def _customs(value=133.8):
    """The same shipment from a second (fixture) source: the article's figure is then not
    the only one, so the comparisons can confirm the claim."""
    return {"obs_id": "FX-950", "flow": "export", "commodity": "8602", "value": value,
            "source_id": "fixture-customs"}  # fmt: skip


def _verdict(tables, claim, options=None):
    ledger = claim_checks.evaluate(tables, [claim], options=options)
    return ledger.iloc[0]


# ---------------------------------------------------------------------------------------------
# C4


def test_c4_without_monthly_partner_figures_is_not_testable_and_says_what_exists(base):
    observations = obs(
        _shipment(),
        {"obs_id": "FX-901", "end": "2023-05", "value": 316.6, "source_id": "fixture-ytd"},
        {"obs_id": "FX-902", "partner": "CHN", "end": "2023-12", "value": 36000,
         "source_id": "fixture-chn"},
        {"obs_id": "FX-903", "partner": "KGZ", "end": "2023-12", "value": 1300,
         "source_id": "fixture-kgz"},
    )  # fmt: skip
    row = _verdict(tables_with(base, observations), "C4")
    assert row["verdict"] == "not testable with current data"
    assert "between 133.8 (the shipment alone, FX-900) and 316.6" in row["evidence"]
    assert "published for 2 other partner(s); 1 of them (CHN)" in row["evidence"]
    assert "UN Comtrade monthly data" in row["evidence"]
    assert "fixture-ytd" in row["sources"] and "fixture-chn" in row["sources"]


def _january(partners, world=None, afg=None, independent=True):
    rows = [_customs()] if independent else []
    rows += [
        {"obs_id": f"FX-{100 + i}", "partner": p, "value": v, "source_id": "fixture-month"}
        for i, (p, v) in enumerate(partners)
    ]
    if world is not None:
        rows.append({"obs_id": "FX-199", "partner": "WLD", "value": world,
                     "source_id": "fixture-month"})  # fmt: skip
    if afg is not None:
        rows.append({"obs_id": "FX-198", "partner": "AFG", "value": afg,
                     "source_id": "fixture-month"})  # fmt: skip
    return obs(_shipment(), *rows)


NINE = [("CHN", 2500), ("RUS", 2000), ("ITA", 1200), ("NLD", 600), ("TUR", 500), ("UZB", 400),
        ("KOR", 350), ("DEU", 300), ("FRA", 250)]  # fmt: skip


def test_c4_confirmed_when_even_the_worst_case_rank_is_in_the_top_ten(base):
    # Nine partners (8,100 together) above Afghanistan's 170: rank 10. The world total leaves
    # 8,370 - 8,100 - 170 = 100 unseen, less than 170, so no unseen partner can beat it.
    observations = _january(NINE, world=8370, afg=170)
    row = _verdict(tables_with(base, observations), "C4")
    # The rank holds; "thanks to the locomotives" cannot be shown, since without the shipment
    # Afghanistan could still rank 10th (best case) or 16th (worst).
    assert [p["verdict"] for p in row["parts"]] == ["confirmed", "not testable with current data"]
    assert row["verdict"] == "confirmed where testable", row["evidence"]
    assert "ranks 10 among 10 partners" in row["evidence"]
    assert "without the shipment (36.2) it would rank" in row["evidence"]


def test_c4_what_the_shipment_did_is_self_sourced_when_only_the_article_gives_it(base):
    observations = _january(NINE, world=8370, afg=170, independent=False)
    row = _verdict(tables_with(base, observations), "C4")
    assert [p["verdict"] for p in row["parts"]] == ["confirmed", "not testable (self-sourced)"]
    assert "Only the article gives the shipment's value (FX-900)" in row["evidence"]


def test_c4_contradicted_when_ten_partners_have_more(base):
    observations = _january([*NINE, ("KGZ", 200)], afg=170)
    row = _verdict(tables_with(base, observations), "C4")
    assert row["verdict"] == "contradicted"
    assert "ranks 11" in row["evidence"]


def test_c4_not_testable_when_unseen_partners_could_outrank(base):
    observations = _january(NINE[:5], afg=170)  # no all-partner total: worst case unbounded
    row = _verdict(tables_with(base, observations), "C4")
    assert row["verdict"] == "not testable with current data"
    assert "unbounded" in row["evidence"]


# ---------------------------------------------------------------------------------------------
# C5


def _c5(kgz=(1317.0,), aze=((529.4, False), (598.5, True)), independent=True):
    rows = [_shipment(), *([_customs()] if independent else [])]
    for i, value in enumerate(kgz):
        rows.append({"obs_id": f"FX-3{i:02d}", "reporter": "KGZ", "partner": "KAZ",
                     "end": "2023-12", "value": value, "source_id": f"fixture-kgz{i}"})  # fmt: skip
    for i, (value, suspect) in enumerate(aze):
        rows.append({"obs_id": f"FX-4{i:02d}", "partner": "AZE", "end": "2023-12", "value": value,
                     "suspect": suspect, "source_id": f"fixture-aze{i}"})  # fmt: skip
    return obs(*rows)


def test_c5_tests_every_reading_and_keeps_the_conflict_visible(base):
    row = _verdict(tables_with(base, _c5()), "C5")
    evidence = row["evidence"]
    assert row["verdict"] == "confirmed within tolerance"  # both together: 133.8 vs 153.8–159.6
    assert "KGZ alone (109.8 a month): 1.22 times, contradicted" in evidence
    assert "AZE alone (44.1–49.9 a month): 2.68–3.03 times, contradicted" in evidence
    assert "KGZ + AZE together (153.9–159.6 a month): 0.84–0.87 times" in evidence
    assert "Reading 'each separately' (both must hold): contradicted" in evidence
    assert "529.4 (FX-400) conflicts with 598.5 (FX-401)" in evidence
    assert "Leaving the suspect figures out changes no verdict" in evidence


def test_c5_tolerance_is_an_option(base):
    tables = tables_with(base, _c5())
    assert _verdict(tables, "C5", {"c5_tolerance": 0.1})["verdict"] == "contradicted"
    assert _verdict(tables, "C5", {"c5_tolerance": 0.25})["verdict"] == (
        "confirmed within tolerance"
    )


def test_c5_untestable_reading_is_never_called_contradicted(base):
    row = _verdict(tables_with(base, _c5(kgz=())), "C5")
    # AZE alone fails, but KGZ has no figure: "each" and "together" cannot be tested.
    assert row["verdict"] == "not testable with current data"


def test_c5_holding_only_on_the_articles_own_figure_is_self_sourced(base):
    """The review found C5 confirmed on the article's own shipment figure: with no other
    source for it, a reading that holds is not testable (self-sourced)."""
    row = _verdict(tables_with(base, _c5(independent=False)), "C5")
    assert row["verdict"] == "not testable (self-sourced)"
    assert "Taking the article's own figure, reading 'each separately'" in row["evidence"]


def test_c5_a_self_sourced_figure_the_record_rules_out_is_still_contradicted(base):
    observations = _c5(independent=False)
    observations.loc[observations["obs_id"] == "FX-900", "value"] = 1000.0
    assert _verdict(tables_with(base, observations), "C5")["verdict"] == "contradicted"


def test_checks_use_the_article_figure_not_notebook_parameters(base):
    observations = _c5()
    observations.loc[observations["obs_id"].isin(["FX-900", "FX-950"]), "value"] = 150.0
    row = _verdict(tables_with(base, observations), "C5")
    assert "Shipment 150 (FX-900)" in row["evidence"]
    assert row["verdict"] == "confirmed within tolerance"


def test_without_the_article_figure_both_checks_say_so(base):
    observations = obs({"value": 500, "end": "2023-12"})
    ledger = claim_checks.evaluate(tables_with(base, observations), ["C4", "C5"])
    assert set(ledger["verdict"]) == {"not testable with current data"}
    assert ledger["evidence"].str.contains("no single-month HS 8602 figure").all()


def test_c5_says_whose_figures_it_compares(base):
    """A figure is called "KAZ-reported" only when it is attributed to Kazakhstan."""
    observations = _c5()
    observations["attributed_to"] = observations["reporter"]
    observations.loc[observations["obs_id"] == "FX-400", "attributed_to"] = "not_stated"
    evidence = _verdict(tables_with(base, observations), "C5")["evidence"]
    assert "529.4 (side not stated: FX-400)" in evidence
    assert "598.5 (KAZ-reported, suspect: FX-401)" in evidence


def test_on_the_project_data_c4_is_not_testable_and_c5_has_a_verdict_per_reading(base):
    ledger = claim_checks.evaluate(base, ["C4", "C5"]).set_index("claim_id")
    # Published data hold no monthly partner totals (a monthly import would change this).
    monthly = base.observations[
        (base.observations["reporter"] == "KAZ")
        & (base.observations["period_start"] == pd.Period("2023-01", freq="M"))
        & (base.observations["period_end"] == pd.Period("2023-01", freq="M"))
        & (base.observations["commodity"] == "TOTAL")
    ]
    if monthly.empty:
        assert ledger.loc["C4", "verdict"] == "not testable with current data"
    for reading in ("KGZ alone", "AZE alone", "KGZ + AZE together", "each separately"):
        assert reading in ledger.loc["C5", "evidence"]
