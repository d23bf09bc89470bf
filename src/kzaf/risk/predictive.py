"""Predictive draws of a log-linear trend's future years, under three predictive assumptions
and an optional allowance for years that are not independent (model estimates).

The model: ``log value = a + b (year - first year) + e``, where the deviations ``e`` from the
line follow a stationary AR(1) process with persistence ``rho`` (``rho = 0``: independent
years) and marginal standard deviation ``sigma``. A handful of annual points cannot estimate
``rho``, so it gets a stated prior, uniform on 0..``rho_max``, which the data update through
their marginal likelihood (flat priors on a and b, 1/sigma² on sigma²; a grid of ``rho``
values). Given ``rho`` the fit is generalised least squares, exact for any spacing of years.

A future path continues the deviation of the last observed year: ``e`` moves towards zero by
``rho`` a year and gains fresh noise. Three predictive assumptions say how much of the fit's
own uncertainty a path carries:

plug-in normal
    the fitted line and ``sigma`` taken as known: only next years' noise is uncertain;
normal with parameter uncertainty
    the line (intercept and slope) drawn from its sampling distribution, ``sigma`` known;
Student t
    the line and ``sigma`` both drawn (``sigma²`` from ``s² (n - 2) / χ²(n - 2)``): with
    ``rho_max = 0`` this is the Student t prediction interval of the fit itself.

Every draw uses the same standard normal and chi-square numbers whatever the assumption, so
two assumptions differ only by the assumption (common random numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PREDICTIVES = ("plug-in normal", "normal with parameter uncertainty", "Student t")
GRID_POINTS = 31  # rho values on 0..rho_max: the posterior of rho is smooth on a few points


@dataclass(frozen=True)
class TrendPosterior:
    """The trend fitted for each ``rho`` on the grid, with the posterior weight of each."""

    years: np.ndarray  # observed years, ascending
    logs: np.ndarray  # observed log values
    rho: np.ndarray  # (G,) persistence values
    weight: np.ndarray  # (G,) posterior weight of each, summing to 1
    beta: np.ndarray  # (G, 2) generalised least squares intercept (at years[0]) and slope
    cov_root: np.ndarray  # (G, 2, 2) Cholesky root of (X' R^-1 X)^-1, R the correlation
    scale2: np.ndarray  # (G,) s²: residual variance estimate (marginal, not innovation)

    @property
    def dof(self) -> int:
        return len(self.years) - 2

    @property
    def rho_mean(self) -> float:
        return float(self.weight @ self.rho)


def _gls(years: np.ndarray, logs: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, ...]:
    """GLS fits under AR(1) correlation for every ``rho`` of ``grid`` at once, and their log
    marginal likelihoods (up to a constant shared by every ``rho``)."""
    lags = np.abs(years[:, None] - years[None, :])
    root = np.linalg.cholesky(grid[:, None, None] ** lags[None])  # (G, n, n); 0**0 = 1
    design = np.column_stack([np.ones_like(years), years - years[0]])
    x = np.linalg.solve(root, np.broadcast_to(design, (len(grid), *design.shape)))
    y = np.linalg.solve(root, np.broadcast_to(logs[:, None], (len(grid), len(logs), 1)))[..., 0]
    precision = np.einsum("gni,gnj->gij", x, x)
    beta = np.linalg.solve(precision, np.einsum("gni,gn->gi", x, y)[..., None])[..., 0]
    ssr = np.sum((y - np.einsum("gni,gi->gn", x, beta)) ** 2, axis=1)
    dof = len(years) - 2
    log_ml = (
        -np.log(np.diagonal(root, axis1=1, axis2=2)).sum(axis=1)
        - 0.5 * np.linalg.slogdet(precision)[1]
        - 0.5 * dof * np.log(ssr)
    )
    return beta, np.linalg.cholesky(np.linalg.inv(precision)), ssr / dof, log_ml


def trend_posterior(
    years: Sequence[int], values: Sequence[float], *, rho_max: float = 0.0
) -> TrendPosterior:
    """The log-linear trend of ``values`` for every ``rho`` on 0..``rho_max``, weighted by
    the prior (uniform) times the marginal likelihood. Needs three positive values."""
    if not 0.0 <= rho_max < 1.0:
        raise ValueError(f"rho_max must lie in 0 (independent years) to below 1, got {rho_max}")
    years_arr = np.asarray(years, dtype=float)
    values_arr = np.asarray(values, dtype=float)
    if len(years_arr) < 3 or np.any(values_arr <= 0):
        raise ValueError("a predictive trend needs at least 3 positive annual values")
    order = np.argsort(years_arr)
    years_arr, logs = years_arr[order], np.log(values_arr[order])
    grid = np.linspace(0.0, rho_max, GRID_POINTS) if rho_max > 0 else np.zeros(1)
    beta, cov_root, scale2, log_ml = _gls(years_arr, logs, grid)
    weight = np.exp(log_ml - log_ml.max())
    return TrendPosterior(
        years=years_arr,
        logs=logs,
        rho=grid,
        weight=weight / weight.sum(),
        beta=beta,
        cov_root=cov_root,
        scale2=scale2,
    )


@dataclass(frozen=True)
class StandardDraws:
    """The random numbers behind ``n`` paths over ``h`` years, shared by every assumption."""

    grid: np.ndarray  # (n,) uniform: which rho
    chi2: np.ndarray  # (n,) chi-square with n - 2 degrees of freedom
    line: np.ndarray  # (n, 2) standard normal: the line's draw
    yearly: np.ndarray  # (n, h) standard normal: each year's fresh noise

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int, h: int, dof: int) -> StandardDraws:
        return cls(
            grid=rng.random(n),
            chi2=rng.chisquare(dof, n),
            line=rng.standard_normal((n, 2)),
            yearly=rng.standard_normal((n, h)),
        )


def draw_logs(
    posterior: TrendPosterior,
    future_years: Sequence[int],
    predictive: str,
    numbers: StandardDraws,
    *,
    from_last_observed: bool = False,
) -> np.ndarray:
    """Log values of ``future_years`` (ascending, after the data), one row per path.

    ``from_last_observed``: each path's line passes through the last observed value (its
    deviation is set to zero there) instead of continuing the deviation it had."""
    if predictive not in PREDICTIVES:
        raise ValueError(f"predictive must be one of {PREDICTIVES}, got {predictive!r}")
    pick = np.searchsorted(np.cumsum(posterior.weight), numbers.grid, side="right")
    pick = np.minimum(pick, len(posterior.rho) - 1)
    rho, s2 = posterior.rho[pick], posterior.scale2[pick]
    variance = s2 * posterior.dof / numbers.chi2 if predictive == "Student t" else s2
    beta = posterior.beta[pick]
    if predictive != "plug-in normal":
        spread = np.einsum("nij,nj->ni", posterior.cov_root[pick], numbers.line)
        beta = beta + spread * np.sqrt(variance)[:, None]
    last_year, origin = posterior.years[-1], posterior.years[0]
    deviation = posterior.logs[-1] - (beta[:, 0] + beta[:, 1] * (last_year - origin))
    if from_last_observed:
        beta = beta.copy()
        beta[:, 0] += deviation
        deviation = np.zeros_like(deviation)
    out = np.empty((len(pick), len(future_years)))
    previous = last_year
    for j, year in enumerate(future_years):
        step = rho ** (year - previous)
        deviation = step * deviation + np.sqrt(variance * (1 - step**2)) * numbers.yearly[:, j]
        out[:, j] = beta[:, 0] + beta[:, 1] * (year - origin) + deviation
        previous = year
    return out
