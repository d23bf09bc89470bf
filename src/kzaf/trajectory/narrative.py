"""The notebook's words: the headline table, the answer paragraph and the key points, all
generated from the tables above; nothing here computes a finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kzaf.data import ImportedFigures
from kzaf.frames import row as first_row
from kzaf.frames import rows
from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_level, fmt_pct, fmt_usd_m, fmt_whole
from kzaf.text.numbers import fmt_pct_change as _pct
from kzaf.text.numbers import fmt_span as _range_text
from kzaf.trajectory.annual import _flow_order_key
from kzaf.trajectory.figures import _empty
from kzaf.trajectory.forecast import Forecast
from kzaf.trajectory.mirror import mirror_sentence
from kzaf.trajectory.target import describe_target

# ---------------------------------------------------------------------------------------------
# Headline and answer


def headline_table(annual: pd.DataFrame, growth: pd.DataFrame) -> pd.DataFrame:
    """The notebook's headline: per flow and year with figures, how many figures, the preferred
    value, the range across sources, and year-on-year growth (preferred and range), in percent.
    """
    columns = [
        "flow",
        "year",
        "figures",
        "preferred_usd_m",
        "low_usd_m",
        "high_usd_m",
        "growth_pct",
        "growth_low_pct",
        "growth_high_pct",
    ]
    if annual.empty:
        return _empty(columns)
    table = annual[annual["n_figures"] > 0].merge(
        growth[["flow", "year", "growth", "growth_min", "growth_max"]]
        if len(growth)
        else _empty(["flow", "year", "growth", "growth_min", "growth_max"]),
        on=["flow", "year"],
        how="left",
    )
    if table.empty:
        return _empty(columns)
    out = pd.DataFrame(
        {
            "flow": table["flow"],
            "year": table["year"].astype(int),
            "figures": table["n_figures"].astype(int),
            "preferred_usd_m": table["preferred_value"].astype(float),
            "low_usd_m": table["value_min"].astype(float),
            "high_usd_m": table["value_max"].astype(float),
            "growth_pct": 100 * table["growth"].astype(float),
            "growth_low_pct": 100 * table["growth_min"].astype(float),
            "growth_high_pct": 100 * table["growth_max"].astype(float),
        }
    )
    return out.sort_values(["flow", "year"], key=_flow_order_key).reset_index(drop=True)


def answer_paragraph(
    *,
    reporter_name: str,
    partner_name: str,
    flow: str,
    annual: pd.DataFrame,
    changes: pd.DataFrame,
    run_rates: pd.DataFrame,
    distance: pd.DataFrame,
    forecast: Forecast,
    start_year: int,
    end_year: int,
    mirror: pd.DataFrame | None = None,
) -> str:
    """The notebook's answer, generated from the tables (Markdown): short sentences with few
    numbers each, the caveats beside the numbers they qualify."""
    if len(run_rates):
        run_rates = run_rates[run_rates["flow"] == flow]
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    if mine.empty:
        who = (
            f"{flow} between {reporter_name} and {partner_name}, {as_reported(mine, reporter_name)}"
        )
        return _no_full_year(who, run_rates, start_year, end_year)
    years = [int(y) for y in mine["year"]]
    sentences = [
        f"**{flow.capitalize()} between {reporter_name} and {partner_name}, "
        + (
            f"from {reporter_name}'s side"
            if unattributed_years(mine)[0]
            else f"as {reporter_name} reports it"
        )
        + f".** Full-year figures exist for {len(years)} year(s) between "
        f"{start_year} and {end_year}: {_join([str(y) for y in years])}.",
        _attribution_sentence(mine, reporter_name),
        *_change_sentences(changes),
        _latest_sentence(mine.sort_values("year").iloc[-1]),
    ]
    last_year = max(years)
    later = run_rates[run_rates["year"] > last_year] if len(run_rates) else run_rates
    for year, group in _by_year(later):
        sentences += _run_rate_sentences(year, group)
    if mirror is not None:
        sentences.append(mirror_sentence(mirror, flow, reporter_name, partner_name))
    if len(distance):
        sentences += _target_sentences(distance, flow)
    sentences += _trend_sentences(forecast)
    return " ".join(s for s in sentences if s)


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _attribution_sentence(mine: pd.DataFrame, reporter_name: str) -> str:
    """How many years rest partly on figures not attributed to the reporter (or nothing)."""
    others, years = unattributed_years(mine)
    if not others:
        return ""
    return (
        f"In {others} of those {years} years some figures are not attributed to "
        f"{reporter_name}'s officials or statistics."
    )


def _latest_sentence(last: pd.Series) -> str:
    text = (
        f"The latest full year, {int(last['year'])}, stands at {fmt_usd_m(last['preferred_value'])}"
    )
    if last["n_figures"] > 1 and not math.isclose(last["value_min"], last["value_max"]):
        spread = _range_text(last["value_min"], last["value_max"], fmt_usd_m)
        return text + f"; sources range {spread}."
    return text + "."


def _no_full_year(who: str, run_rates: pd.DataFrame, start_year: int, end_year: int) -> str:
    text = (
        f"**No full-year figure** for the {who} exists in the data for "
        f"{start_year}–{end_year}, so no trajectory, growth or trend can be shown."
    )
    partial = run_rates[run_rates["method"].str.startswith("naive")] if len(run_rates) else None
    if partial is not None and len(partial):
        labels = ", ".join(f"{r.period_label} {fmt_usd_m(r.ytd_value)}" for r in rows(partial))
        text += f" Part-year figures exist: {labels}."
    return text


def _change_sentences(changes: pd.DataFrame) -> list[str]:
    """Each change between two years with figures, then its range across pairs of sources
    (every figure counted, suspect ones too), each in a short sentence."""
    sentences = []
    for row in rows(changes):
        if math.isnan(row.change):
            continue
        verb, noun = ("rose", "rise") if row.change > 0 else ("fell", "fall")
        sentences.append(
            f"It {verb} {fmt_pct(abs(row.change), 0)} from {row.year_from} to {row.year_to}, "
            f"to {fmt_usd_m(row.value_to)}."
        )
        if row.n_pairs > 1 and not math.isclose(row.change_min, row.change_max):
            ends = sorted([abs(row.change_min), abs(row.change_max)])
            sentences.append(
                f"Across every pair of sources' figures the {noun} runs from "
                f"{fmt_pct(ends[0], 0)} to {fmt_pct(ends[1], 0)}."
            )
    return sentences


def _by_year(run_rates: pd.DataFrame) -> list[tuple[Any, pd.DataFrame]]:
    return list(run_rates.groupby("year")) if len(run_rates) else []


def _run_rate_sentences(year: Any, group: pd.DataFrame) -> list[str]:
    """A year with only a year-to-date figure: what is published, then the naive run-rate
    and, where one exists, the seasonal one (estimates, said so)."""
    naive = first_row(group[group["method"].str.startswith("naive")])
    seasonal = group[group["method"] == "seasonal share"]
    months = _months_words(int(naive["months"]))
    sentences = [
        f"For {year!s} only {months} is published: {fmt_usd_m(naive['ytd_value'])}.",
        f"At that pace the year would come to about {fmt_usd_m(naive['estimate_value'])} (a naive "
        "run-rate: an estimate, not a figure).",
    ]
    if len(seasonal) and not math.isnan(seasonal.iloc[0]["estimate_value"]):
        s = seasonal.iloc[0]
        sentences.append(
            f"Using the share those months held of the year in {s['share_years']}, it would "
            f"come to {_range_text(s['low'], s['high'])} (estimates, not figures)."
        )
    else:
        sentences.append("No other year shows what share of a year those months hold.")
    return sentences


def _months_words(months: int) -> str:
    """8 -> 'January–August'; 1 -> 'January'."""
    last = pd.Period(f"2000-{months:02d}", freq="M").strftime("%B")
    return "January" if months == 1 else f"January–{last}"


def _growth(rate: float) -> str:
    """Growth in words-friendly form: '32.9%' when positive, '-4.7%' when not."""
    return fmt_pct(rate, 1) if rate >= 0 else _pct(rate)


def _target_sentences(distance: pd.DataFrame, flow: str) -> list[str]:
    """The growth the target needs, and when the growth observed would reach it."""
    need = first_row(distance[distance["path"] == "required"]) if len(distance) else None
    if need is None or need["note"] == "target already met" or math.isnan(need["growth"]):
        return [describe_target(distance, flow)]
    sentences = [
        f"Reaching {fmt_usd_m(need['target_value'])} by {int(need['target_year'])} would need "
        f"growth of {_growth(need['growth'])} a year."
    ]
    observed = distance[distance["path"] == "observed average"]
    if len(observed):
        obs = first_row(observed)
        when = obs["reached_in"]
        sentences.append(
            f"The years with figures grew {_growth(obs['growth'])} a year on average; at that "
            + (
                f"pace the target would be reached in {int(when)}."
                if math.isfinite(when)
                else "pace it would never be reached."
            )
        )
    return sentences


def _trend_sentences(forecast: Forecast) -> list[str]:
    """The trend in words: whether it can tell growth from decline, then its growth with the
    interval and what that interval assumes."""
    if not (forecast.fitted and forecast.fit is not None):
        return [forecast.message]
    fit = forecast.fit

    def whole(rate: float) -> str:
        return fmt_pct(rate, 0, signed=True)

    spans_zero = fit.growth_low < 0 < fit.growth_high
    return [
        f"A trend through these {len(fit.years)} years "
        + ("cannot tell growth from decline." if spans_zero else "is a summary of the past."),
        f"It gives {whole(fit.growth)} a year, with a {fmt_level(fit.alpha)} interval from "
        f"{whole(fit.growth_low)} to {whole(fit.growth_high)} that {INDEPENDENT_YEARS}.",
        "It describes the past; it is not a forecast." if forecast.weak else "",
    ]


def _largest_moves(years: list[int], values: list[float]) -> list[tuple[int, int, float, float]]:
    """The two largest moves between consecutive years, in time order: the story of a rise
    and a fall, not just one."""
    steps = [
        (years[i - 1], years[i], values[i - 1], values[i])
        for i in range(1, len(years))
        if years[i] == years[i - 1] + 1 and values[i - 1] > 0
    ]
    return sorted(sorted(steps, key=lambda s: -abs(s[3] / s[2] - 1))[:2])


def unattributed_years(annual: pd.DataFrame) -> tuple[int, int]:
    """How many of the years with figures rest partly on figures a page does not attribute
    to the reporter (``attributed_to``), and how many years have figures."""
    if annual.empty or "attributed_to" not in annual.columns:
        return 0, 0
    rows = annual[annual["attributed_to"].fillna("").astype(bool)]
    if "n_figures" in rows.columns:
        rows = rows[rows["n_figures"] > 0]
    codes = set(rows["reporter"])
    others = {
        int(year)
        for year, who in zip(rows["year"], rows["attributed_to"], strict=True)
        if not set(str(who).split(";")) <= codes
    }
    return len(others), len(set(rows["year"].astype(int)))


def as_reported(annual: pd.DataFrame, reporter_name: str) -> str:
    """'as Kazakhstan reports it' when every figure in the annual table is the reporter's own
    (``attributed_to``); otherwise how many of the years with figures rest partly on figures
    a page does not attribute to the reporter."""
    others, years = unattributed_years(annual)
    if not others:
        return f"as {reporter_name} reports it"
    return (
        f"from {reporter_name}'s side (in {others} of {years} years some figures are "
        f"not attributed to {reporter_name}'s officials or statistics)"
    )


def key_points(
    annual: pd.DataFrame,
    *,
    flow: str,
    reporter_name: str,
    partner_name: str,
    forecast: Forecast | None = None,
) -> list[str]:
    """Three to five plain sentences for the top of the reader page: the peak, the largest
    moves, the latest full year, where sources disagree beyond rounding, and the page's largest
    caveat (few years, figures not all the reporter's own), each from the annual table
    (preferred figures under the notebook's source policy; ranges across every source)."""
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)].sort_values("year")
    what = f"{flow.capitalize()} between {reporter_name} and {partner_name}"
    if mine.empty:
        return [
            f"{what}: no full-year figure is published in the years shown, so there is no "
            "trajectory to describe.",
        ]
    years = mine["year"].astype(int).tolist()
    values = mine["preferred_value"].astype(float).tolist()
    peak = int(np.argmax(values))
    if len(years) == 1:
        points = [
            f"{what}: the only full year with a published figure, {years[0]}, stands at "
            f"{fmt_usd_m(values[0])}."
        ]
    else:
        points = [
            f"{what} peaked at {fmt_usd_m(values[peak])} in {years[peak]}, the highest of "
            f"{len(years)} full years with a published figure."
        ]
    largest = _largest_moves(years, values)
    points.append(_moves_point(largest))
    if len(years) > 1 and years[-1] != years[peak] and years[-1] not in {s[1] for s in largest}:
        points.append(
            f"The latest full year with a figure, {years[-1]}, stands at {fmt_usd_m(values[-1])}."
        )
    points.append(_disagreement_point(mine))
    last = mine.iloc[-1]
    if len(mine) == 1 and int(last.get("n_statements", last["n_sources"])) <= 1:
        points.append("A single statement gives this figure; nothing confirms it yet.")
    return [*[p for p in points if p][:4], _caveat_point(mine, reporter_name, forecast)]


def _moves_point(largest: list[tuple[int, int, float, float]]) -> str:
    """The largest moves between consecutive years, in one sentence."""
    moves = []
    for y0, y1, v0, v1 in largest:
        change = v1 / v0 - 1
        verb = "rose" if change > 0 else "fell"
        moves.append(f"{verb} {fmt_pct(abs(change), 0)} from {y0} to {y1}")
    return f"It {' and '.join(moves)}." if moves else ""


def _disagreement_point(mine: pd.DataFrame) -> str:
    """Years whose figures disagree beyond rounding (the figures cannot all be right, as on
    the data audit page); differences within rounding are not disagreements."""
    conflicts = mine[mine["conflict"].astype(bool)] if "conflict" in mine else mine.iloc[:0]
    if conflicts.empty:
        if (mine["value_max"] > mine["value_min"]).any():
            return (
                "Where sources' figures differ, they differ only within their rounding; every "
                "figure is kept below."
            )
        return ""
    widest = first_row(conflicts.sort_values("spread_pct", ascending=False, kind="stable"))
    return (
        f"Sources disagree beyond rounding in {len(conflicts)} of {len(mine)} years; in "
        f"{int(widest['year'])} their figures run from {fmt_usd_m(widest['value_min'])} to "
        f"{fmt_usd_m(widest['value_max'])}, and every figure is kept below."
    )


def _caveat_point(mine: pd.DataFrame, reporter_name: str, forecast: Forecast | None) -> str:
    """The page's largest caveat: how little the figures can carry."""
    n = len(mine)
    if n < 3:
        return "Fewer than three full years are published: no trend is estimated."
    others, _ = unattributed_years(mine)
    whose = (
        f"; in {others} of them some figures are not attributed to {reporter_name}'s "
        "officials or statistics"
        if others
        else ""
    )
    fit = forecast.fit if forecast is not None else None
    trend = (
        f"{n} full years are too few to tell growth from decline"
        if fit is not None and fit.growth_low < 0 < fit.growth_high
        else f"a trend through {n} full years describes the past, not the future"
    )
    return f"Caveat: {trend}{whose}."


# ---------------------------------------------------------------------------------------------
# Parts that do not apply to a pair: one sentence each, in place of the part


def goods_not_applicable(goods: list[str], pair: str) -> str:
    """The goods section for a pair with no figure on the goods chosen."""
    from kzaf.text.escape import escape_markdown

    return (
        f"No figure for the goods chosen ({escape_markdown(', '.join(goods))}) is published for "
        f"{escape_markdown(pair)} trade, so this section has nothing to show."
    )


def claims_not_applicable(pair: str) -> str:
    """The claims section for a pair other than the article's."""
    from kzaf.text.escape import escape_markdown

    return (
        f"The article's claims are about another pair's trade; they do not apply to "
        f"{escape_markdown(pair)} and are not tested here."
    )


# What a section says where its table would be empty (Markdown; {pair}, {reporter_name} and
# {partner_name} are filled in).
NOTHING_TO_SHOW = {
    "conflicts": "No two figures for the same period conflict.",
    "headline": "No full-year figure of {pair} trade from {reporter_name}'s side.",
    "balance": "No period has exports and imports (or turnover) for {pair}.",
    "changes": "Neither change can be computed for {pair}: the years lack figures.",
    "year_to_date": "No year-to-date figure for {pair}.",
    "comparison": (
        "No length of year-to-date period is published for two different years, "
        "so no same-period comparison exists."
    ),
    "shares": "No year has both a year-to-date and a full-year figure: no seasonal share.",
    "run_rates": (
        "Every year with a year-to-date figure also has a full-year figure, "
        "or there is none: no run-rate to estimate."
    ),
    "distance": "No full-year figure: no base year.",
    "goods": "No figure for the goods chosen for {pair}.",
    "flour": "No figure on {partner_name}'s share of flour exports.",
    "mirror": "Nothing to compare.",
    "c3": "No December can be derived from the current figures.",
    "c3_not_tested": "Not tested for this pair.",
}


def nothing_to_show(what: str, run: Mapping[str, Any]) -> str:
    """The sentence in place of the ``what`` table, for the pair of ``run`` (the resolved
    parameters: ``pair``, ``names``, ``reporter``, ``partner``)."""
    names = run["names"]
    return NOTHING_TO_SHOW[what].format(
        pair=run["pair"],
        reporter_name=names[run["reporter"]],
        partner_name=names[run["partner"]],
    )


def data_note(imported: ImportedFigures | None) -> str:
    """What the figures are: published only, or with imported UN Comtrade figures beside them
    (and a warning first when those come from the synthetic test fixture)."""
    if imported is None:
        return "Published figures only."
    note = (
        f"Published figures and {fmt_whole(len(imported.observations))} imported UN Comtrade "
        f"figure(s) ({len(imported.sources)} import(s)), side by side."
    )
    if imported.synthetic:
        note = (
            "**SYNTHETIC TEST DATA:** the imported Comtrade figures come from a generated test "
            "fixture, not from UN Comtrade; nothing shown from them is a finding. " + note
        )
    return note


def figures_note(
    data_note: str, n_figures: int, pair: str, flows: list[str], years: tuple[int, int], policy: str
) -> str:
    """What the answer rests on: the data, how many figures, for what, and the source policy."""
    from kzaf.text.escape import escape_markdown

    noun = "figure" if n_figures == 1 else "figures"
    return (
        f"{data_note} {n_figures} {noun} for {escape_markdown(pair)} ({', '.join(flows)}), "
        f"{years[0]}–{years[1]}. Source policy {policy}."
    )
