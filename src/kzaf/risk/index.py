"""The composite risk index for one set of choices, and its trajectory over the years."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from kzaf.risk.composite import (
    AGGREGATIONS,
    DIMENSIONS,
    NORMALISATIONS,
    EvidenceMatrix,
    _check_choice,
    score_draws,
    weight_vector,
)
from kzaf.risk.register import Risk, values_by_year


def composite_index(
    matrix: EvidenceMatrix,
    *,
    normalisation: str = "min_max",
    aggregation: str = "arithmetic",
    weights: Mapping[str, float] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    partial: bool = False,
) -> tuple[pd.DataFrame, float]:
    """Each risk's likelihood and impact sub-indices, score, weighted score and rank, and the
    composite, for one choice of normalisation, aggregation and weights (equal by default).

    Risks without figures for both dimensions (unless ``partial``) have NaN scores, no rank,
    and do not enter the composite.
    """
    _check_choice(normalisation, NORMALISATIONS, "normalisation")
    _check_choice(aggregation, AGGREGATIONS, "aggregation")
    w_risk = weight_vector(weights, matrix.risk_ids, "weights")
    w_dim = weight_vector(dimension_weights, DIMENSIONS, "dimension_weights")
    result = score_draws(
        matrix,
        matrix.values[None, :],
        np.array([NORMALISATIONS.index(normalisation)]),
        np.array([AGGREGATIONS.index(aggregation)]),
        w_risk,
        w_dim,
        partial=partial,
    )
    overridden = ~np.isnan(matrix.overrides).all(axis=1)
    table = pd.DataFrame(
        {
            "risk_id": matrix.risk_ids,
            "weight": w_risk,
            "likelihood_index": result["dimensions"][0, :, 0],
            "impact_index": result["dimensions"][0, :, 1],
            "score": result["scores"][0],
            "weighted_score": result["weighted"][0],
            "rank": pd.array(result["rank"][0], dtype="Int64"),
            "overridden": overridden,
        }
    )
    return table, float(result["composite"][0])


def composite_trajectory(
    register: Sequence[Risk],
    series: pd.DataFrame,
    matrix: EvidenceMatrix,
    years: Sequence[int],
    *,
    window_years: int = 3,
    normalisation: str = "min_max",
    aggregation: str = "arithmetic",
    weights: Mapping[str, float] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    min_risk_share: float = 0.5,
    partial: bool = False,
) -> pd.DataFrame:
    """The composite for each year, from each evidence's latest figure within
    ``window_years`` ending that year; the same pools and goalposts every year, so years are
    comparable. Years where fewer than ``min_risk_share`` of the risks have a figure get no
    composite (insufficient data). Columns: year, composite, n_risks, risk_share,
    evidence_share, and one score column per risk.
    """
    _check_choice(normalisation, NORMALISATIONS, "normalisation")
    _check_choice(aggregation, AGGREGATIONS, "aggregation")
    years = list(years)
    values = values_by_year(register, series, years, window_years=window_years)
    # Overrides are judgements about now, not about past years: leave them out here.
    plain = replace(matrix, overrides=np.full_like(matrix.overrides, np.nan))
    result = score_draws(
        plain,
        values,
        np.full(len(years), NORMALISATIONS.index(normalisation)),
        np.full(len(years), AGGREGATIONS.index(aggregation)),
        weight_vector(weights, matrix.risk_ids, "weights"),
        weight_vector(dimension_weights, DIMENSIONS, "dimension_weights"),
        partial=partial,
        replace_latest=False,
    )
    scores = result["scores"]
    n_risks = (~np.isnan(scores)).sum(axis=1)
    share = n_risks / len(matrix.risk_ids)
    frame = pd.DataFrame(
        {
            "year": years,
            "composite": np.where(share >= min_risk_share, result["composite"], np.nan),
            "n_risks": n_risks,
            "risk_share": share,
            "evidence_share": (~np.isnan(values)).mean(axis=1),
        }
    )
    for j, risk_id in enumerate(matrix.risk_ids):
        frame[risk_id] = scores[:, j]
    return frame
