"""What the risk notebook tells its readers: tables and sentences generated from the results.

Nothing here computes a finding; it arranges the outputs of the other modules so that the
notebook's answer and headline tables stay true when the data or the parameters change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kzaf.frames import rows as table_rows
from kzaf.risk.assessment import Assessment, closure_frequency
from kzaf.risk.register import EventEvidence, Risk
from kzaf.risk.scenarios import Baseline, ScenarioParameters
from kzaf.text.numbers import fmt_fixed, fmt_general, fmt_pct, fmt_whole


def rules_table(register: Sequence[Risk]) -> pd.DataFrame:
    """How each risk is scored: one row per piece of evidence, with its scale and reason."""
    rows = []
    for risk in register:
        if not risk.evidence:
            rows.append(
                {
                    "risk": risk.risk_id,
                    "dimension": "–",
                    "evidence": "none in the data",
                    "scale": "–",
                    "why": "No sourced figure informs this risk.",
                }
            )
        for item in risk.evidence:
            if isinstance(item, EventEvidence):
                where = f" by {', '.join(item.countries)}" if item.countries else ""
                evidence = (
                    f"count of {item.kind.replace('_', ' ')} events{where} in "
                    f"{item.window_years} years" + (" (episodes)" if item.episodes else "")
                )
            else:
                evidence = f"{item.code} ({item.subject})"
            safer = item.direction == "higher_safer"
            rows.append(
                {
                    "risk": risk.risk_id,
                    "dimension": item.dimension,
                    "evidence": evidence,
                    "scale": f"{fmt_general(item.scale[0])} to {fmt_general(item.scale[1])}"
                    + (" (higher is safer)" if safer else ""),
                    "why": item.role,
                }
            )
    return pd.DataFrame(rows)


def register_headline(register: pd.DataFrame) -> pd.DataFrame:
    """The register's checked table: scores, rating, evidence counts, status, override flag."""
    table = pd.DataFrame(
        {
            "risk": register["risk_id"],
            "name": register["name"],
            "likelihood": register["likelihood"].astype(object),
            "impact": register["impact"].astype(object),
            "rating (likelihood × impact)": register["rating"].astype(object),
            "figures used (likelihood + impact)": register["n_likelihood"].astype(str)
            + " + "
            + register["n_impact"].astype(str),
            "status": register["status"],
            "override": np.where(register["overridden"], register["override_note"], ""),
        }
    )
    for column, source in (
        ("likelihood", "likelihood"),
        ("impact", "impact"),
        ("rating (likelihood × impact)", "rating"),
    ):
        table[column] = [
            "–" if pd.isna(v) else str(int(v)) for v in register[source].astype(object)
        ]
    if not register["overridden"].any():  # an empty column says nothing to a reader
        table = table.drop(columns="override")
    return table


def ranking_headline(probabilities: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """The checked ranking table: each scored risk's chance of ranking first and top three."""
    scored = probabilities.dropna(subset=["p_top_three"])
    return pd.DataFrame(
        {
            "risk": scored["risk_id"],
            "name": scored.get("name", ""),
            "P(first)": scored["p_first"].round(decimals),
            "P(top three)": scored["p_top_three"].round(decimals),
            "median rank": scored["median_rank"].astype(int),
            "90% of ranks": [
                f"{int(a)}–{int(b)}"
                for a, b in zip(scored["rank_q05"], scored["rank_q95"], strict=True)
            ],
        }
    ).reset_index(drop=True)


def scenario_assumptions(parameters: ScenarioParameters, basis: Mapping[str, str]) -> pd.DataFrame:
    """Each scenario parameter, its value and where it comes from (``basis`` by name)."""
    rows = [
        {"parameter": name, "value": value, "basis": basis.get(name, "analyst assumption")}
        for name, value in vars(parameters).items()
    ]
    return pd.DataFrame(rows).astype({"value": str})


def _join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return _join([f"{i} ({names[i]})" for i in ids]) if ids else ""


def answer_text(
    *,
    as_of: int,
    names: Mapping[str, str],
    register: pd.DataFrame,
    index_table: pd.DataFrame,
    composite: float,
    normalisation: str,
    aggregation: str,
    equal_weights: bool,
    probabilities: pd.DataFrame,
    distribution: pd.DataFrame,
    ranking_drivers: pd.DataFrame,
    trajectory: pd.DataFrame,
    n_draws: int,
    baseline: Baseline,
    reach: pd.DataFrame,
    target_year: int,
) -> str:
    """The notebook's answer paragraph, in numbers taken from the results."""
    scored = index_table.dropna(subset=["score"]).sort_values("rank")
    weights = "equal weights" if equal_weights else "the chosen weights"
    top = _names(scored.head(3)["risk_id"].tolist(), names)
    dist = distribution.iloc[0]
    lines = [
        f"**Answer (assessment year {as_of}; scores are model estimates).** "
        + _ranked_sentence(scored, register)
        + f"With {weights}, {normalisation.replace('_', '-')} normalisation and {aggregation} "
        f"aggregation, the highest scores go to {top}. "
        + _monte_carlo_sentence(scored, probabilities, n_draws)
        + _driver_sentence(ranking_drivers),
        f"The composite risk index is {fmt_fixed(composite, 2)} on a 0–1 scale (90% of draws "
        f"{fmt_fixed(dist['q05'], 2)}–{fmt_fixed(dist['q95'], 2)}){_trend_clause(trajectory)}.",
        _trade_paragraph(baseline, reach, target_year),
    ]
    return "\n\n".join(lines)


def _ranked_sentence(scored: pd.DataFrame, register: pd.DataFrame) -> str:
    """How many risks can be ranked, which cannot and why, and any analyst overrides."""
    unscored = register[~register["risk_id"].isin(scored["risk_id"])]
    missing = []
    for row in table_rows(unscored):
        what = "no evidence at all" if row.status == "insufficient data" else row.status
        missing.append(f"{row.risk_id} ({what})")
    overridden = register.loc[register["overridden"], "risk_id"].tolist()
    return (
        f"{len(scored)} of the {len(register)} risks can be ranked, having sourced evidence "
        f"(or an analyst's score) on both likelihood and impact; "
        + (
            f"{_join(missing)} cannot, and no score is invented for them. "
            if missing
            else "all can. "
        )
        + (f"Analyst overrides are in force for {', '.join(overridden)}. " if overridden else "")
    )


def _monte_carlo_sentence(scored: pd.DataFrame, probabilities: pd.DataFrame, n_draws: int) -> str:
    """Which risks the Monte Carlo puts in the top three most and least often."""
    top = scored.head(3)["risk_id"].tolist()
    ranked = probabilities.dropna(subset=["p_top_three"])
    first, second = ranked.iloc[0], ranked.iloc[1]
    last = ranked.iloc[-1]
    leader_p = float(ranked.set_index("risk_id").loc[top[0], "p_top_three"]) if top else 0.0
    return (
        f"Across {fmt_whole(n_draws)} Monte Carlo draws that vary the weights, the normalisation, "
        f"the aggregation and the disputed figures, the risks most often in the top three are "
        f"{first['risk_id']} ({fmt_pct(first['p_top_three'], 0)} of draws) and {second['risk_id']} "
        f"({fmt_pct(second['p_top_three'], 0)})"
        + (
            f", while {top[0]}, first on the chosen settings, is in the top three in "
            f"{fmt_pct(leader_p, 0)}"
            if top[0] not in (first["risk_id"], second["risk_id"])
            else ""
        )
        + f"; {last['risk_id']} is least often ({fmt_pct(last['p_top_three'], 0)})."
    )


def _driver_sentence(ranking_drivers: pd.DataFrame) -> str:
    """The input, other than a risk's own weight, that moves the ranking most."""
    others = ranking_drivers[~ranking_drivers.index.str.startswith("weight ")]
    if not len(others):
        return ""
    column = others.max(axis=0).idxmax()
    factor = str(others[column].idxmax())
    return (
        f" Apart from each risk's own weight, the input that moves the ranking most is "
        f"the {factor.replace('range: ', 'range of ')} "
        f"({fmt_pct(others[column].loc[factor], 0)} "
        f"of the variance of {column}'s rank)."
    )


def _trend_clause(trajectory: pd.DataFrame) -> str:
    shown = trajectory.dropna(subset=["composite"])
    if len(shown) < 2:
        return ""
    before, now = shown.iloc[-2], shown.iloc[-1]
    return (
        f"; on the figures available each year it was {fmt_fixed(before['composite'], 2)} in "
        f"{int(before['year'])} and {fmt_fixed(now['composite'], 2)} in {int(now['year'])}"
    )


def _trade_paragraph(baseline: Baseline, reach: pd.DataFrame, target_year: int) -> str:
    """The trade trend and the chance of reaching each threshold (model estimates)."""
    fit = baseline.fit
    if fit is None:  # trade_baseline always fits a trend; a hand-made Baseline may not
        raise ValueError("the trade baseline carries no fitted trend to describe")
    chances = " and ".join(
        f"{row.Index} at {fmt_pct(row.p_in_target_year, 0)}"
        for row in table_rows(reach.set_index("threshold"))
    )
    return (
        f"For trade, a log-linear trend through the full-year turnover of "
        f"{fit.years[0]}–{fit.years[-1]} ({fmt_pct(baseline.growth, 0, signed=True)} a year, "
        f"interval {fmt_pct(fit.growth_low, 0, signed=True)} to "
        f"{fmt_pct(fit.growth_high, 0, signed=True)}) and the "
        f"shocks assumed here put the probability that turnover in {target_year} is at least "
        + chances
        + " (model estimates from t predictive paths that carry the trend's parameter "
        "uncertainty; the assumptions are listed below)."
    )


def answer_for(
    result: Assessment,
    *,
    names: Mapping[str, str],
    normalisation: str,
    aggregation: str,
    target_year: int,
) -> str:
    """:func:`answer_text` for an :class:`~kzaf.risk.assessment.Assessment`."""
    return answer_text(
        as_of=result.as_of,
        names=names,
        register=result.register,
        index_table=result.index_table,
        composite=result.composite,
        normalisation=normalisation,
        aggregation=aggregation,
        equal_weights=result.equal_weights,
        probabilities=result.probabilities,
        distribution=result.distribution,
        ranking_drivers=result.ranking_drivers,
        trajectory=result.trajectory,
        n_draws=result.draws.n_draws,
        baseline=result.baseline,
        reach=result.reach,
        target_year=target_year,
    )


def scenario_basis(result: Assessment, events: pd.DataFrame, since: int = 2021) -> dict[str, str]:
    """Where the scenario defaults can be anchored in the data, by parameter name."""

    def latest(code: str, subject: str) -> pd.Series:
        rows = result.evidence[
            (result.evidence["code"] == code) & (result.evidence["subject"] == subject)
        ]
        return rows.iloc[0] if len(rows) else pd.Series({"latest_value": np.nan})

    end = result.as_of
    count, rate = closure_frequency(events, risk_id="R4", countries=["UZB"], start=since, end=end)
    basis = {
        "closure_probability": (
            f"data: {count} Uzbek suspension(s) of rail freight to Afghanistan recorded in "
            f"{since}–{end}, {fmt_fixed(rate, 2)} a year (closures on the Afghan–Pakistani border "
            f"do not "
            "stop the northern route and are not counted)"
        ),
        "noise_scale": "the trend fit's own uncertainty (1 = as estimated)",
    }
    suspension = latest("rail_suspension_days", "hairatan_mazar_railway")
    torkham = result.evidence_series[result.evidence_series["code"] == "border_closure_days"]
    if pd.notna(suspension["latest_value"]):
        basis["closure_days"] = (
            f"data: the recorded Uzbek suspension lasted {fmt_general(suspension['latest_value'])} "
            f"days; "
            "Torkham closures "
            f"{fmt_general(torkham['low'].min())}–{fmt_general(torkham['high'].max())} days"
        )
    share = latest("import_share_via_hairatan", "AFG")
    if pd.notna(share["latest_value"]):
        basis["closure_trade_share"] = (
            f"data: about {fmt_general(share['latest_value'])}% of Afghan imports pass Hairatan "
            f"({int(share['latest_year'])}); the rest can switch to Turkmen routes"
        )
    return basis


def key_points_for(result: Assessment, *, names: Mapping[str, str], target_year: int) -> list[str]:
    """Three to five plain sentences for the top of the reader page: which risks lead, how
    firm that ranking is, what cannot be scored, and what the trade scenarios say (model
    estimates, named as such)."""
    scored = result.index_table.dropna(subset=["score"]).sort_values("rank")
    top = scored.head(3)["risk_id"].tolist()
    ranked = result.probabilities.dropna(subset=["p_top_three"])
    unscored = result.register[~result.register["risk_id"].isin(scored["risk_id"])]
    points = [
        f"On the sourced evidence, the largest risks to the southern route are "
        f"{_join([names.get(r, r) for r in top])} (model scores, not measurements)."
    ]
    if len(ranked):
        firm = ranked[ranked["p_top_three"] >= 0.5]
        if len(firm):
            points.append(
                "Changing the weights and methods keeps "
                + _join([names.get(r, r) for r in firm["risk_id"]])
                + f" in the top three in at least half of {fmt_whole(result.draws.n_draws)} "
                f"trials; the "
                "order of the rest "
                "depends on those choices."
            )
    if len(unscored):
        points.append(
            f"{len(unscored)} of the {len(result.register)} risks cannot be scored, lacking "
            "sourced evidence on likelihood, impact or both: "
            + _join([names.get(r, r) for r in unscored["risk_id"]])
            + "."
        )
    reach = result.reach.set_index("threshold")
    if len(reach):
        chances = " and ".join(
            f"{row.Index} about {fmt_pct(row.p_in_target_year, 0)}" for row in table_rows(reach)
        )
        points.append(
            f"Under the assumed shocks, the modelled chance that annual turnover reaches "
            f"{chances} by {target_year} (t predictive estimates from a short, uncertain trend)."
        )
    return points[:5]
