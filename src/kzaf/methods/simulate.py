"""Simulated series whose truth is known, for measuring the estimators (not data).

Annual series are log values around a level of 100 (``LOG_SD`` about ±20% a year); monthly
series are levels around 100 with a noise sd of 10. Three error processes:

- ``independent errors``: white noise (independent years, or months);
- ``AR(1) errors``: deviations that persist, each year keeping ``rho`` of the last one's,
  started from the stationary distribution (so every year has the same marginal spread);
- ``trend``: white noise around a line growing 10% a year (0.3 noise sds a month).

The monthly ``control series`` process follows a random walk that the model may use as a
regressor (the locomotive page's counterfactual takes control series).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOG_SD = 0.2  # annual noise in logs (about ±20%)
MONTHLY_SD = 10.0
INDEPENDENT, AR1, TREND, CONTROL = (
    "independent errors", "AR(1) errors", "trend", "control series",
)  # fmt: skip
PROCESSES = (INDEPENDENT, AR1, TREND)


def errors(process: str, n: int, sd: float, rho: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` errors with marginal standard deviation ``sd``: white, or AR(1) with ``rho``."""
    if process != AR1:
        return rng.normal(0, sd, n)
    innovations = rng.normal(0, sd * np.sqrt(1 - rho**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    for t in range(1, n):
        out[t] = rho * out[t - 1] + innovations[t]
    return out


def annual_logs(
    process: str, n: int, ahead: int, rho: float, rng: np.random.Generator
) -> np.ndarray:
    """Log values of ``n`` observed years followed by ``ahead`` future ones."""
    slope = np.log(1.10) if process == TREND else 0.0
    return np.log(100) + slope * np.arange(n + ahead) + errors(process, n + ahead, LOG_SD, rho, rng)


def true_growth(process: str) -> float:
    return 0.10 if process == TREND else 0.0


def monthly(
    process: str, n_pre: int, n_post: int, rho: float, rng: np.random.Generator
) -> tuple[pd.Series, pd.DataFrame | None]:
    """A monthly series and, for the control process, the control it follows (a random walk,
    sd 1.5 noise sds a month, followed at 0.8 plus white noise)."""
    n = n_pre + n_post
    index = pd.period_range("2019-01", periods=n, freq="M")
    if process == CONTROL:
        control = 200 + np.cumsum(rng.normal(0, 1.5 * MONTHLY_SD, n))
        values = 0.8 * control + rng.normal(0, MONTHLY_SD, n)
        return pd.Series(values, index=index), pd.DataFrame({"control": control}, index=index)
    drift = 0.3 * MONTHLY_SD if process == TREND else 0.0
    values = 100 + drift * np.arange(n) + errors(process, n, MONTHLY_SD, rho, rng)
    return pd.Series(values, index=index), None
