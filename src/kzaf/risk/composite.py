"""A composite risk index the OECD/JRC way: normalise, weight, aggregate (pure numpy).

The steps follow the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), as the
EU's INFORM risk index applies them:

1. **Normalise** each indicator to a common 0–1 risk scale, 1 being the riskiest end, so
   that "higher is riskier" holds for every indicator whatever its published direction:

   - ``min_max``: ``(x - min) / (max - min)`` against fixed goalposts (the scale of the
     indicator as its rule documents it, as INFORM does) or, without goalposts, the observed
     minimum and maximum; values outside the goalposts are clipped.
   - ``z_score``: ``(x - mean) / sd`` against the reference observations (sample standard
     deviation), passed through the standard normal distribution function so that it lies in
     0–1 and can be averaged with the other methods and aggregated geometrically.
   - ``rank``: the mid-rank percentile of ``x`` among the reference observations
     (``(number below + half the number equal) / n``).

   A constant indicator (one observation, or all equal) carries no information on where a
   value sits: ``z_score`` and ``rank`` give it 0.5, and so does ``min_max`` without goalposts.
   An indicator published as "higher is safer" is turned round (``1 - score``).
2. **Weight**: within a risk, every indicator of a dimension (likelihood, impact) counts the
   same; the two dimensions and the risks carry weights (equal by default), normalised to sum
   to one.
3. **Aggregate** the dimensions into a risk score, and the risk scores into the composite:
   ``arithmetic`` (weighted mean; full compensation: a low value offsets a high
   one) or ``geometric`` (weighted geometric mean; partial compensation, as INFORM uses).
   A geometric mean of a zero is zero whatever the other values, so values are floored at
   :data:`GEOMETRIC_FLOOR` (0.01 on the 0–1 scale) before the geometric mean; the floor is a
   stated choice, not data. Missing values are skipped and the remaining weights rescaled.

A risk needs evidence (or an analyst's score) on both likelihood and impact to be scored and
ranked: risk is the combination of the two, and one alone does not say how much the risk
matters (``partial=True`` relaxes this). Risks are ranked by their *weighted score*: the
risk's score times its weight relative to the mean weight of the scored risks. With equal
weights it is the score itself; under arithmetic aggregation it is proportional to the risk's
contribution to the composite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from kzaf.vocabulary import AGGREGATIONS, NORMALISATIONS
from kzaf.vocabulary import DIMENSIONS as DIMENSIONS  # re-exported: the risk modules read it here

DIRECTIONS: tuple[str, ...] = ("higher_riskier", "higher_safer")
GEOMETRIC_FLOOR = 0.01


def _check_choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")
    return value


# ---------------------------------------------------------------------------------------------
# Normalisation


def normalise(
    values: Sequence[float] | np.ndarray,
    method: str = "min_max",
    *,
    direction: str = "higher_riskier",
    reference: Sequence[float] | np.ndarray | None = None,
    goalposts: tuple[float, float] | None = None,
) -> np.ndarray:
    """Values on a 0–1 risk scale (1 = riskiest) by ``method`` (see the module notes).

    ``reference`` holds the observations that define the scale (min and max, mean and sd,
    ranks); by default the values themselves. ``goalposts`` = (scale minimum, scale maximum)
    fixes the ``min_max`` scale. ``direction`` is ``higher_riskier`` or ``higher_safer``; a
    ``neutral`` indicator cannot be scored and is an error. NaN stays NaN.
    """
    _check_choice(method, NORMALISATIONS, "normalisation")
    if direction not in DIRECTIONS:
        raise ValueError(
            f"direction {direction!r} cannot be normalised to a risk scale; give "
            "higher_riskier or higher_safer (a neutral indicator needs a rule saying which way "
            "it points)"
        )
    x = np.asarray(values, dtype=float)
    ref = x if reference is None else np.asarray(reference, dtype=float)
    ref = ref[~np.isnan(ref)]
    if method == "min_max":
        if goalposts is not None:
            low, high = (float(g) for g in goalposts)
            if not high > low:
                raise ValueError(f"goalposts must be (minimum, maximum), got {goalposts}")
        elif ref.size:
            low, high = float(ref.min()), float(ref.max())
        else:
            low = high = 0.0
        out = np.full_like(x, 0.5) if high == low else np.clip((x - low) / (high - low), 0.0, 1.0)
    elif method == "z_score":
        sd = float(ref.std(ddof=1)) if ref.size > 1 else 0.0
        out = np.full_like(x, 0.5) if sd == 0 else ndtr((x - ref.mean()) / sd)
    else:
        out = _rank_percentile(x, ref)
    out = np.where(np.isnan(x), np.nan, out)
    return 1.0 - out if direction == "higher_safer" else out


def _rank_percentile(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    if ref.size == 0:
        return np.full_like(x, 0.5)
    ordered = np.sort(ref)
    below = np.searchsorted(ordered, x, side="left")
    upto = np.searchsorted(ordered, x, side="right")
    return (below + 0.5 * (upto - below)) / ordered.size


# ---------------------------------------------------------------------------------------------
# Aggregation


def aggregate(
    values: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    method: str = "arithmetic",
    *,
    axis: int = -1,
    floor: float = GEOMETRIC_FLOOR,
) -> np.ndarray | float:
    """Weighted arithmetic or geometric mean along ``axis``, skipping NaN values.

    Weights broadcast against ``values`` (a 1-D array applies along ``axis``), must not be
    negative, and are rescaled over the non-missing values; all-missing gives NaN. For the
    geometric mean, values (on a 0–1 scale, not negative) are floored at ``floor``.
    """
    _check_choice(method, AGGREGATIONS, "aggregation")
    v = np.asarray(values, dtype=float)
    w = np.ones(v.shape[axis]) if weights is None else np.asarray(weights, dtype=float)
    if np.any(w < 0):
        raise ValueError("weights must not be negative")
    if w.ndim == 1 and v.ndim > 1:
        shape = [1] * v.ndim
        shape[axis] = w.size
        w = w.reshape(shape)
    w = np.broadcast_to(w, v.shape)
    present = ~np.isnan(v)
    w_eff = np.where(present, w, 0.0)
    total = w_eff.sum(axis=axis)
    if method == "arithmetic":
        numerator = (w_eff * np.where(present, v, 0.0)).sum(axis=axis)
    else:
        if np.any(v[present] < 0):
            raise ValueError("the geometric mean needs values that are not negative")
        logs = np.log(np.maximum(np.where(present, v, 1.0), floor))
        numerator = (w_eff * logs).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = numerator / total
    out = mean if method == "arithmetic" else np.exp(mean)
    out = np.where(total > 0, out, np.nan)
    return float(out) if np.ndim(out) == 0 else out


# ---------------------------------------------------------------------------------------------
# The evidence matrix and the scoring engine


@dataclass(frozen=True)
class EvidenceMatrix:
    """The numbers the composite needs, one entry per (risk, evidence) pair ``i``.

    Built from the register and the data by :func:`kzaf.risk.register.evidence_matrix`.
    ``values`` are the latest figures as of ``as_of`` (NaN when none), ``low``/``high`` their
    uncertainty range, ``goalposts`` the min-max scale, ``safer`` True where higher is safer,
    ``pools`` the reference observations for ``z_score`` and ``rank``, ``membership`` (I, R, 2)
    which risk and dimension each entry informs, ``overrides`` (R, 2) analyst scores on the
    0–1 scale (NaN where none), ``series_key`` which unique series each entry reads (entries
    that share a series share its uncertainty draw).
    """

    risk_ids: tuple[str, ...]
    entries: pd.DataFrame
    values: np.ndarray
    low: np.ndarray
    high: np.ndarray
    goalposts: np.ndarray
    safer: np.ndarray
    pools: tuple[np.ndarray, ...]
    membership: np.ndarray
    overrides: np.ndarray
    series_key: np.ndarray
    as_of: int | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def n_entries(self) -> int:
        return len(self.values)


def normalise_matrix(
    matrix: EvidenceMatrix, values: np.ndarray, method: str, *, replace_latest: bool = True
) -> np.ndarray:
    """Normalise a (draws, entries) array of values column by column with ``method``.

    With ``replace_latest`` (Monte Carlo draws of the latest figures), a drawn value is ranked
    as if it replaced the latest figure in the reference pool, so a value drawn from the range
    of a figure that stands alone keeps the middle rank instead of jumping to the ends; for
    the latest figures themselves this is the ordinary mid-rank. Without it (figures of earlier
    years, which are pool members), the ordinary mid-rank is used.
    """
    _check_choice(method, NORMALISATIONS, "normalisation")
    out = np.empty_like(values, dtype=float)
    for i in range(matrix.n_entries):
        direction = "higher_safer" if matrix.safer[i] else "higher_riskier"
        pool = matrix.pools[i]
        latest = matrix.values[i]
        if method == "rank" and replace_latest and not np.isnan(latest) and latest in pool:
            others = np.sort(np.delete(pool, np.flatnonzero(pool == latest)[0]))
            x = values[:, i]
            below = np.searchsorted(others, x, side="left")
            equal = np.searchsorted(others, x, side="right") - below
            share = (below + 0.5 * equal + 0.5) / (others.size + 1)
            share = np.where(np.isnan(x), np.nan, share)
            out[:, i] = 1.0 - share if matrix.safer[i] else share
            continue
        out[:, i] = normalise(
            values[:, i],
            method,
            direction=direction,
            reference=pool,
            goalposts=tuple(matrix.goalposts[i]) if method == "min_max" else None,
        )
    return out


def _per_draw(array: np.ndarray | Sequence[float], n: int, width: int, what: str) -> np.ndarray:
    a = np.asarray(array, dtype=float)
    if a.ndim == 1:
        a = np.broadcast_to(a, (n, a.size))
    if a.shape != (n, width):
        raise ValueError(f"{what} must have {width} columns (one per item), got shape {a.shape}")
    if np.any(a < 0):
        raise ValueError(f"{what} must not be negative")
    return a


def score_draws(
    matrix: EvidenceMatrix,
    values: np.ndarray,
    normalisation: np.ndarray,
    aggregation: np.ndarray,
    risk_weights: np.ndarray | Sequence[float],
    dimension_weights: np.ndarray | Sequence[float] = (1.0, 1.0),
    *,
    partial: bool = False,
    replace_latest: bool = True,
    floor: float = GEOMETRIC_FLOOR,
) -> dict[str, np.ndarray]:
    """Score every draw (row) at once.

    A risk is scored only when both its likelihood and its impact have a value (a figure or
    an analyst override); ``partial=True`` scores it from the one dimension it has.
    ``replace_latest`` is passed to :func:`normalise_matrix` (False for earlier years' figures).

    ``values`` (N, I) indicator values; ``normalisation`` and ``aggregation`` (N,) indexes
    into :data:`NORMALISATIONS` and :data:`AGGREGATIONS`; ``risk_weights`` (R,) or (N, R);
    ``dimension_weights`` (2,) or (N, 2). Returns ``dimensions`` (N, R, 2), ``scores`` (N, R),
    ``weighted`` (N, R), ``composite`` (N,), ``rank`` (N, R; 1 = first, ties share the best
    rank) and ``top_three`` (N, R; each risk's share of the three first places, ties splitting
    the places they occupy, so each row sums to 3).
    """
    n, n_risks = values.shape[0], len(matrix.risk_ids)
    normalisation = np.asarray(normalisation, dtype=int)
    aggregation = np.asarray(aggregation, dtype=int)
    w_risk = _per_draw(risk_weights, n, n_risks, "risk weights")
    w_dim = _per_draw(dimension_weights, n, 2, "dimension weights")

    normalised = np.empty_like(values, dtype=float)
    for k, method in enumerate(NORMALISATIONS):
        rows = normalisation == k
        if rows.any():
            normalised[rows] = normalise_matrix(
                matrix, values[rows], method, replace_latest=replace_latest
            )

    member = matrix.membership.astype(float)
    present = ~np.isnan(normalised)
    numerator = np.einsum("ni,ird->nrd", np.where(present, normalised, 0.0), member)
    count = np.einsum("ni,ird->nrd", present.astype(float), member)
    with np.errstate(invalid="ignore", divide="ignore"):
        dimensions = np.where(count > 0, numerator / count, np.nan)
    overridden = ~np.isnan(matrix.overrides)
    dimensions = np.where(overridden[None], matrix.overrides[None], dimensions)

    geometric = aggregation == AGGREGATIONS.index("geometric")
    scored = (
        dimensions
        if partial
        else np.where(np.isnan(dimensions).any(axis=2, keepdims=True), np.nan, dimensions)
    )
    scores = np.where(
        geometric[:, None],
        aggregate(scored, w_dim[:, None, :], "geometric", floor=floor),
        aggregate(scored, w_dim[:, None, :], "arithmetic"),
    )
    composite = np.where(
        geometric,
        aggregate(scores, w_risk, "geometric", floor=floor),
        aggregate(scores, w_risk, "arithmetic"),
    )
    available = ~np.isnan(scores)
    mean_weight = np.where(available, w_risk, 0.0).sum(axis=1) / np.maximum(
        available.sum(axis=1), 1
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = scores * w_risk / mean_weight[:, None]
    rank, top_three = rank_risks(weighted)
    return {
        "dimensions": dimensions,
        "scores": scores,
        "weighted": weighted,
        "composite": composite,
        "rank": rank,
        "top_three": top_three,
    }


def rank_risks(weighted: np.ndarray, places: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (1 = highest; ties share the best rank; NaN unranked) and top-``places`` shares.

    A group of tied risks occupying ranks k..k+m-1 shares the top places among those ranks
    equally: four risks tied first split three places, 0.75 each.
    """
    value = np.where(np.isnan(weighted), -np.inf, weighted)
    greater = (value[:, None, :] > value[:, :, None]).sum(axis=2)
    equal = (value[:, None, :] == value[:, :, None]).sum(axis=2)
    rank = (greater + 1).astype(float)
    share = np.clip(places - greater, 0, equal) / equal
    missing = np.isnan(weighted)
    return np.where(missing, np.nan, rank), np.where(missing, 0.0, share)


# ---------------------------------------------------------------------------------------------
# Weights from parameters


def weight_vector(
    weights: Mapping[str, float] | None, names: Sequence[str], what: str = "weights"
) -> np.ndarray:
    """Weights for ``names`` from a mapping (missing names weigh 1), normalised to sum to one.

    An empty mapping or None gives equal weights. Unknown names or negative weights are errors.
    """
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(names))
    if unknown:
        raise ValueError(f"{what}: unknown key(s) {unknown}; expected some of {list(names)}")
    vector = np.array([float(weights.get(name, 1.0)) for name in names])
    if np.any(vector < 0) or not np.isfinite(vector).all():
        raise ValueError(f"{what}: weights must be finite and not negative, got {weights}")
    if vector.sum() == 0:
        raise ValueError(f"{what}: at least one weight must be positive")
    return vector / vector.sum()
