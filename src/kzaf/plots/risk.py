"""Charts of the risk assessment: register, composite, uncertainty, sensitivity, matrix, fan."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from kzaf.frames import rows as table_rows
from kzaf.plots.common import finish, save
from kzaf.plots.layout import key
from kzaf.risk.build import SOURCES, TRADE_SOURCES, RiskAssessment
from kzaf.text.numbers import fmt_fixed, fmt_pct, fmt_whole
from kzaf.text.words import words

LIKELIHOOD_COLOUR = "#4C72B0"
IMPACT_COLOUR = "#DD8452"
MODEL_NOTE = "Model estimate: see the notebook for method and assumptions."


def register_chart(register: pd.DataFrame, *, sources: str) -> plt.Figure:
    """Likelihood and impact scores (1–5) per risk, by name; a missing score or an override
    is said in words inside the chart, beside the risk."""
    table = register.iloc[::-1].reset_index(drop=True)
    _, ax = plt.subplots(figsize=(8, 0.5 * len(table) + 1.8))
    y = np.arange(len(table))
    for column, colour, offset in (
        ("likelihood", LIKELIHOOD_COLOUR, 0.12),
        ("impact", IMPACT_COLOUR, -0.12),
    ):
        values = pd.to_numeric(table[column], errors="coerce").astype(float)
        ax.scatter(values, y + offset, color=colour, s=70, label=column, zorder=3)
    for k, row in table.iterrows():
        notes = []
        if pd.isna(row["likelihood"]) or pd.isna(row["impact"]):
            notes.append(words(row["status"]))
        if row["overridden"]:
            notes.append("analyst override")
        if notes:  # on the side of the scale with no marker: 5 when a score is missing
            ax.annotate(", ".join(notes), (4.55, k), va="center", ha="right", fontsize=11,
                        color="0.35")  # fmt: skip
    ax.set_yticks(y, list(table["name"]))
    ax.set_xlim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.legend()
    return finish(
        ax,
        title="Risk register: likelihood and impact scores derived from the indicators",
        xlabel="score (1 = lowest, 5 = highest; fifths of each indicator's scale)",
        ylabel="",
        sources=sources,
        note="No marker: no sourced figure for that dimension (insufficient data).",
    )


def composite_trajectory_chart(trajectory: pd.DataFrame, *, sources: str) -> plt.Figure:
    """The composite per year (with the number of risks scored) over each risk's score."""
    _, ax = plt.subplots()
    shown = trajectory.dropna(subset=["composite"])
    risk_columns = [c for c in trajectory.columns if c.startswith("R") and c[1:].isdigit()]
    for column in risk_columns:
        values = shown[["year", column]].dropna()
        if values.empty:
            continue
        # Unlabelled: ten names at the lines' ends would overlap; the table below has them.
        ax.plot(values["year"], values[column], color="0.75", lw=1, zorder=1)
    ax.plot(
        shown["year"],
        shown["composite"],
        marker="o",
        color="#C44E52",
        lw=2.5,
        label="composite",
        zorder=3,
    )
    for row in table_rows(shown):
        ax.annotate(
            f"{row.n_risks} risks",
            (row.year, row.composite),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color="#C44E52",
        )
    ax.plot([], [], color="0.75", lw=1, label="each risk's score (named in the table below)")
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    return finish(
        ax,
        title="Composite risk index by year (latest figures within the age limit)",
        xlabel="year",
        ylabel="index (0 = least, 1 = most risk)",
        sources=sources,
        note="Years with figures for fewer than half of the risks are not shown. " + MODEL_NOTE,
    )


def composite_distribution_chart(
    composite: np.ndarray, point: float, *, sources: str
) -> plt.Figure:
    """Histogram of the Monte Carlo composite with the point estimate and 90% interval."""
    _, ax = plt.subplots()
    values = composite[~np.isnan(composite)]
    sns.histplot(values, bins=60, stat="probability", color="#8172B3", ax=ax)
    low, high = np.quantile(values, [0.05, 0.95])
    ax.axvline(point, color="black", lw=1.5, label=f"chosen settings: {fmt_fixed(point, 2)}")
    ax.axvspan(
        low,
        high,
        color="0.85",
        zorder=0,
        label=f"90% of draws: {fmt_fixed(low, 2)}–{fmt_fixed(high, 2)}",
    )
    ax.legend(frameon=False, fontsize=9)
    return finish(
        ax,
        title=f"Composite risk index over {fmt_whole(len(values))} Monte Carlo draws",
        xlabel="composite index (0–1)",
        ylabel="share of draws",
        sources=sources,
        note="Draws vary weights, normalisation, aggregation and ranged figures. " + MODEL_NOTE,
    )


def top_three_chart(probabilities: pd.DataFrame, *, sources: str) -> plt.Figure:
    """Each risk's probability of ranking first and in the top three."""
    table = probabilities.dropna(subset=["p_top_three"]).iloc[::-1]
    labels = [getattr(r, "name", "") or r.risk_id for r in table_rows(table)]
    _, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.8))
    y = np.arange(len(table))
    ax.barh(y, table["p_top_three"], color="#55A868", label="in the top three")
    ax.barh(y, table["p_first"], color="#2D6A3E", height=0.4, label="first")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return finish(
        ax,
        title="How sure is the ranking? Probability of ranking first and in the top three",
        xlabel="probability over the Monte Carlo draws",
        ylabel="",
        sources=sources,
        note=MODEL_NOTE,
    )


def tornado_chart(
    table: pd.DataFrame, centre: float, *, output: str, sources: str, top: int = 12
) -> plt.Figure:
    """Bars from the mean output at a factor's low end to its high end, largest share on top."""
    shown = table.head(top).iloc[::-1]
    _, ax = plt.subplots(figsize=(9, 0.45 * len(shown) + 1.8))
    y = np.arange(len(shown))
    left = np.minimum(shown["low"], shown["high"])
    width = np.abs(shown["high"] - shown["low"])
    ax.barh(y, width, left=left, color="#64B5CD")
    for k, row in enumerate(table_rows(shown)):
        ax.annotate(
            fmt_pct(row.first_order, 0), (max(row.low, row.high), k), xytext=(4, 0),
            textcoords="offset points", va="center", fontsize=11,
        )  # fmt: skip
    ax.axvline(centre, color="black", lw=1)
    low, high = float(np.min(left)), float(np.max(left + width))
    ax.set_xlim(low - 0.1 * (high - low), high + 0.25 * (high - low))  # room for the shares
    ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=4))
    ax.set_yticks(y, shown["factor"])
    return finish(
        ax,
        title=f"What drives the {output}: first-order sensitivity",
        xlabel=f"mean {output} at each input's low and high end (0–1 scale)",
        ylabel="",
        sources=sources,
        note="Percent: share of variance explained by each input alone (correlation ratio); "
        "the table below gives each input's low and high end. " + MODEL_NOTE,
    )


def risk_matrix_heatmap(register: pd.DataFrame, *, sources: str) -> plt.Figure:
    """A 5 × 5 likelihood-by-impact matrix: cell colour likelihood × impact; each scored risk
    by its number in the cell, named in the key under the chart (names would not fit)."""
    levels = [5, 4, 3, 2, 1]
    rating = pd.DataFrame(
        [[lk * im for im in range(1, 6)] for lk in levels], index=levels, columns=range(1, 6)
    )
    names = pd.DataFrame("", index=levels, columns=range(1, 6))
    scored = register.dropna(subset=["likelihood", "impact"])
    keys = []
    for number, row in enumerate(table_rows(scored), start=1):
        mark = f"{number}" + ("*" if row.overridden else "")
        keys.append(f"{number}  {row.name}")
        cell = str(names.loc[int(row.likelihood), int(row.impact)])
        names.loc[int(row.likelihood), int(row.impact)] = f"{cell}, {mark}" if cell else mark
    _, ax = plt.subplots(figsize=(6, 5))
    sns.heatmap(
        rating, annot=names, fmt="", cmap="YlOrRd", vmin=1, vmax=25, linewidths=1,
        linecolor="white", cbar_kws={"label": "likelihood × impact"},
        annot_kws={"fontsize": 12}, ax=ax,
    )  # fmt: skip
    key(ax, keys)
    missing = register.loc[register["likelihood"].isna() | register["impact"].isna(), "name"]
    note = "* analyst override. "
    if len(missing):
        note += f"Not placed (insufficient data): {', '.join(missing)}. "
    return finish(
        ax,
        title="Likelihood-by-impact matrix",
        xlabel="impact score (1–5)",
        ylabel="likelihood score (1–5)",
        sources=sources,
        note=note + "Scores are derived from indicators by the register's rule.",
    )


def fan_chart(
    fan: pd.DataFrame,
    observed: pd.DataFrame,
    thresholds: Mapping[str, float],
    *,
    sources: str,
    unit: str = "USD million",
    assumptions: str = "",
) -> plt.Figure:
    """Observed annual trade, then the simulated median and 50% / 80% / 90% bands;
    ``assumptions`` says what the paths assume (the bands' level rests on it)."""
    _, ax = plt.subplots()
    ax.plot(observed["year"], observed["value"], marker="o", color="black", label="observed")
    for low, high, alpha in (("q05", "q95", 0.15), ("q10", "q90", 0.25), ("q25", "q75", 0.4)):
        ax.fill_between(fan["year"], fan[low], fan[high], color="#4C72B0", alpha=alpha, lw=0)
    ax.plot(fan["year"], fan["q50"], color="#4C72B0", label="median of simulated paths")
    ax.plot(
        fan["year"],
        fan["baseline"],
        color="#4C72B0",
        ls="--",
        lw=1,
        label="baseline (trend, no shocks)",
    )
    for label, value in thresholds.items():
        ax.axhline(value, color="#C44E52", lw=0.8, ls=":")
        ax.annotate(
            label,
            (fan["year"].iloc[0], value),
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8,
            color="#C44E52",
        )
    ax.set_yscale("log")
    ticks = [
        t
        for t in (50, 100, 200, 500, 1000, 2000, 5000, 10000)
        if fan["q05"].min() / 2 <= t <= fan["q95"].max() * 2
    ]
    ax.set_yticks(ticks, [fmt_whole(t) for t in ticks])
    ax.minorticks_off()
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=9, loc="lower left")
    return finish(
        ax,
        title="Kazakhstan–Afghanistan trade: simulated paths to the horizon",
        xlabel="year",
        ylabel=f"annual turnover ({unit}, log scale)",
        sources=sources,
        note=f"Bands: 50%, 80% and 90% of simulated paths{assumptions}. " + MODEL_NOTE,
    )


# ---------------------------------------------------------------------------------------------
# The risk notebook's charts, each from the build (kzaf.risk.build) and saved under its stable
# name.


def save_register(run: RiskAssessment) -> None:
    save(register_chart(run.result.register, sources=SOURCES), "03_risk_register")


def save_matrix(run: RiskAssessment) -> None:
    save(risk_matrix_heatmap(run.result.register, sources=SOURCES), "03_risk_matrix")


def save_trajectory(run: RiskAssessment) -> None:
    fig = composite_trajectory_chart(run.result.trajectory, sources=SOURCES)
    save(fig, "03_composite_trajectory")


def save_distribution(run: RiskAssessment) -> None:
    result = run.result
    fig = composite_distribution_chart(result.draws.composite, result.composite, sources=SOURCES)
    save(fig, "03_composite_distribution")


def save_top_three(run: RiskAssessment) -> None:
    save(top_three_chart(run.result.probabilities, sources=SOURCES), "03_top_three")


def save_tornado(run: RiskAssessment) -> None:
    centre = float(run.result.draws.composite.mean())
    fig = tornado_chart(run.result.drivers, centre, output="composite index", sources=SOURCES)
    save(fig, "03_tornado")


def save_fan(run: RiskAssessment) -> None:
    observed = run.result.annual_turnover[["year", "value"]]
    fig = fan_chart(
        run.fan, observed, run.thresholds, sources=TRADE_SOURCES, assumptions=run.fan_assumptions
    )
    save(fig, "03_trade_fan")
