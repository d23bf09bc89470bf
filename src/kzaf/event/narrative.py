"""The notebook's words: the answer paragraph, the key points, the page title, the sources
used and the counterfactual's paragraphs and methods note, generated from the tables and the
numbers the other modules return; nothing here computes a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

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
    *,
    reports: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """The notebook's answer, from the data: short sentences with few numbers each, the
    page's largest caveat (who reports the shipment) beside the shares it qualifies."""
    names = dict(names or {})
    parts = _share_sentences(event, _own(decomposition), names)
    parts.append(_reports_sentence(reports, ledger))
    for r in _full_year_changes(ranges).to_dict("records"):
        parts += _change_sentences(r)
    parts += _plausibility_sentences(event, plaus, names)
    parts += _averages_sentences(event, readings, names)
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


def _what(event: Event) -> str:
    return f"The {fmt_usd_m(event.value_usd_m)} shipment of {event.month.strftime('%B %Y')}"


def period_words(label: str) -> str:
    """'2024 Mar' -> 'March 2024', '2023 Jan–May' -> 'January–May 2023'; others unchanged."""
    import datetime

    match = re.fullmatch(r"(\d{4}) ([A-Z][a-z]{2})(?:–([A-Z][a-z]{2}))?", label)
    if match is None:
        return label

    def month(abbreviation: str) -> str:
        return datetime.datetime.strptime(abbreviation, "%b").strftime("%B")

    year, first, last = match.groups()
    return f"{month(first)}–{month(last)} {year}" if last else f"{month(first)} {year}"


def _share_sentences(event: Event, own: pd.DataFrame, names: Mapping[str, str]) -> list[str]:
    """The shipment's share of the reporter's aggregates that contain it: the range, then the
    shortest and the longest period."""
    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    if own.empty:
        return [
            f"No published figure of {reporter}'s trade with {partner} contains "
            f"{event.month.strftime('%B %Y')}, so {_what(event)[0].lower()}{_what(event)[1:]} "
            "cannot be set against any total."
        ]
    groups = own.groupby(["period_label", "flow"], sort=False).agg(
        share=("shipment_share", "max"), value=("aggregate_usd_m", "max")
    )
    groups = groups.sort_values("share", ascending=False)
    ends = [groups.index[0], groups.index[-1]] if len(groups) > 1 else [groups.index[0]]
    shares = [
        f"{fmt_pct(groups.loc[k, 'share'], 0)} of {period_words(k[0])} "
        f"{_FLOW_WORD.get(k[1], k[1])} ({fmt_usd_m(groups.loc[k, 'value'])})"
        for k in ends
    ]
    span = fmt_pct_range(own["shipment_share"].min(), own["shipment_share"].max())
    return [
        f"{_what(event)} would be {span} of each of the {len(own)} published figures of "
        f"{reporter}'s trade with {partner} that contain its month (suspect figures aside).",
        f"It would be {' and '.join(shares)}.",
    ]


def _reports_sentence(reports: pd.DataFrame | None, ledger: pd.DataFrame | None) -> str:
    """The page's largest caveat: who reports the shipment itself (and so what the claims
    about it can be tested against)."""
    if reports is None:
        return ""
    if reports.empty:
        return "No published figure reports the shipment itself; its value is the parameters'."
    publishers = sorted(set(reports["publisher"].astype(str)))
    statistical = reports["kind"].astype(str).isin(STATISTICAL_KINDS).any()
    verb = "reports" if len(publishers) == 1 else "report"
    text = f"Only {_join(publishers)} {verb} the shipment itself"
    text += (
        "."
        if statistical
        else ", and no statistical table does: every share here assumes it happened as reported."
    )
    return text + _untestable(ledger)


def _untestable(ledger: pd.DataFrame | None) -> str:
    """' Neither of the article's two claims about it can be tested...' when none can."""
    if ledger is None or ledger.empty:
        return ""
    verdicts = ledger["verdict"].astype(str)
    if not verdicts.str.startswith("not testable").all():
        return ""
    self_sourced = int(verdicts.str.contains("self-sourced").sum())
    count = (
        "Neither of the article's two"
        if len(verdicts) == 2
        else f"None of the article's {len(verdicts)}"
    )
    which = "one rests" if self_sourced == 1 else f"{self_sourced} rest"
    return f" {count} claims about it can be tested against other sources" + (
        f" ({which} only on the article's own figure)." if self_sourced else "."
    )


def _change_sentences(r: Mapping[Any, Any]) -> list[str]:
    """A change on the year before as published, then without the shipment."""
    with_ = sorted([float(r["change_with_low"]), float(r["change_with_high"])])
    without = sorted([float(r["change_without_low"]), float(r["change_without_high"])])
    if with_[1] < 0 and without[1] < 0:
        verb, noun = "fell", "fall"
        shown = [fmt_pct_range(-with_[1], -with_[0]), fmt_pct_range(-without[1], -without[0])]
    elif with_[0] > 0 and without[0] > 0:
        verb, noun = "rose", "rise"
        shown = [fmt_pct_range(with_[0], with_[1]), fmt_pct_range(without[0], without[1])]
    else:
        verb, noun = "changed by", "change"
        shown = [
            fmt_pct_range(with_[0], with_[1], signed=True),
            fmt_pct_range(without[0], without[1], signed=True),
        ]
    return [
        f"{str(r['flow']).capitalize()} {verb} {shown[0]} from {r['before_label']} to "
        f"{r['period_label']} as published ({r['n_pairs']} pairs of figures, suspect ones aside).",
        f"Without the shipment the {noun} would be {shown[1]}.",
    ]


def _plausibility_sentences(
    event: Event, plaus: Plausibility, names: Mapping[str, str]
) -> list[str]:
    """Units implied; their share of capacity, of the plant's output in a full year, and
    whether the buyer list names the partner."""
    if plaus.units_low is None or plaus.prices is None:
        return []
    parts = [
        f"At ${fmt_fixed(plaus.prices.low_usd_m)}–{fmt_fixed(plaus.prices.high_usd_m)} million "
        f"a unit it is about {fmt_fixed(plaus.units_low, 0)}–{fmt_fixed(plaus.units_high, 0)} "
        "units."
    ]
    if plaus.capacity_share is not None:
        low, high = plaus.capacity_share
        parts.append(
            f"That is {fmt_pct_range(low, high)} of one plant's published yearly capacity, so "
            "capacity does not rule it out."
        )
    output = production_year(plaus)
    if output is not None:
        share = fmt_pct_range(output["implied_units_ratio_low"], output["implied_units_ratio_high"])
        parts.append(
            f"But it is {share} of the {fmt_number(output['value'])} units that plant built in "
            f"{output['period']}."
        )
    parts.append(_buyers_sentence(event, plaus, names))
    return parts


def production_year(plaus: Plausibility) -> dict | None:
    """The plant's latest full-year production count (units), with the implied units as a
    multiple of it: what the plant actually made, beside what it could make."""
    context = plaus.context
    if plaus.units_low is None or context.empty or "implied_units_ratio_high" not in context:
        return None
    rows = context[
        (context["indicator"] == "locomotive_production")
        & (context["unit"] == "units")
        & context["period"].astype(str).str.fullmatch(r"\d{4}")
        & ~context["suspect"].astype(bool)
    ]
    if "subject" in plaus.capacity and len(plaus.capacity):
        rows = rows[rows["subject"].isin(set(plaus.capacity["subject"]))]
    return rows.sort_values("period").iloc[-1].to_dict() if len(rows) else None


def named_buyers(note: str) -> list[str] | None:
    """The countries a buyer-count note names ('Mongolia the eighth buyer; named buyers:
    Tajikistan, Uzbekistan'), or None when it names none."""
    listed = re.search(r"named buyers:\s*([^;.]+)", note)
    if listed is None:
        return None
    names = [n.strip() for n in listed.group(1).split(",") if n.strip()]
    return re.findall(r"([A-Z][\w ]*?) the \w+ buyer", note) + names


def _buyers_sentence(event: Event, plaus: Plausibility, names: Mapping[str, str]) -> str:
    """Whether the published buyer list names the partner."""
    partner = names.get(event.partner, event.partner)
    if plaus.partner_listed is not None:
        return "" if plaus.partner_listed else f"{partner} is not on the published list of buyers."
    counts = plaus.buyers[plaus.buyers["kind"] == "count"]
    if counts.empty:
        return ""
    row = counts.iloc[0]
    named = named_buyers(str(row["note"]))
    if named is None:
        return f"Published buyers ({row['period']}): {str(row['note']).rstrip('.')}."
    total = f" of {fmt_number(row['value'])}" if pd.notna(row.get("value")) else ""
    return (
        f"The published list of buyer countries ({period_words(str(row['period']))}) names "
        f"{len(named)}{total}; "
        + (f"{partner} is among them." if partner in named else f"{partner} is not among them.")
    )


def _averages_sentences(
    event: Event, readings: pd.DataFrame, names: Mapping[str, str]
) -> list[str]:
    """The shipment against an average month of trade with each comparison partner and with
    them together (derived: the annual figure over 12)."""
    tested = readings[readings["verdict"] != "not testable with current data"]
    sentences = []
    for i, r in enumerate(tested.to_dict("records")):
        who = (
            names.get(r["partners"][0], r["partners"][0])
            if len(r["partners"]) == 1
            else _join([names.get(p, p) for p in r["partners"]]) + " together"
        )
        sentences.append(
            f"An average month of {event.year} trade with {who} came to "
            f"{_usd_span(r['monthly_low_usd_m'], r['monthly_high_usd_m'])}"
            + (" (derived: the year's figure over 12)" if i == 0 else "")
            + "; the shipment is "
            f"{fmt_range(r['ratio_low'], r['ratio_high'], digits=2)} times that."
        )
    return sentences


def _usd_span(low: float, high: float) -> str:
    a, b = fmt_usd_m(low), fmt_usd_m(high)
    return a if a == b else f"{a} to {b}"


STATISTICAL_KINDS = ("national_statistics", "international_database")


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
    reports: pd.DataFrame | None = None,
) -> list[str]:
    """Three to five plain sentences for the top of the reader page, from the same tables as
    :func:`answer_text`, with countries by name and no record ids: the share, who reports the
    shipment (the page's largest caveat), the change, and what the plant's record says."""
    points = _share_sentences(event, _own(decomposition), names)[:1]
    points.append(_reports_sentence(reports, ledger))
    for r in _full_year_changes(ranges).head(1).to_dict("records"):
        points.append(" ".join(_change_sentences(r)))
    if plaus.units_low is not None and plaus.prices is not None:
        points.append(_units_point(plaus))
    points.append(_buyers_sentence(event, plaus, names))
    return [p for p in points if p][:5]


def _units_point(plaus: Plausibility) -> str:
    """The units implied, set against what the plant built in a year rather than what it
    could build (the answer gives both)."""
    text = (
        f"At published unit prices that is about {fmt_fixed(plaus.units_low, 0)}–"
        f"{fmt_fixed(plaus.units_high, 0)} locomotives"
    )
    output = production_year(plaus)
    if output is None:
        return text + "."
    share = fmt_pct_range(output["implied_units_ratio_low"], output["implied_units_ratio_high"])
    return (
        text + f": within one plant's yearly capacity, but {share} of all it built in "
        f"{output['period']}."
    )


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

# What the model's intervals assume, said beside each (the methods page measures how often
# they hold when monthly errors persist instead).
MONTHLY_NOISE = "assuming independent monthly noise"


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
        f"{fmt_number(row['predicted_lower'])} to {fmt_number(row['predicted_upper'])}, "
        f"{MONTHLY_NOISE}) for that "
        "month had nothing unusual happened; this prediction is a model estimate, not an "
        "observation.",
        f"The difference, the estimated effect of the event month, is {fmt_signed(effect)} "
        f"{unit} ({level} interval {fmt_signed(low)} to {fmt_signed(high)}, {MONTHLY_NOISE}); "
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
            f"({fmt_signed(low)} to {fmt_signed(high)}, {MONTHLY_NOISE}), or "
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
