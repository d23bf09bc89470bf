"""The methods page's words: key points and table titles, generated from the benchmark table;
nothing here computes a finding."""

from __future__ import annotations

import math

import pandas as pd

from kzaf.methods import simulate
from kzaf.methods.benchmark import Settings
from kzaf.text.numbers import fmt_whole


def _share(value: float) -> str:
    return f"{value * 100:.0f}%"


def _span(values: pd.Series | list[float]) -> str:
    """'77–82%', or '89%' when both ends print alike."""
    low, high = _share(min(values)), _share(max(values))
    return low if low == high else f"{low[:-1]}–{high}"


def _cell(table: pd.DataFrame, estimator: str, measure: str, process: str) -> list[float]:
    rows = table[
        table["estimator"].str.startswith(estimator)
        & table["measure"].str.startswith(measure)
        & (table["process"] == process)
    ]
    return rows["actual"].tolist()


def key_points(table: pd.DataFrame, settings: Settings, trend_points: int) -> list[str]:
    """Five sentences: the trajectory's intervals with and without runs of years, its false
    growth signals, the risk page's paths, and the benchmark's own limits (its caveat)."""
    ind, ar = simulate.INDEPENDENT, simulate.AR1
    mine = table[table["n"] == trend_points]
    trend = [*_cell(mine, "trend prediction", "coverage", ind), *_cell(mine, "growth", "cov", ind)]
    trend_ar = [*_cell(mine, "trend prediction", "coverage", ar), *_cell(mine, "growth", "cov", ar)]
    paths = {
        name: _cell(mine, estimator, "coverage", ind) + _cell(mine, estimator, "coverage", ar)
        for name, estimator in (
            ("headline", "scenario paths, Student t, persistence prior"),
            ("plug-in", "scenario paths, plug-in normal"),
        )
    }
    return [
        f"On simulated series of {trend_points} years whose truth is known, the trajectory "
        f"page's intervals, which promise 90%, hold the truth {_span(trend)} of the time when "
        f"years are independent, but only {_span(trend_ar)} when good and bad years come in "
        f"runs (persistence {settings.rho:g}).",
        f"With no true growth, its growth interval signals growth or decline "
        f"{_span(_cell(mine, 'growth', 'false', ind))} of the time with independent years "
        f"(10% is the promise) and {_span(_cell(mine, 'growth', 'false', ar))} with runs.",
        f"The risk page's headline paths (Student t, persistence prior) hold the truth "
        f"{_span(paths['headline'])} of the time in both cases; paths that take the fitted "
        f"trend as known (plug-in normal) only {_span(paths['plug-in'])}.",
        "So every 90% interval on the trajectory page says that it assumes independent years, "
        "and the risk page gives its chances as a range across assumptions.",
        f"These are {fmt_whole(settings.sims)} simulations of two simple error processes per "
        f"row (each share within about ±{_share(_mc_error(settings.sims))} by chance); breaks, "
        "one-off shipments and revised figures can mislead an interval in ways no row here "
        "measures.",
    ]


def _mc_error(sims: int) -> float:
    """Two Monte Carlo standard errors of a share near 90%."""
    return 2 * math.sqrt(0.9 * 0.1 / sims)


def headline_title(settings: Settings, trend_points: int) -> str:
    return (
        f"Nominal against actual: how often each interval held the truth on {trend_points}-year "
        f"simulated series ({fmt_whole(settings.sims)} per row, seed {settings.seed}; "
        f"AR(1) errors with persistence {settings.rho:g})"
    )


def settings_table(settings: Settings, trend_points: int) -> pd.DataFrame:
    """What was simulated, in words: one row per setting."""
    lengths = ", ".join(str(n) for n in settings.sizes)
    rows = [
        ("random seed", str(settings.seed)),
        ("simulated series per row", fmt_whole(settings.sims)),
        ("years per annual series", f"{lengths} (the trade trend has {trend_points})"),
        ("error processes", ", ".join(settings.processes)),
        ("persistence of the AR(1) errors", f"{settings.rho:g}"),
        ("risk page's persistence prior", f"uniform on 0–{settings.persistence_max:g}"),
        ("paths per simulated series (risk page)", fmt_whole(settings.scenario_draws)),
        ("simulated monthly series (locomotive page)", fmt_whole(settings.event_sims)),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def shown(wide: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """A by-process table for readers: words for columns, shares rounded."""
    out = wide.rename(columns={"page": "used on"}).copy()
    for column in out.columns[3:]:
        out[column] = out[column].astype(float).round(decimals)
    return out


# The benchmark's columns as a reader reads them (the full table, also a download).
_FULL_COLUMNS = {
    "page": "used on",
    "n": "years",
    "mc_se": "simulation error (one standard error)",
    "gap": "actual − nominal",
}


def full_table(table: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """Every row of the benchmark for readers: words for columns, shares rounded."""
    out = table.rename(columns=_FULL_COLUMNS).copy()
    numeric = out.select_dtypes("number").columns.drop("years", errors="ignore")
    out[numeric] = out[numeric].astype(float).round(decimals)
    return out
