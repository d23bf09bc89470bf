"""Charts for the locomotive notebook: aggregates split into shipment and rest, the
counterfactual with its intervals, the claim verdicts as a small table (figures only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kzaf import report
from kzaf.event import Event, Impact, model_text
from kzaf.plots.common import finish, save
from kzaf.text.numbers import fmt_general, fmt_level, fmt_pct

if TYPE_CHECKING:
    from kzaf.event.build import Shipment

SHIPMENT_COLOUR = "#b2182b"
REST_COLOUR = "#92c5de"
MODEL_COLOUR = "#2166ac"


def decomposition_bars(
    decomposition: pd.DataFrame, event: Event, sources: Iterable[str]
) -> plt.Figure:
    """One horizontal bar per published aggregate: the shipment and the rest, stacked.

    Suspect figures are hatched; an aggregate too small to hold the shipment shows the
    shipment alone, with its shortfall named in the label.
    """
    frame = decomposition.iloc[::-1].reset_index(drop=True)  # first row on top
    title = (
        f"The shipment ({fmt_general(event.value_usd_m)} USD million, HS {event.hs_code}) inside "
        "each published aggregate"
    )
    if frame.empty:  # no aggregate for this pair and period: save() says so in a sentence
        _, ax = plt.subplots()
        return finish(ax, title=title, xlabel="", ylabel="", sources=sources)
    labels = _aggregate_labels(frame)
    height = max(2.8, 0.42 * len(frame) + 1.6)
    _, ax = plt.subplots(figsize=(10, height))
    y = np.arange(len(frame))
    rest = frame["rest_usd_m"].clip(lower=0)
    hatch = ["//" if s else "" for s in frame["suspect"]]
    ax.barh(y, frame["shipment_usd_m"], color=SHIPMENT_COLOUR, label="the shipment")
    bars = ax.barh(
        y, rest, left=frame["shipment_usd_m"], color=REST_COLOUR, label="everything else"
    )
    for bar, h in zip(bars, hatch, strict=True):
        bar.set_hatch(h)
    for yi, total, share in zip(y, frame["aggregate_usd_m"], frame["shipment_share"], strict=True):
        ax.text(
            max(total, event.value_usd_m) * 1.01,
            float(yi),
            fmt_pct(share, 0),
            va="center",
            fontsize=8,
            color="0.25",
        )
    ax.set_yticks(y, labels, fontsize=8)
    ax.legend(loc="upper right", fontsize=8, frameon=True)
    ax.set_xlim(0, float(frame["aggregate_usd_m"].max()) * 1.12)
    return finish(
        ax,
        title=title,
        xlabel="USD million (percent: the shipment's share, derived)",
        ylabel="published aggregate (period, flow, source)",
        sources=sources,
        note="each bar is one published figure; hatched bars are flagged suspect in the data",
    )


def _aggregate_labels(frame: pd.DataFrame) -> list[str]:
    """Each aggregate's period, flow (and the mirror side's reporter), its publisher, and
    whether it is suspect or too small to hold the shipment."""
    return [
        f"{p} {f}{'' if side == 'reporter' else f' (mirror: {r})'} · {_short(pub)}"
        + (" · suspect" if s else "")
        + ("" if c else " · cannot hold it")
        for p, f, side, r, pub, s, c in zip(
            frame["period_label"], frame["flow"], frame["side"], frame["reporter"],
            frame["publisher"], frame["suspect"], frame["consistent"], strict=True,
        )
    ]  # fmt: skip


def _short(publisher: str, width: int = 34) -> str:
    return publisher if len(publisher) <= width else publisher[: width - 1] + "…"


def _effect_panel(
    ax: plt.Axes, x: pd.Series, frame: pd.DataFrame, column: str, **style: Any
) -> None:
    """An effect over the post-period (model estimate) with its interval, against zero."""
    ax.axhline(0, color="0.4", lw=0.8)
    ax.plot(x, frame[column], color=MODEL_COLOUR, lw=1.2, **style)
    ax.fill_between(
        x, frame[f"{column}_lower"], frame[f"{column}_upper"], color=MODEL_COLOUR, alpha=0.18,
        lw=0,
    )  # fmt: skip


def counterfactual_panels(
    impact: Impact,
    what: str,
    sources: Iterable[str],
    shipment_usd_m: float | None = None,
    shipment_label: str = "recorded shipment",
) -> plt.Figure:
    """CausalImpact's three panels: actual and predicted; pointwise effect; cumulative effect.

    Everything blue is a model estimate (prediction and its interval), black is observed.
    """
    frame = impact.pointwise.copy()
    x = frame["month"].dt.to_timestamp()
    post = (frame["period"] == "post").to_numpy()
    event_x = impact.event_month.to_timestamp()
    level = fmt_level(impact.alpha)
    _, axes = plt.subplots(3, 1, figsize=(10, 8.5), sharex=True)
    top, middle, bottom = axes
    top.plot(x, frame["actual"], color="black", lw=1.2, label="observed")
    top.plot(x, frame["predicted"], color=MODEL_COLOUR, lw=1.2, ls="--", label="model estimate")
    top.fill_between(
        x,
        frame["predicted_lower"],
        frame["predicted_upper"],
        color=MODEL_COLOUR,
        alpha=0.18,
        lw=0,
        label=f"{level} interval (model, assuming independent monthly noise)",
    )
    top.legend(loc="upper left", fontsize=8)
    top.set_ylabel("USD million a month")
    _effect_panel(middle, x[post], frame[post], "effect", marker="o", ms=3)
    if shipment_usd_m is not None:
        middle.scatter(
            [event_x], [shipment_usd_m], color=SHIPMENT_COLOUR, zorder=3, label=shipment_label
        )
        middle.legend(loc="upper right", fontsize=8)
    middle.set_ylabel("pointwise effect,\nUSD million")
    _effect_panel(bottom, x[post], frame[post], "cum_effect")
    bottom.set_ylabel("cumulative effect,\nUSD million")
    for ax in axes:
        ax.axvline(event_x, color="0.5", ls=":", lw=1)
    bottom.set_xlabel("month")
    return finish(
        top,
        title=f"{what}: observed against a model's counterfactual",
        xlabel="",
        ylabel="USD million a month",
        sources=sources,
        note=f"{model_text(impact)}; the dashed line and shaded {level} intervals are model "
        "estimates, not observations",
    )


# ---------------------------------------------------------------------------------------------
# The locomotive notebook's charts, each from the build (kzaf.event.build) and saved under its
# stable name; a chart the data do not call for is not drawn.


def save_decomposition(run: Shipment) -> None:
    if len(run.decomposition):
        fig = decomposition_bars(run.decomposition, run.event, run.decomposition_sources)
        save(fig, "02_decomposition_bars")


def show_counterfactual(run: Shipment, name: str) -> None:
    """One counterfactual ("total" or "rest"), where the monthly data allow it: the paragraph,
    the summary over the post-period, and the three panels."""
    shown = run.impacts.get(name)
    if shown is None:
        return
    report.answer(shown.text)
    report.show(shown.summary)
    sources = list(run.monthly.sources["publisher"].drop_duplicates())
    label = f"HS {run.event.hs_code}, {run.month_label}"
    fig = counterfactual_panels(shown.impact, shown.what, sources, shown.compare, label)
    save(fig, f"02_counterfactual_{name}")
