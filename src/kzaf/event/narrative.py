"""The notebook's words: the answer paragraph, the key points, the page title and the
sources used, generated from the tables; nothing here computes a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kzaf import series
from kzaf.event.plausibility import Plausibility
from kzaf.event.shipment import _FLOW_WORD, Event
from kzaf.text.numbers import fmt_number, fmt_pct_range, fmt_range

# ---------------------------------------------------------------------------------------------
# Words


def answer_text(
    event: Event,
    decomposition: pd.DataFrame,
    ranges: pd.DataFrame,
    plaus: Plausibility,
    readings: pd.DataFrame,
    ledger: pd.DataFrame | None = None,
) -> str:
    """The notebook's answer paragraph, from the data."""
    parts = []
    month_label = series.period_label(event.month, event.month)
    own = decomposition[
        (decomposition["side"] == "reporter") & ~decomposition["suspect"].astype(bool)
    ]
    if own.empty:
        parts.append(
            f"No published aggregate of {event.reporter}→{event.partner} trade contains "
            f"{month_label}, so the {fmt_number(event.value_usd_m)} USD million shipment cannot be "
            "set against any total."
        )
    else:
        share_low, share_high = own["shipment_share"].min(), own["shipment_share"].max()
        groups = own.groupby(["period_label", "flow"], sort=False).agg(
            share_low=("shipment_share", "min"),
            share_high=("shipment_share", "max"),
            value_low=("aggregate_usd_m", "min"),
            value_high=("aggregate_usd_m", "max"),
            n=("obs_id", "count"),
        )
        groups = groups.sort_values("share_high", ascending=False)

        def describe(key: tuple[str, str], g: pd.Series) -> str:
            return (
                f"{fmt_pct_range(g['share_low'], g['share_high'])} of {key[0]} "
                f"{_FLOW_WORD.get(key[1], key[1])} "
                f"({fmt_range(g['value_low'], g['value_high'])}; {int(g['n'])} "
                f"figure{'s' if g['n'] > 1 else ''})"
            )

        ends = [describe(groups.index[0], groups.iloc[0])]
        if len(groups) > 1:
            ends.append(describe(groups.index[-1], groups.iloc[-1]))
        parts.append(
            f"The {fmt_number(event.value_usd_m)} USD million shipment of HS {event.hs_code} in "
            f"{month_label} is {fmt_pct_range(share_low, share_high)} of each of the {len(own)} "
            f"published {event.reporter}→{event.partner} aggregates that contain it (suspect "
            f"figures aside): " + " and ".join(ends) + "."
        )
    full = ranges[
        (ranges["side"] == "reporter")
        & (ranges["comparison"] == "full year")
        & (ranges["n_pairs"] > 0)
    ]
    for r in full.to_dict("records"):
        parts.append(
            f"{r['flow'].capitalize()} changed from {r['before_label']} to {r['period_label']} by "
            f"{fmt_pct_range(r['change_with_low'], r['change_with_high'], signed=True)} "
            "as published "
            f"({r['n_pairs']} pairs of figures), and by "
            f"{fmt_pct_range(r['change_without_low'], r['change_without_high'], signed=True)} "
            "without the shipment."
        )
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At {plaus.prices.low_usd_m:.1f}–{plaus.prices.high_usd_m:.1f} USD million a "
            f"unit it is about {plaus.units_low:.0f}–{plaus.units_high:.0f} units"
        )
        share = plaus.capacity_share
        if share is not None:
            units = plaus.capacity["capacity_units"]
            text += (
                f", {share[0]:.0%}–{share[1]:.0%} of one plant's published yearly capacity "
                f"({fmt_range(units.min(), units.max())} units)"
            )
        parts.append(text + ".")
    counts = _comparable_counts(plaus)
    if counts:
        parts.append(
            "Against other published counts of Kazakh locomotives the implied number is "
            + _join(counts)
            + "."
        )
    if plaus.partner_listed is False:
        parts.append(f"{event.partner} is not on the published list of buyer countries.")
    buyer_counts = plaus.buyers[plaus.buyers["kind"] == "count"]
    if not buyer_counts.empty:
        c = buyer_counts.iloc[0]
        parts.append(
            f"Published buyers of Kazakh locomotives ({c['period']}, {c['indicator_id']}): "
            f"{c['note'].rstrip('.')}."
        )
    tested = readings[readings["verdict"] != "not testable with current data"]
    if not tested.empty:
        n_partners = max(len(p) for p in readings["partners"])
        together = "both together" if n_partners == 2 else "all together"
        averages = [
            f"{fmt_range(r['monthly_low_usd_m'], r['monthly_high_usd_m'])}"
            + (" USD million" if i == 0 else "")
            + f" with {r['partners'][0] if len(r['partners']) == 1 else together}"
            for i, r in enumerate(tested.to_dict("records"))
        ]
        ratios = [
            fmt_range(r["ratio_low"], r["ratio_high"], digits=2) for r in tested.to_dict("records")
        ]
        parts.append(
            f"An average month of {event.year} trade (annual / 12, derived) came to "
            + _join(averages)
            + "; the shipment is "
            + _join(ratios)
            + " times these."
        )
    if ledger is not None and not ledger.empty:
        parts.append(
            "Claims: "
            + "; ".join(f"{r['claim_id']} {r['verdict']}" for r in ledger.to_dict("records"))
            + "."
        )
    return " ".join(parts)


COUNT_CODES = ("locomotive_production", "locomotive_units_delivered")


def _comparable_counts(plaus: Plausibility, threshold: float = 0.5) -> list[str]:
    """Published production and delivery counts (in units) that the implied number of units
    reaches at least ``threshold`` times: the ones that make the shipment look large."""
    context = plaus.context
    if plaus.units_low is None or context.empty or "implied_units_ratio_high" not in context:
        return []
    rows = context[
        context["indicator"].isin(COUNT_CODES)
        & (context["unit"] == "units")
        & (context["implied_units_ratio_high"] >= threshold)
        & ~context["suspect"].astype(bool)
    ]
    rows = rows.sort_values("implied_units_ratio_high")
    return [
        f"{fmt_range(r['implied_units_ratio_low'], r['implied_units_ratio_high'], digits=1)} "
        f"times the {fmt_number(r['value'])} of {r['indicator_id']} "
        f"({r['indicator'].removeprefix('locomotive_').replace('_', ' ')}, "
        f"{r['subject'].replace('_', ' ')}, {r['period']})"
        for r in rows.to_dict("records")
    ]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def sources_of(*frames: pd.DataFrame | Iterable[str]) -> list[str]:
    """Every distinct source_id in the frames (or iterables of ids), in first-seen order."""
    seen: list[str] = []
    for frame in frames:
        ids = frame["source_id"] if isinstance(frame, pd.DataFrame) else frame
        for i in ids:
            if i and i not in seen:
                seen.append(str(i))
    return seen


ARTICLE_SHIPMENT = ("KAZ", "AFG", "2023-01", "8602")  # what the source article reports


def page_title(event: Event, names: dict[str, str]) -> str:
    """The reader page's title: the article's locomotive shipment, or, for other parameters,
    the shipment they describe (so a page for another pair never names Afghanistan)."""
    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    month_label = event.month.strftime("%B %Y")
    if (event.reporter, event.partner, str(event.month), event.hs_code) == ARTICLE_SHIPMENT:
        return f"What the {month_label} locomotive shipment did to the numbers"
    return (
        f"What a {month_label} shipment from {reporter} to {partner} (HS {event.hs_code}) "
        "would do to the numbers"
    )


def key_points(
    event: Event,
    decomposition: pd.DataFrame,
    ranges: pd.DataFrame,
    plaus: Plausibility,
    names: dict[str, str],
    ledger: pd.DataFrame | None = None,
) -> list[str]:
    """Three to five plain sentences for the top of the reader page, from the same tables as
    :func:`answer_text`, with countries by name and no record ids."""
    from kzaf.text.numbers import fmt_usd_m

    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    month = event.month.strftime("%B %Y")
    what = f"The {fmt_usd_m(event.value_usd_m)} shipment (HS {event.hs_code}, {month})"
    own = decomposition[
        (decomposition["side"] == "reporter") & ~decomposition["suspect"].astype(bool)
    ]
    points = []
    if own.empty:
        points.append(
            f"No published figure of {reporter}'s trade with {partner} covers {month}, so "
            f"{what[0].lower() + what[1:]} cannot be set against any total."
        )
    else:
        low, high = own["shipment_share"].min(), own["shipment_share"].max()
        points.append(
            f"{what} would be {low:.0%} to {high:.0%} of each published figure of {reporter}'s "
            f"trade with {partner} that includes that month ({len(own)} figures)."
        )
    full = ranges[
        (ranges["side"] == "reporter")
        & (ranges["comparison"] == "full year")
        & (ranges["n_pairs"] > 0)
    ]
    for r in full.head(1).to_dict("records"):

        def span(low: float, high: float) -> str:
            same = f"{low:+.0%}" == f"{high:+.0%}"
            return f"{low:+.0%}" if same else f"{low:+.0%} to {high:+.0%}"

        points.append(
            f"{r['flow'].capitalize()} changed by "
            f"{span(r['change_with_low'], r['change_with_high'])} from {r['before_label']} to "
            f"{r['period_label']} as published; without the shipment the change would be "
            f"{span(r['change_without_low'], r['change_without_high'])}."
        )
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At published unit prices that is about {plaus.units_low:.0f}–"
            f"{plaus.units_high:.0f} locomotives"
        )
        if plaus.capacity_share is not None:
            low, high = plaus.capacity_share
            text += f", {low:.0%}–{high:.0%} of one plant's published yearly capacity"
        points.append(text + ".")
    if plaus.partner_listed is False:
        points.append(f"{partner} is not on the published list of buyers of these locomotives.")
    if ledger is not None and len(ledger):
        verdicts = ledger["verdict"].astype(str).value_counts()
        summary = ", ".join(f"{n} {v}" for v, n in verdicts.items())
        points.append(f"The article's claims about the shipment, checked: {summary}.")
    return points[:5]


def question_text(event: Event, names: dict[str, str]) -> str:
    """The notebook's question for the shipment the parameters describe: the article's own
    words for its shipment, a plain description for any other (Markdown, names escaped)."""
    from kzaf.text.escape import escape_markdown
    from kzaf.text.numbers import fmt_usd_m

    reporter = escape_markdown(names.get(event.reporter, event.reporter))
    partner = escape_markdown(names.get(event.partner, event.partner))
    month = event.month.strftime("%B %Y")
    value = escape_markdown(fmt_usd_m(event.value_usd_m))
    if (event.reporter, event.partner, str(event.month), event.hs_code) == ARTICLE_SHIPMENT:
        what = (
            f"The source article reports that {reporter} shipped {value} of diesel-electric "
            f"locomotives (HS {event.hs_code}) to {partner} in {month}."
        )
    else:
        what = (
            f"The parameters describe a {value} shipment of HS {event.hs_code} goods from "
            f"{reporter} to {partner} in {month}."
        )
    return (
        f"{what} How much of each published figure of the two countries' trade that contains "
        "that month is the shipment, and how does the change on the year before look without it?"
    )


def plausibility_not_applicable(event: Event, names: dict[str, str]) -> str:
    """The plausibility section for a shipment the sourced prices and plants cannot size
    (without naming the maker: a page names only its own pair's countries)."""
    from kzaf.event.applicability import LOCOMOTIVE_HS
    from kzaf.text.escape import escape_markdown

    reporter = escape_markdown(names.get(event.reporter, event.reporter))
    return (
        f"The unit prices, plant capacities and buyer lists in the data are for one other "
        f"country's HS {LOCOMOTIVE_HS} locomotives; they cannot size a shipment of HS "
        f"{event.hs_code} from {reporter}, so no number of units is implied."
    )


def claims_not_applicable(pair: str) -> str:
    """The claims section for a pair other than the article's."""
    from kzaf.text.escape import escape_markdown

    return (
        f"The article's claims C4 and C5 are about the shipment it reports between another "
        f"pair of countries; they do not apply to {escape_markdown(pair)} and are not tested here."
    )
