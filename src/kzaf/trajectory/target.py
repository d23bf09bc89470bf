"""Distance to a trade target: the growth it needs against the growth the figures show;
which pair a target belongs to.
"""

from __future__ import annotations

import math

import pandas as pd

from kzaf.frames import row as first_row
from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_level
from kzaf.text.numbers import fmt_pct_change as _pct
from kzaf.text.numbers import fmt_usd_short as _usd
from kzaf.trajectory.figures import _empty
from kzaf.trajectory.trend import TrendFit

# ---------------------------------------------------------------------------------------------
# Distance to a target


def required_growth(
    base_value: float, base_year: int, target_value: float, target_year: int
) -> float:
    """Constant annual growth that takes ``base_value`` in ``base_year`` to ``target_value`` in
    ``target_year``: (target / base) ** (1 / years) - 1. NaN when the target year is not later
    than the base year or a value is not positive."""
    years = target_year - base_year
    if years <= 0 or not base_value > 0 or not target_value > 0:
        return math.nan
    return (target_value / base_value) ** (1 / years) - 1


def years_to_reach(base_value: float, target_value: float, growth: float) -> float:
    """Years needed at constant ``growth``; 0 if already there, inf if never (growth <= 0)."""
    if base_value >= target_value:
        return 0.0
    if not growth > 0 or not base_value > 0:
        return math.inf
    return math.log(target_value / base_value) / math.log1p(growth)


def distance_to_target(
    annual: pd.DataFrame,
    *,
    target_value: float,
    target_year: int,
    flow: str = "turnover",
    trend: TrendFit | None = None,
) -> pd.DataFrame:
    """How far the latest full year is from a target, and the growth needed to get there.

    One row per growth path: ``required`` (the growth per year needed from the latest year with
    a figure; range from that year's lowest and highest figures), ``observed average`` (compound
    growth between the first and the latest year with figures, preferred values),
    ``best year`` (the highest year-on-year growth between consecutive years), and ``trend``
    (the log-linear trend's growth with its interval, when given). For each, the year the
    target would be reached at that growth. Empty when the flow has no full-year figure.
    """
    columns = [
        "path",
        "growth",
        "growth_low",
        "growth_high",
        "base_year",
        "base_value",
        "target_value",
        "target_year",
        "reached_in",
        "note",
    ]
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    if mine.empty:
        return _empty(columns)
    mine = mine.sort_values("year")
    last, first = mine.iloc[-1], mine.iloc[0]
    base_year, base = int(last["year"]), float(last["preferred_value"])
    common = {
        "base_year": base_year,
        "base_value": base,
        "target_value": target_value,
        "target_year": target_year,
    }

    def reached(growth: float) -> float:
        years = years_to_reach(base, target_value, growth)
        return base_year + math.ceil(years) if math.isfinite(years) else math.inf

    rows = []
    need = required_growth(base, base_year, target_value, target_year)
    rows.append(
        {
            "path": "required",
            "growth": need,
            # the lowest base figure needs the highest growth, and the reverse
            "growth_low": required_growth(
                float(last["value_max"]), base_year, target_value, target_year
            ),
            "growth_high": required_growth(
                float(last["value_min"]), base_year, target_value, target_year
            ),
            **common,
            "reached_in": target_year if math.isfinite(need) else math.nan,
            "note": (
                "target already met"
                if base >= target_value
                else "target year not after the latest year with a figure"
                if target_year <= base_year
                else f"from {base_year} ({_usd(base)}) to {_usd(target_value)} in {target_year}"
            ),
        }
    )
    if base_year > int(first["year"]):
        span = base_year - int(first["year"])
        cagr = (base / float(first["preferred_value"])) ** (1 / span) - 1
        low = (float(last["value_min"]) / float(first["value_max"])) ** (1 / span) - 1
        high = (float(last["value_max"]) / float(first["value_min"])) ** (1 / span) - 1
        rows.append(
            {
                "path": "observed average",
                "growth": cagr,
                "growth_low": low,
                "growth_high": high,
                **common,
                "reached_in": reached(cagr),
                "note": f"compound growth {int(first['year'])}–{base_year}",
            }
        )
    consecutive = mine.set_index("year")["preferred_value"]
    steps = [
        (y, consecutive[y] / consecutive[y - 1] - 1)
        for y in consecutive.index
        if y - 1 in consecutive.index and consecutive[y - 1]
    ]
    if steps:
        year, best = max(steps, key=lambda s: s[1])
        rows.append(
            {
                "path": "best year",
                "growth": best,
                "growth_low": math.nan,
                "growth_high": math.nan,
                **common,
                "reached_in": reached(best),
                "note": f"{year - 1}→{year}, repeated every year",
            }
        )
    if trend is not None:
        rows.append(
            {
                "path": "trend",
                "growth": trend.growth,
                "growth_low": trend.growth_low,
                "growth_high": trend.growth_high,
                **common,
                "reached_in": reached(trend.growth),
                "note": f"log-linear trend {trend.years[0]}–{trend.years[-1]}, "
                f"{fmt_level(trend.alpha)} interval, which {INDEPENDENT_YEARS}",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def describe_target(distance: pd.DataFrame, flow: str = "turnover") -> str:
    """One or two sentences on the distance to the target, from :func:`distance_to_target`."""
    if distance.empty:
        return f"No full-year {flow} figure exists, so the distance to the target cannot be shown."
    rows = distance.set_index("path")
    need = first_row(distance[distance["path"] == "required"])
    text = (
        f"Reaching {_usd(need['target_value'])} by {int(need['target_year'])} from "
        f"{_usd(need['base_value'])} in {int(need['base_year'])} "
    )
    if need["note"] == "target already met":
        return text + "needs no growth: the target is already met."
    if math.isnan(need["growth"]):
        return text + "cannot be assessed: the target year is not after the latest figure."
    text += f"needs {_pct(need['growth'])} a year"
    if not math.isclose(need["growth_low"], need["growth_high"]):
        text += f" ({_pct(need['growth_low'])} to {_pct(need['growth_high'])} across sources)"
    text += "."
    if "observed average" in rows.index:
        obs = first_row(distance[distance["path"] == "observed average"])
        when = obs["reached_in"]
        text += (
            f" The years with figures averaged {_pct(obs['growth'])} a year ({obs['note']}); "
            + (
                f"at that pace the target would be reached in {int(when)}."
                if math.isfinite(when)
                else "at that pace it would never be reached."
            )
        )
    return text


# The $3 billion goal was stated by Kazakh officials for trade with Afghanistan; for any other
# pair the notebook says so instead of measuring that pair against someone else's target.
TARGET_PAIR = frozenset({"KAZ", "AFG"})


def target_applies(reporter: str, partner: str) -> bool:
    return {reporter, partner} == TARGET_PAIR


def target_not_applicable(pair: str) -> str:
    """The one sentence the target section shows for a pair without a published target."""
    from kzaf.text.escape import escape_markdown

    return (
        f"No trade target is published for {escape_markdown(pair)}, so no distance to a target "
        "is shown."
    )


def target_intro(pair: str, target_value_usd_m: float) -> str:
    """What the target is, for the pair it belongs to (officials name no year for it)."""
    from kzaf.text.escape import escape_markdown
    from kzaf.text.numbers import fmt_usd_m

    return (
        f"Officials speak of raising {escape_markdown(pair)} trade to "
        f"{escape_markdown(fmt_usd_m(target_value_usd_m))} a year; they name no year, so the "
        "target year is a parameter."
    )
