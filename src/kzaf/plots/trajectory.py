"""Charts for the trade-trajectory notebook (figures only; the numbers come from
``kzaf.trajectory``). Every chart has a title, axes with units and a source caption; an empty
input draws a labelled empty chart that says there is nothing to show."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from kzaf.frames import rows as table_rows
from kzaf.plots.common import finish, save
from kzaf.series import months_in
from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_level, fmt_whole
from kzaf.text.words import country_name, words
from kzaf.trajectory.figures import source_names

if TYPE_CHECKING:
    from kzaf.trajectory.build import Trajectory

FLOW_COLOURS = {"turnover": "#1f4e79", "export": "#2e8b57", "import": "#c0504d"}
USD = "USD million"


def _plain(text: str) -> str:
    """Text for matplotlib: a dollar sign would start mathtext, so escape it."""
    return text.replace("$", r"\$")


def _axes(ax: plt.Axes | None, size: tuple[float, float] = (9, 4.8)) -> plt.Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size)
    return ax


def _nothing(ax: plt.Axes, message: str) -> None:
    ax.text(0.5, 0.5, _plain(message), ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def _names(frame: pd.DataFrame, *columns: str) -> list[str]:
    found: set[str] = set()
    for column in columns:
        if column in frame.columns:
            for value in frame[column].dropna():
                found.update(value if isinstance(value, list) else [str(value)])
    return sorted(found)


def _range_lines(
    ax: plt.Axes,
    x: Iterable[float],
    low: Iterable[float],
    high: Iterable[float],
    colour: str,
    width: float = 2.5,
) -> None:
    for xi, lo, hi in zip(x, low, high, strict=True):
        if not (math.isnan(lo) or math.isnan(hi)) and hi > lo:
            ax.vlines(xi, lo, hi, colors=colour, linewidth=width, alpha=0.45)


def annual_chart(
    figures: pd.DataFrame,
    annual: pd.DataFrame,
    *,
    pair: str,
    policy_name: str,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Full-year figures: one point per source's figure (marker = kind of source), a band for
    the range across sources, the preferred figure as the line (broken where a year is
    missing)."""
    ax = _axes(ax)
    full = (
        figures[(figures["basis"] == "calendar") & (figures["period_kind"] == "year")]
        if len(figures)
        else figures
    )
    flows = list(dict.fromkeys(annual["flow"])) if len(annual) else []
    if full.empty:
        _nothing(ax, f"No full-year figure for {pair} in the years chosen")
    else:
        _preferred_lines(ax, annual, flows)
        bound = full["precision"].isin(["at_least", "at_most"])
        points = full.assign(
            source_kind=full["kind"].map(words).where(~bound, "bound (over / up to)")
        )
        kinds = list(dict.fromkeys(points["source_kind"]))
        markers = dict(zip(kinds, "oXsPD^v<>", strict=False))
        sns.scatterplot(
            data=points, x="year", y="value", hue="flow", style="source_kind", markers=markers,
            palette=FLOW_COLOURS, s=70, alpha=0.85, ax=ax, zorder=3, legend=False,
        )  # fmt: skip
        # Colour says the flow (the lines' entries), the marker the kind of source.
        shapes = [
            Line2D([], [], marker=markers[k], color="0.35", linestyle="", markersize=7, label=k)
            for k in kinds
        ]
        lines, _ = ax.get_legend_handles_labels()
        ax.legend(handles=[*lines, *shapes])
        # The years with a figure, not every year chosen: one point is not lost in a decade.
        ax.set_xlim(full["year"].min() - 0.5, full["year"].max() + 0.5)
        _whole_years(ax)
    return finish(
        ax,
        title=f"{pair}: full-year trade, every source's figure",
        xlabel="calendar year",
        ylabel=USD,
        sources=_names(full, "publisher"),
        note="Points: each published figure (colour: flow; marker: kind of source); band: range "
        f"across sources; line: preferred figure ({words(policy_name)}); gaps: no figure. "
        "Bounds ('over', 'up to') are shown but left out of the band where the year has a "
        "figure that is not a bound.",
    )


def _preferred_lines(ax: plt.Axes, annual: pd.DataFrame, flows: list[str]) -> None:
    """Per flow, the band across sources and the line of the preferred figure."""
    for flow in flows:
        colour = FLOW_COLOURS.get(flow, "0.3")
        mine = annual[annual["flow"] == flow].sort_values("year")
        if mine["preferred_value"].isna().all():
            continue  # a flow without a figure gets no legend entry for a line not drawn
        ax.fill_between(
            mine["year"], mine["value_min"], mine["value_max"], color=colour, alpha=0.15,
            linewidth=0,
        )  # fmt: skip
        ax.plot(
            mine["year"], mine["preferred_value"], color=colour, linewidth=2, label=flow,
        )  # fmt: skip


def balance_chart(
    balance: pd.DataFrame, *, pair: str, ax: plt.Axes | None = None, sources: Iterable[str] = ()
) -> plt.Figure:
    """The reporter's trade balance per period: bar = preferred figures, whisker = range."""
    ax = _axes(ax)
    if balance.empty:
        _nothing(ax, f"No period has both exports and imports (or turnover) for {pair}")
    else:
        data = balance.sort_values(["period_start", "months"]).reset_index(drop=True)
        data["period"] = data["period_label"]
        data["kind"] = np.where(data["period_kind"] == "year", "full year", "part of a year")
        sns.barplot(
            data=data,
            x="period",
            y="balance",
            hue="kind",
            dodge=False,
            palette={"full year": "#1f4e79", "part of a year": "#9dc3e6"},
            ax=ax,
        )
        _range_lines(ax, range(len(data)), data["balance_min"], data["balance_max"], "black", 1.5)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.tick_params(axis="x", rotation=30)
    return finish(
        ax,
        title=f"{pair}: trade balance (exports minus imports)",
        xlabel="period",
        ylabel=USD,
        sources=sources,
        note="Derived from published exports, imports and turnover (see the method column); "
        "whiskers: range over every pair of figures.",
    )


def growth_chart(
    growth: pd.DataFrame, *, pair: str, ax: plt.Axes | None = None, sources: Iterable[str] = ()
) -> plt.Figure:
    """Year-on-year growth: the preferred figures' growth as a point, the range from every pair
    of figures as a line."""
    ax = _axes(ax)
    data = growth[growth["comparable"].astype(bool)] if len(growth) else growth
    if data.empty:
        _nothing(ax, f"No two consecutive years with figures for {pair}: no growth to show")
    else:
        offsets = {f: (i - 1) * 0.12 for i, f in enumerate(FLOW_COLOURS)}
        for flow, mine in data.groupby("flow", sort=False):
            colour = FLOW_COLOURS.get(str(flow), "0.3")
            x = mine["year"] + offsets.get(str(flow), 0)
            _range_lines(ax, x, 100 * mine["growth_min"], 100 * mine["growth_max"], colour, 6)
            ax.scatter(x, 100 * mine["growth"], color=colour, s=60, label=flow, zorder=3)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.legend(fontsize=8)
        years = sorted(set(data["year"]))
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    return finish(
        ax,
        title=f"{pair}: growth on the year before",
        xlabel="calendar year",
        ylabel="percent change on the previous year",
        sources=sources,
        note="Point: growth of the preferred figures; bar: range from every pair of figures "
        "(each source's figure for the year before against each for the year).",
    )


def ytd_chart(
    ytd: pd.DataFrame,
    annual: pd.DataFrame,
    *,
    pair: str,
    flow: str = "turnover",
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Year-to-date figures by length (January–May, first half, ...), years side by side, with
    the full year of the same years for reference."""
    ax = _axes(ax)
    parts = ytd[ytd["flow"] == flow] if len(ytd) else ytd
    if parts.empty:
        _nothing(ax, f"No year-to-date {flow} figure for {pair}")
        return finish(
            ax,
            title=f"{pair}: year to date, {flow}",
            xlabel="months covered",
            ylabel=USD,
            sources=[],
        )
    years = sorted(set(parts["year"]))
    full = annual[(annual["flow"] == flow) & annual["year"].isin(years) & (annual["n_figures"] > 0)]
    rows = [parts[["period_name", "months", "year", "preferred_value", "value_min", "value_max"]]]
    if len(full):
        rows.append(
            full.assign(period_name="full year", months=12)[
                ["period_name", "months", "year", "preferred_value", "value_min", "value_max"]
            ]
        )
    data = pd.concat(rows, ignore_index=True).sort_values(["months", "year"])
    _grouped_bars(ax, data, years)
    return finish(
        ax,
        title=f"{pair}: {flow} year to date, same months across years",
        xlabel="months covered (from January)",
        ylabel=USD,
        sources=_names(parts, "preferred_publisher") + _names(full, "preferred_publisher"),
        note="Bar: preferred figure; whisker: range across sources. A year-to-date bar above "
        "its full-year bar means the two figures cannot both be right.",
    )


def _grouped_bars(ax: plt.Axes, data: pd.DataFrame, years: list) -> None:
    """One group of bars per period length, one bar per year, each with its sources' range."""
    groups = list(dict.fromkeys(data["period_name"]))
    palette = dict(zip(years, sns.color_palette("crest", len(years)), strict=True))
    width = 0.8 / len(years)
    for i, name in enumerate(groups):
        for j, year in enumerate(years):
            row = data[(data["period_name"] == name) & (data["year"] == year)]
            if row.empty:
                continue
            row = row.iloc[0]
            x = i - 0.4 + width * (j + 0.5)
            ax.bar(
                x,
                row["preferred_value"],
                width=width * 0.9,
                color=palette[year],
                label=str(year) if i == groups.index(name) and name == groups[0] else None,
            )
            _range_lines(ax, [x], [row["value_min"]], [row["value_max"]], "black", 1.5)
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[y]) for y in years]
    ax.legend(handles, [str(y) for y in years], title="year", fontsize=8)
    ax.set_xticks(range(len(groups)), groups)


def goods_chart(
    goods: pd.DataFrame, *, measure: str, pair: str, ax: plt.Axes | None = None
) -> plt.Figure:
    """Goods by year (calendar years and marketing years, placed at their mid-point)."""
    ax = _axes(ax)
    data = goods[(goods["measure"] == measure)] if len(goods) else goods
    if len(data):
        data = data[data["period_kind"].isin(["year", "marketing_year", "fiscal_year"])]
    unit = (
        str(data["unit"].iloc[0])
        if len(data)
        else ("thousand tonnes" if measure == "quantity" else USD)
    )
    if data.empty:
        _nothing(ax, f"No annual {measure} figure for these goods ({pair})")
    else:
        data = data.assign(basis=data["basis"].str.replace("_", " "))
        sns.lineplot(
            data=data,
            x="mid_year",
            y="preferred_value",
            hue="commodity_name",
            style="basis",
            markers=True,
            dashes=False,
            ax=ax,
            markersize=8,
        )
        for _, row in data.iterrows():
            _range_lines(ax, [row["mid_year"]], [row["value_min"]], [row["value_max"]], "0.4")
        ax.legend(fontsize=8)
    what = "tonnage" if measure == "quantity" else "value"
    return finish(
        ax,
        title=f"{pair}: goods exported, {what}",
        xlabel="year (marketing years Jul–Jun placed at their middle)",
        ylabel=unit,
        sources=_names(data, "preferred_publisher"),
        note="Marker: preferred figure per period; vertical line: range across sources. "
        "Calendar and marketing years are different periods and are never merged.",
    )


def neighbour_chart(
    table: pd.DataFrame, *, partner: str, flow: str = "turnover", ax: plt.Axes | None = None
) -> plt.Figure:
    """The partner's full-year trade with each country, from each side's reports."""
    ax = _axes(ax)
    data = (
        table[(table["period_kind"] == "year") & (table["flow"] == flow)] if len(table) else table
    )
    if data.empty:
        _nothing(ax, f"No full-year {flow} figure for any of these countries with {partner}")
    else:
        data = data.assign(reported_by="reported by " + data["reported_by"])
        sns.lineplot(
            data=data,
            x="year",
            y="preferred_value",
            hue="country",
            style="reported_by",
            markers=True,
            ax=ax,
            markersize=8,
        )
        for _, row in data.iterrows():
            _range_lines(ax, [row["year"]], [row["value_min"]], [row["value_max"]], "0.4")
        ax.legend(fontsize=8, ncols=2)
        _whole_years(ax)
    return finish(
        ax,
        title=f"Trade with {partner}: neighbours side by side ({flow})",
        xlabel="calendar year",
        ylabel=USD,
        sources=_names(data, "preferred_publisher"),
        note="Line style: who reports the figure (the country itself or the partner); lines join "
        "years with figures, nothing is filled in; vertical line: range across sources. "
        "Part-year figures are in the tables.",
    )


def mirror_chart(
    mirror: pd.DataFrame, *, reporter: str, partner: str, ax: plt.Axes | None = None
) -> plt.Figure:
    """What each side reports, one panel per flow (in the reporter's view). Periods differ in
    length (a year, five months, a solar year), so each figure is drawn as the average month
    it implies, a segment across its period: one quantity on each axis, never a year beside
    a part of one."""
    reporter_name, partner_name = country_name(reporter), country_name(partner)
    flows = [f for f in FLOW_COLOURS if len(mirror) and f in set(mirror["flow"])]
    if ax is not None or not flows:
        ax = _axes(ax)
        _nothing(ax, f"Neither {reporter_name} nor {partner_name} reports their trade in the data")
        return finish(ax, title="Mirror view", xlabel="", ylabel="", sources=[])
    _, axes = plt.subplots(len(flows), 1, figsize=(7, 1.9 * len(flows) + 1), sharex=True)
    panels = np.atleast_1d(axes)
    for panel, flow in zip(panels, flows, strict=True):
        _mirror_panel(panel, mirror[mirror["flow"] == flow], reporter_name, partner_name)
        panel.set_ylabel(f"{flow},\n{USD} a month", fontsize=11)
    panels[-1].set_xlabel("period each figure covers")
    fig = finish(
        panels[0],
        title=f"Mirror view: {reporter_name}'s figures against {partner_name}'s",
        xlabel="",
        ylabel=panels[0].get_ylabel(),
        sources=_names(mirror, "reporter_publisher", "partner_publisher"),
        note=f"Each segment is one published figure divided by the months it covers (derived). "
        f"{reporter_name}'s exports face {partner_name}'s imports; periods on another basis "
        "(an Afghan solar year) are drawn across their own months.",
    )
    panels[-1].set_xlabel("period each figure covers")
    return fig


def _mirror_panel(ax: plt.Axes, rows: pd.DataFrame, reporter: str, partner: str) -> None:
    """One flow: each side's figures as the average month over the period they cover."""
    for side, colour, name in (("reporter", "#1f4e79", reporter), ("partner", "#c0504d", partner)):
        for row in table_rows(rows):
            value = getattr(row, f"{side}_value")
            if value is None or pd.isna(value):
                continue
            months = (
                12
                if row.basis == "afghan_solar_year"
                else months_in(row.period_start, row.period_end)
            )
            # In years, so the chart's data (CSV) reads as years: 2023.0 to 2023.42 is Jan–May.
            start = row.period_start.year + (row.period_start.month - 1) / 12
            end = row.period_end.year + row.period_end.month / 12
            ax.plot([start, end], [value / months] * 2, color=colour, linewidth=4,
                    solid_capstyle="butt", label=f"reported by {name}")  # fmt: skip
    ax.margins(y=0.15)
    ax.set_ylim(bottom=0)
    ax.legend()  # gathered with the other panels' under the chart (kzaf.plots.layout)
    _whole_years(ax)


def forecast_chart(
    forecast,
    annual: pd.DataFrame,
    figures: pd.DataFrame,
    *,
    pair: str,
    flow: str = "turnover",
    target_value: float | None = None,
    target_year: int | None = None,
    scenarios: pd.DataFrame | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Fan chart: published figures, the fitted trend, 50% and (1 - alpha) prediction bands,
    the target and constant-growth scenarios. The y axis is clipped so the figures stay
    readable; the note says when the band runs off the chart."""
    ax = _axes(ax)
    full = _full_years(figures, flow)
    note = forecast.trust
    if not forecast.fitted:
        if full.empty:
            _nothing(ax, forecast.message)
        else:
            ax.scatter(full["year"], full["value"], color="0.2", s=40, label="published figures")
            ax.legend()
    else:
        predictions = _fan(ax, forecast, full)
        _scenarios_and_target(ax, scenarios, target_value, target_year)
        observed = pd.concat([predictions["observed"].dropna(), full["value"]])
        top = max(3 * float(observed.max()), 1.2 * (target_value or 0))
        if float(predictions["upper"].max()) > top:
            ax.set_ylim(0, top)
            note += " The outer band is cut at the top of the chart."
        ax.legend()
    return finish(
        ax,
        title=f"{pair}: {flow}, trend and prediction intervals",
        xlabel="year",
        ylabel=USD,
        sources=_names(full, "publisher"),
        note=_plain(note),
    )


def _full_years(figures: pd.DataFrame, flow: str) -> pd.DataFrame:
    """The flow's full calendar-year figures that are not bounds."""
    if not len(figures):
        return figures
    return figures[
        (figures["flow"] == flow)
        & (figures["basis"] == "calendar")
        & (figures["period_kind"] == "year")
        & ~figures["precision"].isin(["at_least", "at_most"])
    ]


def _fan(ax: plt.Axes, forecast, full: pd.DataFrame) -> pd.DataFrame:
    """The prediction bands, the trend and the figures it rests on; returns the predictions."""
    p = forecast.predictions.copy()
    period = p["period"]
    x = period.dt.to_timestamp() if isinstance(period.dtype, pd.PeriodDtype) else period
    level = fmt_level(forecast.alpha)
    for low, high, alpha, name in (
        ("lower", "upper", 0.12, f"{level} prediction interval ({INDEPENDENT_YEARS})"),
        ("lower_50", "upper_50", 0.25, f"50% prediction interval ({INDEPENDENT_YEARS})"),
    ):
        ax.fill_between(x, p[low], p[high], color="#1f4e79", alpha=alpha, label=name)
    ax.plot(x, p["fitted"], color="#1f4e79", linewidth=2, label="trend (estimate)")
    if len(full):
        ax.scatter(full["year"], full["value"], color="0.2", s=40, zorder=3,
                   label="published figures")  # fmt: skip
    else:
        ax.scatter(x, p["observed"], color="0.2", s=20, zorder=3, label="observed")
    return p


def _scenarios_and_target(
    ax: plt.Axes,
    scenarios: pd.DataFrame | None,
    target_value: float | None,
    target_year: int | None,
) -> None:
    """Constant-growth scenarios as dashed lines, the target as a star."""
    if scenarios is not None and len(scenarios):
        for name, mine in scenarios.groupby("scenario", sort=False):
            ax.plot(mine["year"], mine["value"], linestyle="--", linewidth=1.2,
                    label=f"scenario: {name}")  # fmt: skip
    if target_value is not None and target_year is not None:
        ax.scatter([target_year], [target_value], marker="*", s=220, color="#c0504d", zorder=4,
                   label=f"target {fmt_whole(target_value)} in {target_year}")  # fmt: skip


def _whole_years(ax: plt.Axes) -> None:
    """Year ticks at whole years only (the default locator is a MaxNLocator)."""
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)


# ---------------------------------------------------------------------------------------------
# The trajectory notebook's charts, each from the build (kzaf.trajectory.build) and saved under
# its stable name; a chart the data do not call for is not drawn.


def save_annual(run: Trajectory) -> None:
    fig = annual_chart(run.figures, run.annual, pair=run.pair, policy_name=run.policy.name)
    save(fig, "01_trade_trajectory_annual")


def save_balance(run: Trajectory) -> None:
    if len(run.balance):
        fig = balance_chart(run.balance, pair=run.pair, sources=source_names(run.figures))
        save(fig, "01_trade_trajectory_balance")


def save_growth(run: Trajectory) -> None:
    fig = growth_chart(run.growth, pair=run.pair, sources=source_names(run.figures))
    save(fig, "01_trade_trajectory_growth")


def save_year_to_date(run: Trajectory) -> None:
    if len(run.year_to_date):
        fig = ytd_chart(run.year_to_date, run.annual, pair=run.pair, flow=run.flow)
        save(fig, "01_trade_trajectory_year_to_date")


def save_goods(run: Trajectory) -> None:
    if run.goods.empty and run.flour.empty:
        return
    for measure in ("quantity", "value"):
        fig = goods_chart(run.goods, measure=measure, pair=run.pair)
        save(fig, f"01_trade_trajectory_goods_{measure}")


def save_neighbours(run: Trajectory) -> None:
    fig = neighbour_chart(run.neighbours, partner=run.partner, flow=run.flow)
    save(fig, "01_trade_trajectory_neighbours")


def save_mirror(run: Trajectory) -> None:
    fig = mirror_chart(run.mirror, reporter=run.reporter, partner=run.partner)
    save(fig, "01_trade_trajectory_mirror")


def save_trend(run: Trajectory) -> None:
    """The fitted trend with the target (where one applies) and the constant-growth paths."""
    if not run.forecast.fitted:
        return
    fig = forecast_chart(
        run.forecast, run.annual, run.figures, pair=run.pair, flow=run.flow,
        target_value=run.target_value_usd_m if run.target_applies else None,
        target_year=run.target_year if run.target_applies else None, scenarios=run.scenarios,
    )  # fmt: skip
    save(fig, "01_trade_trajectory_trend")


def save_seasonal(run: Trajectory) -> None:
    if run.seasonal.fitted:
        fig = forecast_chart(run.seasonal, run.annual, run.figures.iloc[0:0], pair=run.pair,
                             flow=run.flow)  # fmt: skip
        save(fig, "01_trade_trajectory_seasonal")
