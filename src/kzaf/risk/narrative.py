"""What the risk notebook tells its readers: tables and sentences generated from the results.

Nothing here computes a finding; it arranges the outputs of the other modules so that the
notebook's answer and headline tables stay true when the data or the parameters change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzaf.frames import rows as table_rows
from kzaf.risk.assessment import Assessment, closure_frequency
from kzaf.risk.register import EventEvidence, Risk
from kzaf.risk.scenarios import Baseline, PartYear, ScenarioParameters
from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_fixed, fmt_general, fmt_level, fmt_pct, fmt_usd_m, fmt_whole


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
    outlook: TradeOutlook,
) -> str:
    """The notebook's answer, in short sentences with numbers taken from the results."""
    scored = index_table.dropna(subset=["score"]).sort_values("rank")
    weights = "equal weights" if equal_weights else "the chosen weights"
    top = _join([names.get(r, r) for r in scored.head(3)["risk_id"]])
    dist = distribution.iloc[0]
    ranking = [
        f"**Answer (assessment year {as_of}; scores are model estimates from few figures and "
        "judgement scales, not measurements).**",
        *_ranked_sentences(scored, register, names),
        f"With {weights}, {normalisation.replace('_', '-')} normalisation and {aggregation} "
        f"aggregation, the highest scores go to {top}.",
        *_monte_carlo_sentences(scored, probabilities, n_draws, names),
        _driver_sentence(ranking_drivers, names),
    ]
    composite_text = (
        f"The composite risk index is {fmt_fixed(composite, 2)} on a 0–1 scale (90% of draws "
        f"between {fmt_fixed(dist['q05'], 2)} and {fmt_fixed(dist['q95'], 2)})."
        + _trend_clause(trajectory)
    )
    return "\n\n".join(
        [" ".join(s for s in ranking if s), composite_text, " ".join(trade_sentences(outlook))]
    )


def _ranked_sentences(
    scored: pd.DataFrame, register: pd.DataFrame, names: Mapping[str, str]
) -> list[str]:
    """How many risks can be ranked, which cannot and why, and any analyst overrides."""
    unscored = register[~register["risk_id"].isin(scored["risk_id"])]
    missing = []
    for row in table_rows(unscored):
        what = "no evidence at all" if row.status == "insufficient data" else row.status
        missing.append(f"{names.get(row.risk_id, row.risk_id)} ({what})")
    overridden = [names.get(r, r) for r in register.loc[register["overridden"], "risk_id"]]
    return [
        f"{len(scored)} of the {len(register)} risks can be ranked, having sourced evidence "
        "(or an analyst's score) on both likelihood and impact.",
        f"{_join(missing)} cannot, and no score is invented for them." if missing else "",
        f"Analyst overrides are in force for {_join(overridden)}." if overridden else "",
    ]


def _monte_carlo_sentences(
    scored: pd.DataFrame, probabilities: pd.DataFrame, n_draws: int, names: Mapping[str, str]
) -> list[str]:
    """Which risks the Monte Carlo puts in the top three most and least often."""
    top = scored.head(3)["risk_id"].tolist()
    ranked = probabilities.dropna(subset=["p_top_three"])
    first, second, last = ranked.iloc[0], ranked.iloc[1], ranked.iloc[-1]
    shares = [fmt_pct(first["p_top_three"], 0), fmt_pct(second["p_top_three"], 0)]
    sentences = [
        f"Across {fmt_whole(n_draws)} Monte Carlo draws that vary the weights, the methods and "
        f"the disputed figures, {names.get(first['risk_id'], first['risk_id'])} and "
        f"{names.get(second['risk_id'], second['risk_id'])} are most often in the top three "
        + (
            f"({shares[0]} of draws each)."
            if shares[0] == shares[1]
            else f"({shares[0]} and {shares[1]} of draws)."
        )
    ]
    if top and top[0] not in (first["risk_id"], second["risk_id"]):
        leader_p = float(ranked.set_index("risk_id").loc[top[0], "p_top_three"])
        sentences.append(
            f"{names.get(top[0], top[0])}, first on the chosen settings, is in the top three in "
            f"{fmt_pct(leader_p, 0)} of draws."
        )
    sentences.append(
        f"{names.get(last['risk_id'], last['risk_id'])} is least often in the top three "
        f"({fmt_pct(last['p_top_three'], 0)})."
    )
    return sentences


def _driver_sentence(ranking_drivers: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The input, other than a risk's own weight, that moves the ranking most."""
    others = ranking_drivers[~ranking_drivers.index.str.startswith("weight ")]
    if not len(others):
        return ""
    column = others.max(axis=0).idxmax()
    factor = str(others[column].idxmax())
    return (
        f"Apart from each risk's own weight, the input that moves the ranking most is "
        f"the {factor.replace('range: ', 'range of ')}: it explains "
        f"{fmt_pct(others[column].loc[factor], 0)} of the variance of the rank of "
        f"{names.get(str(column), str(column))}."
    )


def _trend_clause(trajectory: pd.DataFrame) -> str:
    shown = trajectory.dropna(subset=["composite"])
    if len(shown) < 2:
        return ""
    before = shown.iloc[-2]
    return (
        f" On the figures available then, it was {fmt_fixed(before['composite'], 2)} in "
        f"{int(before['year'])}."
    )


@dataclass(frozen=True)
class TradeOutlook:
    """What the trade sentences need: the baseline, the range across predictive assumptions,
    the part-year condition, the thresholds and the year tested."""

    baseline: Baseline
    table: pd.DataFrame  # kzaf.risk.scenarios.predictive_range
    part_year: PartYear | None
    thresholds: Mapping[str, float]
    downside_value: float
    target_year: int

    @property
    def first_year(self) -> int:
        return int(self.baseline.years[0])


def outlook_of(result: Assessment, target_year: int) -> TradeOutlook:
    """The :class:`TradeOutlook` of an assessment (its thresholds are those it tested)."""
    thresholds = dict(zip(result.reach["threshold"], result.reach["value"], strict=True))
    return TradeOutlook(
        baseline=result.baseline, table=result.predictive_range, part_year=result.part_year,
        thresholds=thresholds, downside_value=result.downside_value, target_year=target_year,
    )  # fmt: skip


def chance_range(values: pd.Series | Sequence[float]) -> str:
    """'24–35%', 'about 35%' when the ends print alike, 'under 1%' for a tiny chance."""
    low, high = float(min(values)), float(max(values))

    def whole(p: float) -> str:
        return "under 1" if 0 < p < 0.005 else f"{p * 100:.0f}"

    a, b = whole(low), whole(high)
    return f"about {a}%" if a == b else f"{a}–{b}%" if a != "under 1" else f"under 1% to {b}%"


def trade_sentences(outlook: TradeOutlook) -> list[str]:
    """The trade outlook in short sentences: the trend and its caveat, the part-year
    condition, then each chance with its event, its assumptions and the words 'model
    estimate'."""
    fit = outlook.baseline.fit
    if fit is None:  # trade_baseline always fits a trend; a hand-made Baseline may not
        raise ValueError("the trade baseline carries no fitted trend to describe")
    year, table = outlook.target_year, outlook.table
    sentences = [
        f"For trade, the simulated paths follow a log-linear trend through the "
        f"{len(fit.years)} full years {fit.years[0]}–{fit.years[-1]}: "
        f"{fmt_pct(fit.growth, 0, signed=True)} a year ({fmt_level(fit.alpha)} interval "
        f"{fmt_pct(fit.growth_low, 0, signed=True)} to {fmt_pct(fit.growth_high, 0, signed=True)}"
        f", which {INDEPENDENT_YEARS}), so the data cannot tell growth from decline."
        if fit.growth_low < 0 < fit.growth_high
        else f"For trade, the simulated paths follow a log-linear trend through the "
        f"{len(fit.years)} full years {fit.years[0]}–{fit.years[-1]}.",
        _part_year_sentence(outlook),
        "The chances below are model estimates, given as a range across three predictive "
        f"assumptions (plug-in normal, normal with parameter uncertainty, Student t), with the "
        f"shocks listed below and a persistence prior ({_prior_words(outlook.baseline)}).",
    ]
    for label in outlook.thresholds:
        sentences.append(
            f"Chance (model estimate) of turnover of at least {label} in {year}: "
            f"{chance_range(table[f'in:{label}'])}; in at least one year from "
            f"{outlook.first_year} to {year}: {chance_range(table[f'by:{label}'])}."
        )
    sentences.append(
        f"Chance (model estimate) of turnover below {fmt_usd_m(outlook.downside_value)} in "
        f"{year}: {chance_range(table['below'])}."
    )
    return [s for s in sentences if s]


def _prior_words(baseline: Baseline) -> str:
    if baseline.rho_max == 0:
        return "none: deviations from the trend are independent from year to year"
    return (
        f"deviations from the trend may persist from year to year, persistence uniform on "
        f"0–{fmt_fixed(baseline.rho_max, 1)}"
    )


def _part_year_sentence(outlook: TradeOutlook) -> str:
    part = outlook.part_year
    if part is None or part.year not in set(outlook.baseline.years.tolist()):
        return ""
    low, high = part.bounds()
    above = sorted((v, label) for label, v in outlook.thresholds.items() if v > high)
    return (
        f"The paths respect the published {part.label} figure "
        f"({fmt_usd_m(part.value_high)}): only {part.year} totals between "
        f"{fmt_usd_m(round(low))} and {fmt_usd_m(round(high))} are kept"
        + (f", so {above[0][1]} or more in {part.year} is ruled out." if above else ".")
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
        outlook=outlook_of(result, target_year),
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


def key_points_for(
    result: Assessment,
    *,
    names: Mapping[str, str],
    target_year: int,
) -> list[str]:
    """Five plain sentences for the top of the reader page: which risks lead and what they
    rest on (the page's largest caveat), how firm that ranking is, what cannot be scored, and
    the trade outlook's upside and downside (model estimates, their events named)."""
    scored = result.index_table.dropna(subset=["score"]).sort_values("rank")
    top = scored.head(3)["risk_id"].tolist()
    ranked = result.probabilities.dropna(subset=["p_top_three"])
    unscored = result.register[~result.register["risk_id"].isin(scored["risk_id"])]
    points = [
        f"On the sourced evidence, the largest risks to the southern route are "
        f"{_join([names.get(r, r) for r in top])}. These are model scores from few figures and "
        "judgement scales, not measurements."
    ]
    firm = ranked[ranked["p_top_three"] >= 0.5] if len(ranked) else ranked
    if len(firm):
        points.append(
            "Changing the weights and methods keeps "
            + _join([names.get(r, r) for r in firm["risk_id"]])
            + f" in the top three in at least half of {fmt_whole(result.draws.n_draws)} "
            "trials; the order of the rest depends on those choices."
        )
    if len(unscored):
        points.append(
            f"{len(unscored)} of the {len(result.register)} risks cannot be scored for lack of "
            "sourced evidence: " + _join([names.get(r, r) for r in unscored["risk_id"]]) + "."
        )
    return points + _trade_points(outlook_of(result, target_year))


def _trade_points(outlook: TradeOutlook) -> list[str]:
    """Two key points on trade: the chance of the first threshold in the target year and
    the downside, each a model estimate with its event, range and caveat."""
    table, year = outlook.table, outlook.target_year
    if table.empty or not outlook.thresholds:
        return []
    label = next(iter(outlook.thresholds))
    given = (
        f", given the published {outlook.part_year.label} figure"
        if outlook.part_year is not None
        else ""
    )
    return [
        f"Trade scenarios (model estimates under the assumed shocks{given}): annual turnover of "
        f"at least {label} in "
        f"{year} has a chance of {chance_range(table[f'in:{label}'])}, depending on the "
        "predictive assumption.",
        f"On the same model, turnover below {fmt_usd_m(outlook.downside_value)} in {year} has a "
        "chance of "
        f"{chance_range(table['below'])}: " + _why_wide(outlook.baseline),
    ]


def _why_wide(baseline: Baseline) -> str:
    """Why the scenarios spread so wide: the trend's own caveat."""
    fit, n = baseline.fit, len(baseline.posterior.years)
    if fit is not None and fit.growth_low < 0 < fit.growth_high:
        return f"{n} full years cannot tell growth from decline, so the scenarios rule out neither."
    return f"the trend rests on {n} full years, so the scenarios spread wide."


def reach_headline(outlook: TradeOutlook, decimals: int = 2) -> pd.DataFrame:
    """The checked table: for each predictive assumption, the paths kept and the chance of
    each event, its year named in the column ("in 2030", "in some year 2025–2030")."""
    table, year, first = outlook.table, outlook.target_year, outlook.first_year
    out = pd.DataFrame(
        {"predictive assumption": table["predictive"], "paths kept": table["paths_kept"]}
    )
    for label in outlook.thresholds:
        out[f"at least {label} in {year}"] = table[f"in:{label}"].round(decimals)
        out[f"at least {label} in some year {first}–{year}"] = table[f"by:{label}"].round(decimals)
    out[f"below {fmt_usd_m(outlook.downside_value)} in {year}"] = table["below"].round(decimals)
    return out


def reach_title(outlook: TradeOutlook, n_paths: int) -> str:
    """The checked table's title: model estimates, and every assumption they rest on."""
    part = outlook.part_year
    given = f"paths kept where {part.year} fits the published {part.label} figure; " if part else ""
    return (
        f"Chance that annual turnover reaches each threshold (model estimates from "
        f"{fmt_whole(n_paths)} simulated paths per assumption; {given}persistence prior: "
        f"{_prior_words(outlook.baseline)}; shocks as assumed below)"
    )


def model_assumptions(outlook: TradeOutlook) -> pd.DataFrame:
    """The trend model's own assumptions, as rows for the assumptions table."""
    part = outlook.part_year
    rows = [
        {
            "parameter": "predictive assumption",
            "value": "plug-in normal; normal with parameter uncertainty; Student t",
            "basis": "all three shown as a range; Student t is the headline (see the methods "
            "page for how often each one's ranges hold the truth)",
        },
        {
            "parameter": "persistence prior",
            "value": f"0–{fmt_fixed(outlook.baseline.rho_max, 1)}",
            "basis": "analyst assumption: a few years cannot estimate it; 0 " + INDEPENDENT_YEARS,
        },
    ]
    if part is not None:
        low, high = part.bounds()
        rows.append(
            {
                "parameter": "part-year pace",
                "value": f"{fmt_general(part.pace_low)}–{fmt_general(part.pace_high)}",
                "basis": f"data: {part.label} {fmt_usd_m(part.value_high)}; assumption: the "
                f"other months trade at this multiple of its pace, so {part.year} lies in "
                f"{fmt_usd_m(round(low))}–{fmt_usd_m(round(high))}",
            }
        )
    return pd.DataFrame(rows)


def fan_assumptions(outlook: TradeOutlook) -> str:
    """' (Student t paths, persistence prior 0–0.9; kept where 2025 fits its published
    January–August figure)': what the fan's bands assume, for the chart's note."""
    baseline, part = outlook.baseline, outlook.part_year
    prior = (
        f"persistence prior 0–{fmt_fixed(baseline.rho_max, 1)}"
        if baseline.rho_max > 0
        else f"the paths {INDEPENDENT_YEARS}"
    )
    kept = f"; kept where {part.year} fits the published {part.label} figure" if part else ""
    return f" (Student t paths, {prior}{kept})"
