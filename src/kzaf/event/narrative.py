"""The notebook's words: the answer paragraph, the key points, the page title, the sources
used and the counterfactual's paragraphs and methods note, generated from the tables and the
numbers the other modules return; nothing here computes a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kzaf import series
from kzaf.event.counterfactual import (
    SELECTION_CRITERION,
    TREND_MIN_PRE_MONTHS,
    Counterfactual,
    Impact,
)
from kzaf.event.monthly import MonthlyData
from kzaf.event.plausibility import Plausibility
from kzaf.event.shipment import _FLOW_WORD, UNIT, Event
from kzaf.text.escape import escape_markdown
from kzaf.text.numbers import (
    fmt_fixed,
    fmt_level,
    fmt_number,
    fmt_p_value,
    fmt_pct,
    fmt_pct_range,
    fmt_range,
    fmt_signed,
    fmt_usd_m,
)

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
    parts = [_share_sentence(event, _own(decomposition))]
    for r in _full_year_changes(ranges).to_dict("records"):
        parts.append(
            f"{r['flow'].capitalize()} changed from {r['before_label']} to {r['period_label']} by "
            f"{fmt_pct_range(r['change_with_low'], r['change_with_high'], signed=True)} "
            "as published "
            f"({r['n_pairs']} pairs of figures), and by "
            f"{fmt_pct_range(r['change_without_low'], r['change_without_high'], signed=True)} "
            "without the shipment."
        )
    parts += _plausibility_sentences(event, plaus)
    parts.append(_averages_sentence(event, readings))
    if ledger is not None and not ledger.empty:
        parts.append(
            "Claims: "
            + "; ".join(f"{r['claim_id']} {r['verdict']}" for r in ledger.to_dict("records"))
            + "."
        )
    return " ".join(p for p in parts if p)


def _own(decomposition: pd.DataFrame) -> pd.DataFrame:
    """The reporter's own aggregates containing the shipment, suspect figures aside."""
    return decomposition[
        (decomposition["side"] == "reporter") & ~decomposition["suspect"].astype(bool)
    ]


def _full_year_changes(ranges: pd.DataFrame) -> pd.DataFrame:
    return ranges[
        (ranges["side"] == "reporter")
        & (ranges["comparison"] == "full year")
        & (ranges["n_pairs"] > 0)
    ]


def _share_sentence(event: Event, own: pd.DataFrame) -> str:
    """The shipment's share of each of the reporter's aggregates that contain it."""
    month_label = series.period_label(event.month, event.month)
    if own.empty:
        return (
            f"No published aggregate of {event.reporter}→{event.partner} trade contains "
            f"{month_label}, so the {fmt_number(event.value_usd_m)} USD million shipment cannot be "
            "set against any total."
        )
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
    share_low, share_high = own["shipment_share"].min(), own["shipment_share"].max()
    return (
        f"The {fmt_number(event.value_usd_m)} USD million shipment of HS {event.hs_code} in "
        f"{month_label} is {fmt_pct_range(share_low, share_high)} of each of the {len(own)} "
        f"published {event.reporter}→{event.partner} aggregates that contain it (suspect "
        f"figures aside): " + " and ".join(ends) + "."
    )


def _plausibility_sentences(event: Event, plaus: Plausibility) -> list[str]:
    """Units implied, their share of capacity, other published counts, and the buyers."""
    parts = []
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At {fmt_fixed(plaus.prices.low_usd_m)}–{fmt_fixed(plaus.prices.high_usd_m)} USD "
            f"million a unit it is about {fmt_fixed(plaus.units_low, 0)}–"
            f"{fmt_fixed(plaus.units_high, 0)} units"
        )
        share = plaus.capacity_share
        if share is not None:
            units = plaus.capacity["capacity_units"]
            text += (
                f", {fmt_pct(share[0], 0)}–{fmt_pct(share[1], 0)} of one plant's published "
                f"yearly capacity ({fmt_range(units.min(), units.max())} units)"
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
    return parts


def _averages_sentence(event: Event, readings: pd.DataFrame) -> str:
    """The shipment against an average month of trade with the comparison partners."""
    tested = readings[readings["verdict"] != "not testable with current data"]
    if tested.empty:
        return ""
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
    return (
        f"An average month of {event.year} trade (annual / 12, derived) came to "
        + _join(averages)
        + "; the shipment is "
        + _join(ratios)
        + " times these."
    )


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
    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    month = event.month.strftime("%B %Y")
    what = f"The {fmt_usd_m(event.value_usd_m)} shipment (HS {event.hs_code}, {month})"
    own = _own(decomposition)
    points = []
    if own.empty:
        points.append(
            f"No published figure of {reporter}'s trade with {partner} covers {month}, so "
            f"{what[0].lower() + what[1:]} cannot be set against any total."
        )
    else:
        low, high = own["shipment_share"].min(), own["shipment_share"].max()
        points.append(
            f"{what} would be {fmt_pct(low, 0)} to {fmt_pct(high, 0)} of each published figure of "
            f"{reporter}'s "
            f"trade with {partner} that includes that month ({len(own)} figures)."
        )
    for r in _full_year_changes(ranges).head(1).to_dict("records"):
        points.append(
            f"{r['flow'].capitalize()} changed by "
            f"{fmt_pct_range(r['change_with_low'], r['change_with_high'], signed=True)} from "
            f"{r['before_label']} to {r['period_label']} as published; without the shipment "
            "the change would be "
            f"{fmt_pct_range(r['change_without_low'], r['change_without_high'], signed=True)}."
        )
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At published unit prices that is about {fmt_fixed(plaus.units_low, 0)}–"
            f"{fmt_fixed(plaus.units_high, 0)} locomotives"
        )
        if plaus.capacity_share is not None:
            low, high = plaus.capacity_share
            text += (
                f", {fmt_pct(low, 0)}–{fmt_pct(high, 0)} of one plant's published yearly capacity"
            )
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

    reporter = escape_markdown(names.get(event.reporter, event.reporter))
    return (
        f"The unit prices, plant capacities and buyer lists in the data are for one other "
        f"country's HS {LOCOMOTIVE_HS} locomotives; they cannot size a shipment of HS "
        f"{event.hs_code} from {reporter}, so no number of units is implied."
    )


def claims_not_applicable(pair: str) -> str:
    """The claims section for a pair other than the article's."""
    return (
        f"The article's claims C4 and C5 are about the shipment it reports between another "
        f"pair of countries; they do not apply to {escape_markdown(pair)} and are not tested here."
    )


# ---------------------------------------------------------------------------------------------
# The counterfactual in words (kzaf.event.counterfactual returns the numbers)


def synthetic_banner(monthly: MonthlyData) -> str:
    """A warning to show first when the monthly figures are the synthetic test fixture."""
    if not monthly.synthetic:
        return ""
    return (
        "**SYNTHETIC TEST FIXTURE, NOT DATA.** The imported UN Comtrade figures are the "
        "made-up test fixture; every monthly number and counterfactual below describes no "
        "real trade. The claim verdicts use the published figures only. "
    )


def model_text(impact: Impact) -> str:
    """The model of an :class:`Impact` in words: its components, its fit and its intervals."""
    text = impact.level
    if impact.harmonics:
        plural = "s" if impact.harmonics > 1 else ""
        text += f" with a fixed 12-month cycle ({impact.harmonics} harmonic{plural})"
    if impact.controls:
        text += f" and {len(impact.controls)} control series as regressors"
    text += " on log values" if impact.log_scale else ""
    month = series.period_label(impact.event_month, impact.event_month)
    text += f", fitted by maximum likelihood to {impact.pre_months} months before {month}"
    if len(impact.selection) > 1:
        text += f"; chosen among {len(impact.selection)} candidates by the Akaike criterion"
    if impact.parameter_draws > 0:
        return text + "; intervals include parameter uncertainty"
    return text + "; plug-in intervals"


def effect_reading(low: float, high: float, level: str, what: str) -> str:
    """What an effect's interval allows one to say, and no more: "raised" only when the whole
    interval lies above zero, "lowered" only when it lies below, otherwise that the model
    cannot tell the effect from none."""
    if low > 0:
        return f"the whole {level} interval lies above zero: by this model the event raised {what}"
    if high < 0:
        return f"the whole {level} interval lies below zero: by this model the event lowered {what}"
    return (
        f"the {level} interval includes zero: the model cannot tell {what} from what it would "
        "have been without the event"
    )


def _event_month_sentences(impact: Impact, what: str, unit: str) -> list[str]:
    level = fmt_level(impact.alpha)
    effect, low, high = impact.event_effect
    row = impact.pointwise[impact.pointwise["month"] == impact.event_month].iloc[0]
    month_label = series.period_label(impact.event_month, impact.event_month)
    return [
        f"In {month_label}, {what} came to {fmt_number(row['actual'])} {unit}. A model "
        f"({model_text(impact)}) predicts {fmt_number(row['predicted'])} ({level} interval "
        f"{fmt_number(row['predicted_lower'])} to {fmt_number(row['predicted_upper'])}) for that "
        "month had nothing unusual happened; this prediction is a model estimate, not an "
        "observation.",
        f"The difference, the estimated effect of the event month, is {fmt_signed(effect)} "
        f"{unit} ({level} interval {fmt_signed(low)} to {fmt_signed(high)}); "
        + effect_reading(low, high, level, "that month's figure")
        + ".",
    ]


def _cumulative_sentences(impact: Impact, unit: str) -> list[str]:
    level = fmt_level(impact.alpha)
    month_label = series.period_label(impact.event_month, impact.event_month)
    cumulative = impact.summary.to_dict("index")["cumulative"]
    low, high = cumulative["abs_effect_lower"], cumulative["abs_effect_upper"]
    text = []
    if impact.post_months > 1:
        text.append(
            f"Over the {impact.post_months} months from {month_label} the cumulative effect is "
            f"{fmt_signed(cumulative['abs_effect'])} {unit} "
            f"({fmt_signed(low)} to {fmt_signed(high)}), or "
            f"{fmt_pct(cumulative['rel_effect'], 0, signed=True)} of the predicted total "
            f"({fmt_pct(cumulative['rel_effect_lower'], 0, signed=True)} to "
            f"{fmt_pct(cumulative['rel_effect_upper'], 0, signed=True)}); "
            + effect_reading(low, high, level, "the total over those months")
            + "."
        )
    distinct = not (low <= 0 <= high)
    text.append(
        f"Under the model, the chance of a cumulative departure this large without an event is "
        f"{fmt_p_value(impact.p_value)}; the cumulative effect is "
        + ("distinguishable from zero" if distinct else "not distinguishable from zero")
        + f" at the {level} level."
    )
    return text


def _shipment_verdict(shipment_usd_m: float, low: float, high: float) -> str:
    if low <= shipment_usd_m <= high:
        return (
            "lies inside the event month's effect interval: the month's departure from the "
            "model is consistent with the shipment's value"
            + (", though the interval also includes zero." if low <= 0 else ".")
        )
    side, rest = ("larger", "lower") if shipment_usd_m > high else ("smaller", "higher")
    return (
        f"is {side} than the event month's effect interval: the rest of that month's "
        f"trade was {rest} than the model expected."
    )


def describe_impact(
    impact: Impact,
    what: str,
    shipment_usd_m: float | None = None,
    unit: str = UNIT,
    shipment_label: str = "The recorded shipment",
) -> str:
    """A plain-language paragraph on an :class:`Impact`, in the manner of CausalImpact's report.

    Every statement about the effect is read from its interval (:func:`effect_reading`), so
    none is stronger than the interval allows."""
    text = _event_month_sentences(impact, what, unit) + _cumulative_sentences(impact, unit)
    if shipment_usd_m is not None:
        _, low, high = impact.event_effect
        verdict = _shipment_verdict(shipment_usd_m, low, high)
        text.append(f"{shipment_label}, {fmt_number(shipment_usd_m)} {unit}, {verdict}")
    text.extend(f"Note: {n}." for n in impact.notes)
    return " ".join(text)


def needs_monthly_data_text(event: Event) -> str:
    """What the published-figures run says in place of a counterfactual."""
    return (
        f"No counterfactual on published figures: no source publishes a monthly series of "
        f"{event.reporter}→{event.partner} trade, and a counterfactual needs one. Published "
        "figures are cumulative (January–May, first half, full year). A monthly path "
        "disaggregated from them would only restate the assumption that put the shipment in "
        f"{series.period_label(event.month, event.month)}, so it would show the shipment's "
        f"value as the effect by construction. To run it on real monthly data, export "
        f"{event.reporter}'s monthly trade with {event.partner} (all goods and HS "
        f"{event.hs_code}) from UN Comtrade, import it into the project and run this notebook "
        "on it (the project's documentation gives the two commands)."
    )


def counterfactual_message(counterfactual: Counterfactual, event: Event) -> str:
    """Why there is no counterfactual, and how to supply the data (empty when there is one)."""
    if counterfactual.total is not None:
        return ""
    n_pre = counterfactual.months_before
    when = series.period_label(event.month, event.month)
    months = "no month" if n_pre == 0 else "1 month" if n_pre == 1 else f"{n_pre} months"
    have = (
        f"The data hold {months} of {event.flow} figures before {when}"
        + ("" if counterfactual.has_event_month else " and none for that month")
        + f"; the model needs at least {counterfactual.min_pre_months} before it."
    )
    return needs_monthly_data_text(event) + f" {have}"


def no_controls_text(event: Event) -> str:
    """What the notes say when the data hold no control series for the pair."""
    return (
        f"No control series available for this pair: the data hold no monthly series of "
        f"{event.reporter}'s trade with other partners or of {event.partner}'s trade with other "
        "countries long enough to serve as regressors, so the counterfactual rests on the "
        "series' own past alone."
    )


def controls_text(counterfactual: Counterfactual, event: Event) -> str:
    """Which control series were offered as regressors, or why there are none."""
    if counterfactual.controls.shape[1]:
        names = ", ".join(map(str, counterfactual.controls.columns))
        return f"Control series offered as regressors: {names}."
    return no_controls_text(event)


def power_sentence(impact: Impact) -> str:
    """The power table in words (a simulation estimate given the fitted model)."""
    power = impact.power
    if power.empty:
        return "Power could not be estimated: too few pre-period months to measure the noise."
    sizes = ", ".join(f"{int(k)}" for k in power["pulse_sd"])
    month = ", ".join(fmt_pct(p, 0) for p in power["power_event_month"])
    cumulative = ", ".join(fmt_pct(p, 0) for p in power["power_cumulative"])
    one_sd = power["pulse"].iloc[0] / power["pulse_sd"].iloc[0]
    return (
        f"A one-month pulse of {sizes} typical monthly surprises (the standard deviation of "
        f"the one-step-ahead errors before the event, {fmt_number(one_sd)} "
        f"each) would be told apart from zero in {month} of simulated cases for the event "
        f"month and in {cumulative} for the cumulative effect over {impact.post_months} "
        "month(s) (simulation estimate: futures drawn from the fitted model, half setting the "
        "intervals, half playing the outcome)."
    )


def _why_chosen(impact: Impact) -> str:
    """The chosen model's criterion against the other candidates'."""
    if len(impact.selection) <= 1:
        return " It was the only candidate the pre-period supports."
    chosen = impact.selection[impact.selection["chosen"]]
    others = ", ".join(
        f"{fmt_fixed(r['aic'])} ({r['candidate']}{' with controls' if r['controls'] else ''})"
        for r in impact.selection[~impact.selection["chosen"]].to_dict("records")
    )
    return f" Its criterion is {fmt_fixed(chosen['aic'].iloc[0])} against {others}."


def counterfactual_methods_text(
    counterfactual: Counterfactual, event: Event, reference: Impact | None = None
) -> str:
    """The methods note on the counterfactual: the candidates, the criterion, the model chosen
    and why, the control series (or that none exist), and the power (simulation estimate)."""
    parts = [
        "**Counterfactual model.** Candidates: a local level and, with at least "
        f"{TREND_MIN_PRE_MONTHS} months before the event, a local linear trend (stochastic "
        "level, fixed slope); each with a fixed 12-month cycle when 36 months precede the "
        "event, and each with and without the control series as regressors. The model is "
        f"chosen by {SELECTION_CRITERION}.",
        escape_markdown(controls_text(counterfactual, event)),
    ]
    impact = counterfactual.total
    if impact is not None:
        parts.append(
            f"Chosen for all goods: {escape_markdown(model_text(impact))}.{_why_chosen(impact)} "
            + power_sentence(impact)
        )
        return " ".join(parts)
    parts.append("No model was chosen here: the pair has no monthly series (see above).")
    if reference is not None:
        parts.append(
            "On a simulated reference series (48 months of white noise before the event; "
            f"not data) the choice falls on the {_chosen_name(reference)}. "
            + power_sentence(reference)
        )
    return " ".join(parts)


def _chosen_name(impact: Impact) -> str:
    row = impact.selection[impact.selection["chosen"]].iloc[0]
    return str(row["candidate"]) + (" with control series" if row["controls"] else "")
