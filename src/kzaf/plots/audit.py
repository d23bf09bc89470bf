"""Charts of the data audit: coverage heat map and counts by source kind and precision."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from kzaf.audit import COUNTED, DATASET, Audit
from kzaf.plots.common import finish, save
from kzaf.plots.layout import key
from kzaf.text.words import count, words


def coverage_heatmap(matrix: pd.DataFrame, *, sources: str, phone: bool = False) -> plt.Figure:
    """Topic by year counts of figures, each count printed in its cell (zero cells blank).

    The desktop drawing has a column per year; the phone drawing (``phone``) turns the table
    round, a row per year and a column per topic, so each count keeps a cell wide enough for
    three digits at a legible size. No colour bar: the numbers are printed."""
    shown = matrix.T if phone else matrix
    labels = shown.map(lambda n: "" if n == 0 else str(int(n)))
    rows, columns = shown.shape
    size = (5.0, 0.3 * rows + 1.6) if phone else (0.36 * columns + 2.2, 0.5 * rows + 1.6)
    _, ax = plt.subplots(figsize=size)
    sns.heatmap(
        shown, annot=labels, fmt="", cmap="Blues", cbar=False, linewidths=0.5,
        linecolor="white", annot_kws={"fontsize": 11}, ax=ax,
    )  # fmt: skip
    if phone:  # topics by their letter, named in a key under the chart
        ax.set_xticks(ax.get_xticks(), [str(t).split(".")[0] for t in shown.columns])
        ax.xaxis.tick_top()
        ax.tick_params(axis="both", rotation=0)
        key(ax, [str(t) for t in shown.columns])
    else:
        ax.set_yticks(ax.get_yticks(), [textwrap.fill(str(t), 26) for t in shown.index])
        ax.tick_params(axis="x", rotation=90)
    return finish(
        ax,
        title="Published figures by topic and year",
        xlabel="" if phone else "year the period starts",
        ylabel="year the period starts" if phone else "",
        sources=sources,
        note="Each number counts the figures whose period starts that year; blank: none found.",
    )


def counts_bar(table: pd.DataFrame, column: str, *, title: str, sources: str) -> plt.Figure:
    """One bar per category (in words) counting its figures; the label says how many
    sources gave them."""
    _, ax = plt.subplots(figsize=(7, 0.55 * len(table) + 1.8))
    labels = [
        f"{words(value)} ({count(int(n), 'source')})"
        for value, n in zip(table[column], table["n_sources"], strict=True)
    ]
    y = range(len(table))
    bars = ax.barh(list(y), table["n_figures"], color="#4C72B0")
    ax.bar_label(bars, [f"{int(n):,}" for n in table["n_figures"]], padding=4, fontsize=11)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()  # the largest first
    ax.set_xlim(0, float(table["n_figures"].max()) * 1.15)
    return finish(ax, title=title, xlabel="number of figures", ylabel="", sources=sources)


# ---------------------------------------------------------------------------------------------
# The audit notebook's charts, each from the build (kzaf.audit.build) under its stable name.


def save_coverage(run: Audit) -> None:
    phone = coverage_heatmap(run.coverage, sources=DATASET, phone=True)
    save(coverage_heatmap(run.coverage, sources=DATASET), "00_coverage_heatmap", phone=phone)


def save_counts(run: Audit) -> None:
    """Figures by source kind, then by precision."""
    for column, title in COUNTED.items():
        fig = counts_bar(run.counts[column], column, title=title, sources=DATASET)
        save(fig, f"00_by_{column}")
