"""Charts of the data audit: coverage heat map and counts by source kind and precision."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import Rectangle

from kzaf.audit import COUNTED, DATASET, Audit
from kzaf.plots.common import finish, save


def coverage_heatmap(matrix: pd.DataFrame, *, sources: str) -> plt.Figure:
    """Topic by year heat map of figure counts (annotated; zero cells left blank)."""
    _, ax = plt.subplots(figsize=(max(8, 0.45 * len(matrix.columns) + 3), 0.6 * len(matrix) + 2))
    labels = matrix.map(lambda n: "" if n == 0 else str(int(n)))
    sns.heatmap(
        matrix,
        annot=labels,
        fmt="",
        cmap="Blues",
        cbar_kws={"label": "figures"},
        linewidths=0.5,
        linecolor="white",
        ax=ax,
    )
    ax.tick_params(axis="x", rotation=90)
    return finish(
        ax,
        title="Published figures by topic and year",
        xlabel="year the period starts",
        ylabel="",
        sources=sources,
        note="Blank: no figure found for that year.",
    )


def counts_bar(table: pd.DataFrame, column: str, *, title: str, sources: str) -> plt.Figure:
    """Horizontal bars of n_figures per value of ``column``."""
    _, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.8))
    sns.barplot(data=table, y=column, x="n_figures", color="#4C72B0", ax=ax)
    bars = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    for patch, sources_n in zip(bars, table["n_sources"], strict=True):
        ax.annotate(
            f"{sources_n} sources",
            (patch.get_width(), patch.get_y() + patch.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    return finish(ax, title=title, xlabel="number of figures", ylabel="", sources=sources)


# ---------------------------------------------------------------------------------------------
# The audit notebook's charts, each from the build (kzaf.audit.build) under its stable name.


def save_coverage(run: Audit) -> None:
    save(coverage_heatmap(run.coverage, sources=DATASET), "00_coverage_heatmap")


def save_counts(run: Audit) -> None:
    """Figures by source kind, then by precision."""
    for column, title in COUNTED.items():
        fig = counts_bar(run.counts[column], column, title=title, sources=DATASET)
        save(fig, f"00_by_{column}")
