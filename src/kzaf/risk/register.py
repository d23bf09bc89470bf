"""The risk register: risks, the evidence that informs each, and the rules that score them.

A :class:`Risk` names the sourced evidence that informs its **likelihood** (how probable it
is that the risk materialises in the next few years) and its **impact** (how much Kazakh
trade with and through Afghanistan would lose if it did). Evidence is either an indicator
series of ``data/indicators.csv`` (:class:`IndicatorEvidence`) or a count of dated events of
``data/events.csv`` (:class:`EventEvidence`). Each piece of evidence states its scale: the
values at which it says "least risk" and "most risk" on its own axis (the goalposts), with
the reason for them.

Scoring rule (the same for every risk, applied by :func:`risk_register`):

1. For each piece of evidence take its latest figure as of the assessment year (within
   ``max_age_years`` when given); a range or disagreeing sources are scored at their middle.
2. Place the figure on its scale: ``(value - scale minimum) / (scale maximum - scale
   minimum)``, clipped to 0–1, turned round when higher values are safer. This is min-max
   normalisation on fixed goalposts.
3. A dimension's index is the mean of its evidence's placements; its **score 1–5** is the fifth
   of the 0–1 range it falls in (0–0.2 → 1, 0.2–0.4 → 2, 0.4–0.6 → 3, 0.6–0.8 → 4,
   0.8–1 → 5).
4. A dimension with no figure is **insufficient data**: no score is invented for it.
5. An analyst may override a score (``overrides={"R7": {"likelihood": 3}}``); the register
   keeps the derived score beside it and flags the row.

The composite index (:mod:`kzaf.risk.composite`) reuses the same evidence with a choice of
normalisations and aggregations; the register's 1–5 scores always follow this rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kzaf.risk.composite import DIMENSIONS, DIRECTIONS, EvidenceMatrix, normalise
from kzaf.risk.evidence import event_code, event_counts, indicator_series, value_as_of

TREND_TOLERANCE = 0.02  # a change under 2% of the scale is "little change"


@dataclass(frozen=True)
class IndicatorEvidence:
    """An indicator series (``code`` about ``subject``) informing one dimension of a risk."""

    code: str
    subject: str
    dimension: str  # "likelihood" or "impact"
    scale: tuple[float, float]  # (minimum, maximum) of the value axis: the min-max goalposts
    role: str  # why it informs this dimension, and why this scale, in our words
    direction: str | None = None  # needed only when the data call the indicator neutral

    @property
    def series_code(self) -> str:
        return self.code

    @property
    def series_subject(self) -> str:
        return self.subject


@dataclass(frozen=True)
class EventEvidence:
    """A count of events of ``kind`` linked to the risk over a trailing window of years."""

    kind: str
    dimension: str
    scale: tuple[float, float]  # (minimum, maximum) of the count
    role: str
    direction: str = "higher_riskier"
    window_years: int = 3
    countries: tuple[str, ...] = ()  # acting countries kept (any when empty)
    episodes: bool = False  # count closures as episodes (reports of one closure count once)

    @property
    def series_code(self) -> str:
        return event_code(self.kind, self.window_years)

    @property
    def series_subject(self) -> str:
        return "+".join(self.countries) if self.countries else "any"


Evidence = IndicatorEvidence | EventEvidence


@dataclass(frozen=True)
class Risk:
    risk_id: str
    name: str
    description: str  # in our words
    evidence: tuple[Evidence, ...]


def check_register(register: Sequence[Risk]) -> None:
    """Raise ValueError naming the risk and evidence of any malformed rule."""
    seen = set()
    for risk in register:
        if risk.risk_id in seen:
            raise ValueError(f"risk register: {risk.risk_id} appears twice")
        seen.add(risk.risk_id)
        for item in risk.evidence:
            where = f"risk register, {risk.risk_id}, evidence {item.series_code}"
            if item.dimension not in DIMENSIONS:
                raise ValueError(f"{where}: dimension {item.dimension!r} not in {DIMENSIONS}")
            low, high = item.scale
            if not high > low:
                raise ValueError(f"{where}: scale must be (minimum, maximum), got {item.scale}")
            if item.direction is not None and item.direction not in DIRECTIONS:
                raise ValueError(f"{where}: direction {item.direction!r} not in {DIRECTIONS}")


def unknown_codes(register: Sequence[Risk], indicator_codes: pd.DataFrame) -> list[str]:
    """Indicator codes the register uses that ``indicator_codes.csv`` does not define."""
    known = set(indicator_codes["indicator"])
    used = {e.code for r in register for e in r.evidence if isinstance(e, IndicatorEvidence)}
    return sorted(used - known)


# ---------------------------------------------------------------------------------------------
# Evidence series


def risk_series(
    register: Sequence[Risk], indicators: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """Every indicator series plus the event counts the register asks for."""
    check_register(register)
    parts = [indicator_series(indicators)]
    for risk in register:
        for item in risk.evidence:
            if isinstance(item, EventEvidence):
                counts = event_counts(
                    events,
                    kind=item.kind,
                    risk_id=risk.risk_id,
                    window_years=item.window_years,
                    countries=item.countries,
                    episodes=item.episodes,
                )
                parts.append(counts.assign(code=item.series_code, risk_link=risk.risk_id))
    frames = [p for p in parts if not p.empty]
    if not frames:
        return parts[0].assign(risk_link="")
    series = pd.concat(frames, ignore_index=True)
    series["risk_link"] = series.get("risk_link", pd.Series("", index=series.index)).fillna("")
    return series


OwnSeries = Callable[[Risk, Evidence], pd.DataFrame]


def own_series_lookup(series: pd.DataFrame) -> OwnSeries:
    """``own(risk, item)``: the rows of ``series`` that one piece of evidence reads, by year.

    The series is split by (code, subject) once here; the register asks for its evidence a
    few hundred times per assessment, and filtering the whole table each time was most of the
    risk notebook's own run time.
    """
    ordered = series.sort_values("year", kind="stable").reset_index(drop=True)
    positions = ordered.groupby(["code", "subject"], sort=False).indices
    nothing: list[int] = []

    def own(risk: Risk, item: Evidence) -> pd.DataFrame:
        frame = ordered.iloc[positions.get((item.series_code, item.series_subject), nothing)]
        if isinstance(item, EventEvidence):  # an event count belongs to the risk that asked
            frame = frame[frame["risk_link"] == risk.risk_id]
        return frame

    return own


def _pool(series: pd.DataFrame, own: OwnSeries, risk: Risk, item: Evidence) -> np.ndarray:
    """Reference observations for z-scores and ranks: the code's figures for every subject
    (every year of the risk's own count, for events)."""
    if isinstance(item, EventEvidence):
        return own(risk, item)["value"].to_numpy(dtype=float)
    return series.loc[series["code"] == item.code, "value"].to_numpy(dtype=float)


def resolve_direction(item: Evidence, own: pd.DataFrame, where: str) -> str:
    """The direction a piece of evidence is scored in: the data's, or the rule's for a
    neutral indicator; a rule that contradicts the data is an error."""
    if isinstance(item, EventEvidence):
        return item.direction
    data_directions = {d for text in own["direction"] for d in str(text).split("; ") if d}
    pointed = data_directions - {"neutral"}
    if len(pointed) > 1:
        raise ValueError(f"{where}: the data give conflicting directions {sorted(pointed)}")
    if pointed:
        (data_direction,) = pointed
        if item.direction is not None and item.direction != data_direction:
            raise ValueError(
                f"{where}: the rule says {item.direction} but data/indicators.csv says "
                f"{data_direction}"
            )
        return data_direction
    if item.direction is None:
        raise ValueError(
            f"{where}: the data call this indicator neutral; the rule must say which way it "
            "points (direction=...)"
        )
    return item.direction


def default_as_of(register: Sequence[Risk], series: pd.DataFrame) -> int:
    """The latest year any indicator evidence of the register has a figure for."""
    own = own_series_lookup(series)
    years = [
        int(own(risk, item)["year"].max())
        for risk in register
        for item in risk.evidence
        if isinstance(item, IndicatorEvidence) and not own(risk, item).empty
    ]
    if not years:
        raise ValueError("no evidence of the register has any figure in the data")
    return max(years)


def band_score(index: float) -> int | None:
    """The 1–5 score of a 0–1 index: the fifth it falls in; None for a missing index."""
    if index is None or np.isnan(index):
        return None
    # The tiny tolerance keeps an index of exactly 0.6 (computed as 0.5999...) in band 4.
    return int(1 + min(int(np.floor(index * 5 + 1e-9)), 4))


def evidence_table(
    register: Sequence[Risk],
    series: pd.DataFrame,
    *,
    as_of: int | None = None,
    max_age_years: int | None = None,
    indicator_codes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (risk, evidence): latest figure, its range, trend and place on the scale.

    Columns: risk_id, dimension, code, subject, name, unit, direction, scale_min, scale_max,
    n_years, first_year, latest_year, latest_value, latest_low, latest_high, previous_year,
    previous_value, trend, placement (0–1 on the scale), score (1–5), status, sources,
    figure_ids, derived, role.
    """
    check_register(register)
    as_of = default_as_of(register, series) if as_of is None else as_of
    names = (
        dict(zip(indicator_codes["indicator"], indicator_codes["name"], strict=True))
        if indicator_codes is not None
        else {}
    )
    rows = []
    own_series = own_series_lookup(series)
    for risk in register:
        for item in risk.evidence:
            where = f"{risk.risk_id}, evidence {item.series_code} ({item.series_subject})"
            own = own_series(risk, item)
            own = own[own["year"] <= as_of]
            latest = value_as_of(own, as_of, max_age_years)
            row = {
                "risk_id": risk.risk_id,
                "dimension": item.dimension,
                "code": item.series_code,
                "subject": item.series_subject,
                "name": names.get(item.series_code, _event_name(item)),
                "unit": "",
                "direction": "",
                "scale_min": float(item.scale[0]),
                "scale_max": float(item.scale[1]),
                "n_years": len(own),
                "first_year": int(own["year"].min()) if len(own) else None,
                "latest_year": None,
                "latest_value": np.nan,
                "latest_low": np.nan,
                "latest_high": np.nan,
                "previous_year": None,
                "previous_value": np.nan,
                "trend": "no data",
                "placement": np.nan,
                "score": None,
                "status": "no data",
                "sources": "",
                "figure_ids": "",
                "derived": isinstance(item, EventEvidence),
                "role": item.role,
            }
            if latest.empty:
                if len(own):
                    row["status"] = f"no figure within {max_age_years} years of {as_of}"
                rows.append(row)
                continue
            direction = resolve_direction(item, own, f"risk register, {where}")

            earlier = own[own["year"] < latest["year"]]
            placement = _place(latest["value"], direction, item.scale)
            row.update(
                unit=latest["unit"],
                direction=direction,
                latest_year=int(latest["year"]),
                latest_value=float(latest["value"]),
                latest_low=float(latest["low"]),
                latest_high=float(latest["high"]),
                placement=placement,
                score=band_score(placement),
                status="ok",
                sources=latest["source_ids"]
                or f"none: no such event recorded in the {item_window(item)} years",
                figure_ids=latest["figure_ids"],
            )
            if earlier.empty:
                row["trend"] = "single observation"
            else:
                previous = earlier.iloc[-1]
                change = placement - _place(previous["value"], direction, item.scale)
                row.update(
                    previous_year=int(previous["year"]),
                    previous_value=float(previous["value"]),
                    trend=(
                        "risk rising"
                        if change > TREND_TOLERANCE
                        else "risk falling"
                        if change < -TREND_TOLERANCE
                        else "little change"
                    ),
                )
            rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("first_year", "latest_year", "previous_year", "score"):
        frame[column] = frame[column].astype("Int64")
    return frame


def item_window(item: Evidence) -> int:
    return item.window_years if isinstance(item, EventEvidence) else 0


def _place(value: float, direction: str, scale: tuple[float, float]) -> float:
    """Where a value sits on its scale, 0 (least risk) to 1 (most risk)."""
    return float(normalise([value], "min_max", direction=direction, goalposts=scale)[0])


def _event_name(item: Evidence) -> str:
    if isinstance(item, EventEvidence):
        where = f" by {', '.join(item.countries)}" if item.countries else ""
        return f"{item.kind.replace('_', ' ')} events{where} in {item.window_years} years"
    return item.code


# ---------------------------------------------------------------------------------------------
# Overrides and scores


def check_overrides(
    overrides: Mapping[str, Mapping[str, int]] | None, register: Sequence[Risk]
) -> dict[str, dict[str, int]]:
    """Validated analyst overrides: {risk id: {"likelihood"|"impact": 1..5}}."""
    ids = [r.risk_id for r in register]
    clean: dict[str, dict[str, int]] = {}
    for risk_id, scores in dict(overrides or {}).items():
        if risk_id not in ids:
            raise ValueError(f"score_overrides: unknown risk {risk_id!r} (known: {ids})")
        if not isinstance(scores, Mapping):
            raise ValueError(
                f"score_overrides[{risk_id!r}] must map likelihood/impact to 1–5, got {scores!r}"
            )
        for dimension, score in scores.items():
            if dimension not in DIMENSIONS:
                raise ValueError(
                    f"score_overrides[{risk_id!r}]: unknown dimension {dimension!r} "
                    f"(use {' or '.join(DIMENSIONS)})"
                )
            if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
                raise ValueError(
                    f"score_overrides[{risk_id!r}][{dimension!r}] must be an integer 1–5, "
                    f"got {score!r}"
                )
        clean[risk_id] = dict(scores)
    return clean


REGISTER_COLUMNS = (
    "risk_id", "name", "likelihood_index", "impact_index", "likelihood_derived",
    "impact_derived", "likelihood", "impact", "rating", "n_likelihood", "n_impact",
    "overridden", "override_note", "status",
)  # fmt: skip


def risk_register(
    register: Sequence[Risk],
    evidence: pd.DataFrame,
    overrides: Mapping[str, Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """One row per risk: derived and final likelihood and impact scores, with flags.

    ``evidence`` is :func:`evidence_table`'s output. Columns: risk_id, name,
    likelihood_index, impact_index (0–1, NaN when no figure), likelihood_derived,
    impact_derived (1–5 or None), likelihood, impact (after overrides), rating (likelihood ×
    impact, 1–25), n_likelihood, n_impact (figures used), overridden (bool), override_note,
    status ("scored", "likelihood only", "impact only", "insufficient data").
    """
    overrides = check_overrides(overrides, register)
    rows = []
    for risk in register:
        mine = evidence[(evidence["risk_id"] == risk.risk_id) & (evidence["status"] == "ok")]
        row: dict[str, object] = {"risk_id": risk.risk_id, "name": risk.name}
        notes = []
        for dimension in DIMENSIONS:
            used = mine[mine["dimension"] == dimension]
            index = float(used["placement"].mean()) if len(used) else np.nan
            derived = band_score(index)
            final = overrides.get(risk.risk_id, {}).get(dimension, derived)
            if final != derived:
                shown = "insufficient data" if derived is None else derived
                notes.append(f"{dimension} {shown} → {final} (analyst)")
            row[f"{dimension}_index"] = index
            row[f"{dimension}_derived"] = derived
            row[dimension] = final
            row[f"n_{dimension}"] = len(used)
        likelihood, impact = row["likelihood"], row["impact"]
        row["rating"] = likelihood * impact if likelihood and impact else None  # type: ignore[operator]
        row["overridden"] = bool(notes)
        row["override_note"] = "; ".join(notes)
        row["status"] = (
            "scored"
            if likelihood and impact
            else "likelihood only"
            if likelihood
            else "impact only"
            if impact
            else "insufficient data"
        )
        rows.append(row)
    frame = pd.DataFrame(rows)[list(REGISTER_COLUMNS)]
    for column in ("likelihood_derived", "impact_derived", "likelihood", "impact", "rating"):
        frame[column] = frame[column].astype("Int64")
    return frame


# ---------------------------------------------------------------------------------------------
# The matrix the composite index works on


def evidence_matrix(
    register: Sequence[Risk],
    series: pd.DataFrame,
    *,
    as_of: int | None = None,
    max_age_years: int | None = None,
    overrides: Mapping[str, Mapping[str, int]] | None = None,
) -> EvidenceMatrix:
    """The register's evidence as arrays for :func:`kzaf.risk.composite.score_draws`.

    Every (risk, evidence) pair becomes an entry, with NaN values where no figure qualifies.
    An override of a dimension's score s is used on the 0–1 scale as the middle of its fifth,
    ``(s - 0.5) / 5``, under every normalisation.
    """
    overrides = check_overrides(overrides, register)
    table = evidence_table(register, series, as_of=as_of, max_age_years=max_age_years)
    as_of = default_as_of(register, series) if as_of is None else as_of
    risk_ids = tuple(r.risk_id for r in register)
    membership = np.zeros((len(table), len(risk_ids), len(DIMENSIONS)), dtype=bool)
    pools: list[Any] = []
    keys: dict[Any, int] = {}
    series_key = np.zeros(len(table), dtype=int)
    own = own_series_lookup(series)
    i = 0
    for risk in register:
        for item in risk.evidence:
            membership[i, risk_ids.index(risk.risk_id), DIMENSIONS.index(item.dimension)] = True
            pools.append(_pool(series, own, risk, item))
            owner = risk.risk_id if isinstance(item, EventEvidence) else ""
            key = (item.series_code, item.series_subject, owner)
            series_key[i] = keys.setdefault(key, len(keys))
            i += 1
    override_array = np.full((len(risk_ids), len(DIMENSIONS)), np.nan)
    for risk_id, scores in overrides.items():
        for dimension, score in scores.items():
            override_array[risk_ids.index(risk_id), DIMENSIONS.index(dimension)] = (score - 0.5) / 5
    safer = (table["direction"] == "higher_safer").to_numpy()
    return EvidenceMatrix(
        risk_ids=risk_ids,
        entries=table,
        values=table["latest_value"].to_numpy(dtype=float),
        low=table["latest_low"].to_numpy(dtype=float),
        high=table["latest_high"].to_numpy(dtype=float),
        goalposts=table[["scale_min", "scale_max"]].to_numpy(dtype=float),
        safer=safer,
        pools=tuple(pools),
        membership=membership,
        overrides=override_array,
        series_key=series_key,
        as_of=as_of,
    )


def values_by_year(
    register: Sequence[Risk],
    series: pd.DataFrame,
    years: Sequence[int],
    *,
    window_years: int = 3,
) -> np.ndarray:
    """(years, entries): each entry's latest figure within ``window_years`` ending each year
    (NaN when none), in the order of :func:`evidence_matrix`'s entries."""
    out = np.full((len(years), sum(len(r.evidence) for r in register)), np.nan)
    own = own_series_lookup(series)
    i = 0
    for risk in register:
        for item in risk.evidence:
            frame = own(risk, item)  # one row per year, by year
            figure_years = frame["year"].to_numpy(dtype=int)
            values = frame["value"].to_numpy(dtype=float)
            for k, year in enumerate(years):
                # The latest figure at or before the year (what value_as_of picks), if it is
                # within the window.
                j = int(np.searchsorted(figure_years, year, side="right")) - 1
                if j >= 0 and figure_years[j] > year - window_years:
                    out[k, i] = values[j]
            i += 1
    return out
