"""C4 and C5: the January 2023 locomotive shipment (notebook 02_locomotive_effect).

Both rest on the article's own figure for the shipment, read from the data (the article's HS
8602 figure), never from notebook parameters, so the verdicts do not move when a reader
explores another event. While no other source gives that figure, a part that would hold only
on it is "not testable (self-sourced)": the article cannot confirm itself (a record the
figure cannot hold alongside still contradicts it). Options (from ``claims.evaluate``):
``source_policy`` (name or dict, for choosing among monthly figures), ``c5_tolerance``
(relative, default 0.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf import event as ev
from kzaf import series
from kzaf.claims import ClaimResult, Part, Verdict, check, from_parts
from kzaf.data import Tables
from kzaf.frames import rows as table_rows
from kzaf.provenance import attributions
from kzaf.text.numbers import fmt_number as _fmt

LOCOMOTIVE_HS = "8602"
C5_PARTNERS = ("KGZ", "AZE")
C5_TOLERANCE = 0.2  # relative distance from the nearer end of the range of average months
TOP = 10
C4_RANK = "Afghanistan was among Kazakhstan's ten largest trading partners in January 2023"
C4_BECAUSE = "the locomotive shipment is what put it there"
C5_EQUAL = (
    "the shipment equalled a month of Kazakhstan's trade with Kyrgyzstan and Azerbaijan "
    "(the reading most favourable to the article)"
)

# From least to most favourable to the article: a conjunction ("each") takes the lowest, a
# choice between readings the highest. A reading that cannot be tested ranks above one that
# fails, so the claim is never called contradicted while a reading that might hold is untested.
_ORDER = (Verdict.CONTRADICTED, Verdict.NOT_TESTABLE, Verdict.WITHIN_TOLERANCE, Verdict.CONFIRMED)


def article_shipment(tables: Tables, claim_id: str = "C4") -> tuple[ev.Event | None, str]:
    """The article's locomotive shipment as an event, and the obs_id it comes from."""
    claims = tables.claims
    source_id = claims.loc[claims["claim_id"] == claim_id, "source_id"].iloc[0]
    obs = tables.observations
    found = obs[
        (obs["source_id"] == source_id)
        & (obs["commodity"] == LOCOMOTIVE_HS)
        & (obs["measure"] == "value")
        & (obs["unit"] == ev.UNIT)
        & (obs["period_start"] == obs["period_end"])
    ].sort_values("obs_id")
    if found.empty:
        return None, ""
    row = found.iloc[0]
    shipment = ev.event_from(
        row["period_start"],
        float(row["value"]),
        LOCOMOTIVE_HS,
        reporter=row["reporter"],
        partner=row["partner"],
        flow=row["flow"],
    )
    return shipment, row["obs_id"]


def only_in_article(observations: pd.DataFrame, obs_id: str) -> bool:
    """True when no source but the figure's own gives the same figure (same flow, goods,
    partner, month and unit): the article's shipment is then self-sourced."""
    row = observations[observations["obs_id"] == obs_id].iloc[0]
    keys = ["reporter", "partner", "flow", "commodity", "measure", "period_start", "period_end"]
    same = (observations[keys] == row[keys]).all(axis=1) & (observations["unit"] == row["unit"])
    return bool((observations.loc[same, "source_id"] == row["source_id"]).all())


def _self_sourced(obs_id: str) -> str:
    return (
        f"Only the article gives the shipment's value ({obs_id}); no other source does, so "
        "nothing on record can confirm what it did."
    )


def _no_shipment(claim_id: str) -> ClaimResult:
    text = (
        "The data hold no single-month HS 8602 figure from the article, so there is no shipment "
        "to test."
    )
    names = (C4_RANK, C4_BECAUSE) if claim_id == "C4" else (C5_EQUAL,)
    return from_parts(claim_id, [Part(name, Verdict.NOT_TESTABLE, text) for name in names])


# ---------------------------------------------------------------------------------------------
# C4


def _partners_in(tables: Tables, reporter: str) -> list[str]:
    """Countries (not groups such as CAS or WLD) the reporter has a figure with."""
    observations, countries = tables.observations, tables.countries
    own = observations.loc[observations["reporter"] == reporter, "partner"]
    mirror = observations.loc[observations["partner"] == reporter, "reporter"]
    single = set(countries.loc[countries["comtrade_code"].notna(), "iso3"]) - {"WLD", reporter}
    return sorted((set(own) | set(mirror)) & single)


@check("C4")
def top_ten_partner(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    """Afghanistan's rank among Kazakhstan's partners in the shipment's month."""
    shipment, obs_id = article_shipment(tables, "C4")
    if shipment is None:
        return _no_shipment("C4")
    observations, sources = tables.observations, tables.sources
    policy = series.policy_from(options.get("source_policy", "official_first"))
    bounds = ev.event_month_bounds(observations, sources, shipment, flow="turnover")
    partner_figures = ev.monthly_partner_figures(
        observations, sources, reporter=shipment.reporter, month=shipment.month, policy=policy
    )
    others = partner_figures[~partner_figures["partner"].isin([shipment.partner, "WLD"])]
    used = [obs_id, *(i for ids in partner_figures["obs_ids"] for i in ids)]
    alone = only_in_article(observations, obs_id)
    if others.empty:
        parts, annual = _c4_unranked(tables, shipment, obs_id, bounds, partner_figures, alone)
        ceiling_id = bounds["high_from"].rsplit(", ", 1)[-1] if bounds["high_from"] else ""
        cited = ev.sources_of(_sources_for(observations, [*used, ceiling_id]), annual)
        return from_parts("C4", parts, cited, partner_figures)
    parts = _c4_ranked(tables, shipment, obs_id, bounds, partner_figures, alone)
    return from_parts("C4", parts, ev.sources_of(_sources_for(observations, used)), partner_figures)


def _settle(month_label: str) -> str:
    return (
        f" Kazakhstan's turnover with every partner in {month_label} (UN Comtrade monthly data "
        "with Kazakhstan as reporter, or the national statistics bureau's monthly bulletin, "
        "imported with `kzaf import comtrade`) would settle it."
    )


def _c4_unranked(
    tables: Tables,
    shipment: ev.Event,
    obs_id: str,
    bounds: Mapping[str, Any],
    partner_figures: pd.DataFrame,
    alone: bool,
) -> tuple[list[Part], pd.DataFrame]:
    """No other partner has a figure for the month: the rank cannot be computed. The parts,
    and the partners' full-year figures cited as context."""
    month_label = series.period_label(shipment.month, shipment.month)
    ceiling = (
        f"{_fmt(bounds['high_value'])} (the whole {bounds['high_from']})"
        if bounds["high"] != float("inf")
        else "no published ceiling"
    )
    partner_name = _name(tables, shipment.partner)
    context, annual = _c4_annual_context(tables, shipment, bounds["high"])
    has_world = bool((partner_figures["partner"] == "WLD").any())
    text = (
        f"No figure gives Kazakhstan's {month_label} trade with any other partner"
        f"{'' if has_world else ' or with the world'}, so {partner_name}'s rank cannot be "
        f"computed. {partner_name}'s {month_label} turnover with Kazakhstan lies between "
        f"{_fmt(bounds['low'])} (the shipment alone, {obs_id}) and {ceiling}.{context}"
        f"{_settle(month_label)}"
    )
    because = (
        Part(C4_BECAUSE, Verdict.SELF_SOURCED, _self_sourced(obs_id), "rank")
        if alone
        else Part(C4_BECAUSE, Verdict.NOT_TESTABLE, "Needs the rank first.", "rank")
    )
    return [Part(C4_RANK, Verdict.NOT_TESTABLE, text, "rank"), because], annual


def _c4_annual_context(
    tables: Tables, shipment: ev.Event, ceiling: float
) -> tuple[str, pd.DataFrame]:
    """How many other partners averaged more a month (annual / 12) than the ceiling, and
    their figures (suspect ones left out)."""
    annual = ev.annual_partner_turnover(
        tables.observations,
        tables.sources,
        reporter=shipment.reporter,
        partners=[p for p in _partners_in(tables, shipment.reporter) if p != shipment.partner],
        year=shipment.year,
    )
    annual = annual[~annual["suspect"].astype(bool)]
    if annual.empty:
        return "", annual
    best = annual.groupby("partner")["monthly_average_usd_m"].max()
    above = sorted(best[best > ceiling].index)
    text = (
        f" Full-year {shipment.year} turnover is published for {len(best)} other partner(s); "
        f"{len(above)} of them ({', '.join(above) or 'none'}) averaged more a month than "
        f"that ceiling (annual / 12, derived), which says nothing certain about one month."
    )
    return text, annual[annual["partner"].isin(above)]


def _c4_ranked(
    tables: Tables,
    shipment: ev.Event,
    obs_id: str,
    bounds: Mapping[str, Any],
    partner_figures: pd.DataFrame,
    alone: bool,
) -> list[Part]:
    """The rank, best and worst case, with and without the shipment."""
    own = partner_figures[partner_figures["partner"] == shipment.partner]
    lower_bound = own.empty  # only the shipment is known of the month's trade
    value = bounds["low"] if lower_bound else float(own["value_usd_m"].iloc[0])
    rank = ev.rank_in_month(partner_figures, shipment.partner, value, lower_bound)
    without = (
        None
        if lower_bound
        else ev.rank_in_month(partner_figures, shipment.partner, value - shipment.value_usd_m)
    )
    month_label = series.period_label(shipment.month, shipment.month)
    worst = "unbounded (no all-partner total)" if rank.worst is None else str(rank.worst)
    text = (
        f"With {'at least ' if lower_bound else ''}{_fmt(value)} of turnover in {month_label}, "
        f"{_name(tables, shipment.partner)} ranks {rank.best} among "
        f"{rank.n_partners_with_figures + 1} partners with a figure (worst case counting "
        f"partners without one: {worst})"
    )
    if without is not None:
        worst_without = "unbounded" if without.worst is None else str(without.worst)
        text += (
            f"; without the shipment ({_fmt(without.value_usd_m)}) it would rank {without.best} "
            f"(worst case {worst_without})"
        )
    verdict = _rank_verdict(rank)
    if verdict is Verdict.NOT_TESTABLE:
        text += f". The figures cannot place it above or below rank {TOP} for certain"
        text += "." + _settle(month_label)
    elif verdict is Verdict.CONFIRMED and lower_bound and alone:
        verdict, text = Verdict.SELF_SOURCED, f"{text}. {_self_sourced(obs_id)}"
    else:
        text += "."
    return [Part(C4_RANK, verdict, text, "rank"), _c4_because(verdict, without, obs_id, alone)]


def _rank_verdict(rank: Any) -> Verdict:
    if rank.worst is not None and rank.worst <= TOP:
        return Verdict.CONFIRMED
    if rank.best > TOP:
        return Verdict.CONTRADICTED
    return Verdict.NOT_TESTABLE


def _c4_because(rank_verdict: Verdict, without: Any, obs_id: str, alone: bool) -> Part:
    """Whether the shipment is what put it in the top ten (the rank without it)."""
    if alone:
        return Part(C4_BECAUSE, Verdict.SELF_SOURCED, _self_sourced(obs_id), "rank")
    if without is None:
        text = "Afghanistan's own total for the month is unknown."
        return Part(C4_BECAUSE, Verdict.NOT_TESTABLE, text, "rank")
    if rank_verdict is not Verdict.CONFIRMED:
        because = Verdict.NOT_TESTABLE
    elif without.best > TOP:
        because = Verdict.CONFIRMED
    elif without.worst is not None and without.worst <= TOP:
        because = Verdict.CONTRADICTED
    else:
        because = Verdict.NOT_TESTABLE
    return Part(C4_BECAUSE, because, "Ranked without the shipment, as above.", "rank")


def _name(tables: Tables, iso3: str) -> str:
    names = tables.countries.set_index("iso3")["name"]
    return str(names.get(iso3, iso3))


def _sources_for(observations: pd.DataFrame, obs_ids: list[str]) -> list[str]:
    wanted = observations[observations["obs_id"].isin(obs_ids)]
    return list(dict.fromkeys(wanted["source_id"]))


# ---------------------------------------------------------------------------------------------
# C5


@check("C5")
def equal_to_monthly_trade(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    """The shipment against average monthly trade with Kyrgyzstan and Azerbaijan (each, both).

    Every published full-year figure counts, suspect ones included and marked, so that a
    conflict between sources (Kazakhstan–Azerbaijan 2023: 529.4 against 598.5) stays visible
    as a range; the evidence says whether leaving suspect figures out changes any verdict.
    While only the article gives the shipment's value, a reading that holds is not testable
    (self-sourced); one that fails is still contradicted.
    """
    shipment, obs_id = article_shipment(tables, "C5")
    if shipment is None:
        return _no_shipment("C5")
    tolerance = float(options.get("c5_tolerance", C5_TOLERANCE))
    annual = ev.annual_partner_turnover(
        tables.observations,
        tables.sources,
        reporter=shipment.reporter,
        partners=C5_PARTNERS,
        year=shipment.year,
    )
    readings = ev.compare_with_monthly_averages(
        shipment.value_usd_m, annual, C5_PARTNERS, tolerance, include_suspect=True
    )
    strict = ev.compare_with_monthly_averages(
        shipment.value_usd_m, annual, C5_PARTNERS, tolerance, include_suspect=False
    )
    each, together, overall = _c5_verdicts(readings)
    evidence = (
        f"Reading 'each separately' (both must hold): {each}; 'both together': {together}; "
        f"overall {overall}, the verdict of the reading most favourable to the article, since "
        f"the wording is ambiguous. "
        f"{_c5_comparison(shipment, obs_id, _with_attribution(annual, tables), readings)}"
        + _conflict_note(annual, shipment.year)
        + _strict_note(annual, strict, readings)
    )
    if overall in (Verdict.CONFIRMED, Verdict.WITHIN_TOLERANCE) and only_in_article(
        tables.observations, obs_id
    ):
        overall = Verdict.SELF_SOURCED
        evidence = f"{_self_sourced(obs_id)} Taking the article's own figure, r{evidence[1:]}"
    amount = f"{tolerance:.0%} of the nearer end of the range of average months"
    part = Part(C5_EQUAL, overall, evidence, "average month", amount)
    cited = ev.sources_of(_sources_for(tables.observations, [obs_id]), annual)
    return from_parts("C5", [part], cited, readings)


def _c5_comparison(
    shipment: ev.Event, obs_id: str, annual: pd.DataFrame, readings: pd.DataFrame
) -> str:
    """'Shipment 133.8 (SA-004) against average monthly 2023 turnover ...: readings. Figures:
    per partner.'"""
    figures_text = []
    for partner in C5_PARTNERS:
        mine = annual[annual["partner"] == partner]
        if mine.empty:
            figures_text.append(f"{partner}: no {shipment.year} figure")
            continue
        keys = ["annual_usd_m", "attributed_to", "suspect"]
        groups = mine.groupby(keys, sort=True)["obs_id"].agg(list).reset_index()
        listed = ", ".join(
            f"{_fmt(g.annual_usd_m)} ({_who(g.attributed_to)}"
            f"{', suspect' if g.suspect else ''}: {', '.join(g.obs_id)})"
            for g in table_rows(groups)
        )
        low, high = mine["monthly_average_usd_m"].min(), mine["monthly_average_usd_m"].max()
        figures_text.append(f"{partner}: {listed}, so {ev.fmt_range(low, high)} a month")
    readings_text = []
    for r in readings.to_dict("records"):
        if r["verdict"] == str(Verdict.NOT_TESTABLE):
            readings_text.append(f"{r['reading']}: {r['verdict']}")
            continue
        ratio = ev.fmt_range(r["ratio_low"], r["ratio_high"], digits=2)
        average = ev.fmt_range(r["monthly_low_usd_m"], r["monthly_high_usd_m"])
        readings_text.append(f"{r['reading']} ({average} a month): {ratio} times, {r['verdict']}")
    return (
        f"Shipment {_fmt(shipment.value_usd_m)} ({obs_id}) against average monthly "
        f"{shipment.year} turnover (annual / 12, derived, from every published figure): "
        + "; ".join(readings_text)
        + ". Figures: "
        + "; ".join(figures_text)
        + "."
    )


def _with_attribution(annual: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """The annual figures with whose figure each is (``attributed_to``; a sum of exports and
    imports takes its exports' attribution)."""
    observations = tables.observations
    who = dict(zip(observations["obs_id"], attributions(observations), strict=True))
    return annual.assign(attributed_to=[who.get(i.split("+")[0], "") for i in annual["obs_id"]])


def _who(attributed_to: str) -> str:
    """Whose figure, in words for the evidence: 'KAZ-reported' only when it is KAZ's."""
    words = {
        "not_stated": "side not stated",
        "other": "an industry body or analyst",
        "international": "an international body",
    }
    return words.get(attributed_to, f"{attributed_to}-reported")


def _strict_note(annual: pd.DataFrame, strict: pd.DataFrame, readings: pd.DataFrame) -> str:
    """Whether leaving the suspect figures out changes any reading's verdict."""
    if not annual["suspect"].astype(bool).any():
        return ""
    if list(strict["verdict"]) == list(readings["verdict"]):
        return " Leaving the suspect figures out changes no verdict."
    return (
        " Leaving the suspect figures out changes the verdicts to: "
        + "; ".join(f"{r['reading']} {r['verdict']}" for r in strict.to_dict("records"))
        + "."
    )


def _c5_verdicts(readings: pd.DataFrame) -> tuple[Verdict, Verdict, Verdict]:
    """(each separately, both together, overall) from the per-reading verdicts."""
    verdict_of = {r["reading"]: Verdict(r["verdict"]) for r in readings.to_dict("records")}
    each = min((verdict_of[f"{p} alone"] for p in C5_PARTNERS), key=_ORDER.index)
    together = verdict_of[" + ".join(C5_PARTNERS) + " together"]
    return each, together, max((each, together), key=_ORDER.index)


def _conflict_note(annual: pd.DataFrame, year: int) -> str:
    """Name, per partner, the figures that cannot all be right (given their precision)."""
    notes = []
    for partner, group in annual.groupby("partner"):
        records = group.to_dict("records")
        against: dict[str, set[str]] = {}
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if series.figures_conflict(
                    {"value": a["annual_usd_m"], "precision": a["precision"]},
                    {"value": b["annual_usd_m"], "precision": b["precision"]},
                ):
                    against.setdefault(a["obs_id"], set()).add(b["obs_id"])
                    against.setdefault(b["obs_id"], set()).add(a["obs_id"])
        if not against:
            continue
        value = group.set_index("obs_id")["annual_usd_m"]
        odd = max(sorted(against), key=lambda k: len(against[k]))
        others = sorted(against[odd])
        notes.append(
            f"{partner} {year}: {_fmt(value[odd])} ({odd}) conflicts with "
            f"{ev.fmt_range(value[others].min(), value[others].max())} ({', '.join(others)})"
        )
    if not notes:
        return ""
    return " Sources disagree, and the range keeps both sides: " + "; ".join(notes) + "."
