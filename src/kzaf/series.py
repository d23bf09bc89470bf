"""From observations to series: periods, reconciliation across sources, conflicts.

Pure functions on DataFrames. Nothing here reads files.

Vocabulary
----------
figure
    One row of ``observations`` joined with its source (publisher, kind, date, url).
period
    ``period_start``..``period_end`` (monthly ``pd.Period``, inclusive) plus a ``basis``.
    Figures on different bases (calendar year, Afghan solar year, ...) are never compared,
    summed or reconciled together.
year to date
    A period that starts in January and ends before December of the same calendar year
    (January–May, first half, January–August, January–November).
interval of a figure
    What a published number can mean given its precision: ``exact`` figures are read as exact
    to their last printed decimal (987.9 means 987.85..987.95); ``rounded`` ones to half a unit
    of their last non-zero digit (1300 means 1250..1350), except that a figure with a single
    significant digit is read to at most ±10% (1000 means 900..1100, not 500..1500: see
    :data:`ONE_DIGIT_TOLERANCE`); ``about`` widens that to at least ``policy.about_tolerance``
    either side; ``at_least`` and ``at_most`` are open-ended.
conflict
    Two figures for the same thing whose intervals do not overlap. The relation is symmetric.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from kzaf.frames import records as frame_records
from kzaf.provenance import attributed_to, statement_ids
from kzaf.vocabulary import SOURCE_KINDS

# Columns that identify "the same thing" across sources; figures are reconciled within a group.
GROUP_KEYS: tuple[str, ...] = (
    "reporter",
    "partner",
    "flow",
    "commodity",
    "measure",
    "unit",
    "basis",
    "period_start",
    "period_end",
)

_SOURCE_COLUMNS = ("title", "publisher", "url", "publication_date", "kind")


# ---------------------------------------------------------------------------------------------
# Periods


def month(value: str | pd.Period) -> pd.Period:
    """A monthly period from ``"2023-01"`` or a Period."""
    return value if isinstance(value, pd.Period) else pd.Period(value, freq="M")


def months_in(start: pd.Period, end: pd.Period) -> int:
    """Number of months from start to end, both included."""
    return (end.year - start.year) * 12 + (end.month - start.month) + 1


def period_kind(start: pd.Period, end: pd.Period) -> str:
    """``year``, ``year_to_date``, ``month``, ``quarter``, ``half`` or ``other`` (calendar view)."""
    if start.year == end.year and start.month == 1 and end.month == 12:
        return "year"
    if start == end:
        return "month"
    if start.year == end.year and start.month == 1:
        return "year_to_date"
    if start.year == end.year and (start.month - 1) % 3 == 0 and months_in(start, end) == 3:
        return "quarter"
    if start.year == end.year and start.month == 7 and end.month == 12:
        return "half"
    return "other"


def period_label(start: pd.Period, end: pd.Period, basis: str = "calendar") -> str:
    """A reader's label, in words: ``2023``, ``January–May 2023``, ``first half of 2023``,
    ``January 2023``, ``Afghan solar year 2023/24 (March 2023–March 2024)``."""
    start, end = month(start), month(end)
    first, last = calendar.month_name[start.month], calendar.month_name[end.month]
    if basis == "afghan_solar_year":
        # The Afghan solar year starts around 21 March; name it by its two calendar years.
        return (
            f"Afghan solar year {start.year}/{str(end.year)[-2:]} "
            f"({first} {start.year}–{last} {end.year})"
        )
    prefix = {"marketing_year": "marketing year ", "fiscal_year": "fiscal year "}.get(basis, "")
    kind = period_kind(start, end)
    if kind == "year":
        return f"{prefix}{start.year}"
    if kind == "month":
        return f"{prefix}{first} {start.year}"
    if start.year == end.year:
        if start.month == 1 and end.month == 6:
            return f"{prefix}first half of {start.year}"
        if start.month == 7 and end.month == 12:
            return f"{prefix}second half of {start.year}"
        return f"{prefix}{first}–{last} {start.year}"
    return f"{prefix}{first} {start.year}–{last} {end.year}"


def contains_month(start: pd.Period, end: pd.Period, when: pd.Period) -> bool:
    return month(start) <= month(when) <= month(end)


def add_period_columns(figures: pd.DataFrame) -> pd.DataFrame:
    """Add ``year``, ``months``, ``period_kind`` and ``period_label`` (new frame)."""
    out = figures.copy()
    # Many figures share a period: describe each distinct (start, end, basis) once.
    described: dict[tuple[Any, Any, Any], tuple[int, int, str, str]] = {}
    columns = []
    for key in zip(out["period_start"], out["period_end"], out["basis"], strict=True):
        if key not in described:
            start, end, basis = key
            kind = period_kind(start, end) if basis == "calendar" else basis
            described[key] = (start.year, months_in(start, end), kind, period_label(*key))
        columns.append(described[key])
    years, months, kinds, labels = zip(*columns, strict=True) if columns else ([], [], [], [])
    out["year"] = list(years)
    out["months"] = list(months)
    out["period_kind"] = list(kinds)
    out["period_label"] = list(labels)
    return out


# ---------------------------------------------------------------------------------------------
# Selecting figures


def reported_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str | Sequence[str] | None = None,
    partner: str | Sequence[str] | None = None,
    flow: str | Sequence[str] | None = None,
    commodity: str | Sequence[str] | None = "TOTAL",
    measure: str | Sequence[str] | None = "value",
    basis: str | Sequence[str] | None = None,
    start: str | pd.Period | None = None,
    end: str | pd.Period | None = None,
) -> pd.DataFrame:
    """Every reported figure matching the filters, joined with its source.

    ``None`` means "any". ``start``/``end`` keep figures whose whole period lies inside them.
    The result has the observation columns, the source's title, publisher, url,
    publication_date and kind, and the period columns of :func:`add_period_columns`.
    """
    # One mask, one selection: filtering column by column would copy the table each time.
    keep = np.ones(len(observations), dtype=bool)
    for column, wanted in (
        ("reporter", reporter),
        ("partner", partner),
        ("flow", flow),
        ("commodity", commodity),
        ("measure", measure),
        ("basis", basis),
    ):
        if wanted is None:
            continue
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        keep &= observations[column].isin(values).to_numpy(dtype=bool)
    if start is not None:
        keep &= (observations["period_start"] >= month(start)).to_numpy(dtype=bool)
    if end is not None:
        keep &= (observations["period_end"] <= month(end)).to_numpy(dtype=bool)
    selected = observations[keep]
    joined = selected.merge(
        sources[["source_id", *_SOURCE_COLUMNS]], on="source_id", how="left", validate="m:1"
    )
    return add_period_columns(joined).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Policy


@dataclass(frozen=True)
class SourcePolicy:
    """How to choose the preferred figure among several for the same thing.

    Candidates are ranked by, in order: not flagged suspect (when ``avoid_suspect``); a
    figure before a bound ("at least", "at most": a bound is not a value, so it is preferred
    only where no figure exists, whatever its source); the source kind's position in
    ``kind_order``; the precision's position in ``precision_order``;
    the later publication (when ``prefer_later``); then obs_id, so ties resolve the same way
    every time.
    """

    name: str = "official_first"
    kind_order: tuple[str, ...] = SOURCE_KINDS  # national statistics first, media last
    precision_order: tuple[str, ...] = ("exact", "rounded", "at_least", "at_most", "about")
    prefer_later: bool = True
    avoid_suspect: bool = True
    # An "about" figure is read as at least this far either side (relative).
    about_tolerance: float = 0.05

    def describe(self) -> str:
        later = "later publication first" if self.prefer_later else "earlier publication first"
        suspect = "suspect figures last; " if self.avoid_suspect else ""
        suspect += "bounds (at least, at most) after figures; "
        kinds = (
            f"source kind in the order {_in_words(self.kind_order)}; "
            if self.kind_order
            else "source kinds unranked; "
        )
        precisions = (
            f"then precision {_in_words(self.precision_order)}; "
            if self.precision_order
            else "precisions unranked; "
        )
        return f"{self.name}: {suspect}{kinds}{precisions}then {later}"


def _in_words(order: tuple[str, ...]) -> str:
    """``("national_statistics", "media_report")`` -> "national statistics, then media report"."""
    return ", then ".join(item.replace("_", " ") for item in order)


POLICIES: dict[str, SourcePolicy] = {
    "official_first": SourcePolicy(),
    "latest_first": SourcePolicy(
        name="latest_first",
        kind_order=(),  # every kind ties, so the publication date decides
        precision_order=(),
    ),
    "media_first": SourcePolicy(
        name="media_first",
        kind_order=(
            "media_report",
            "research_report",
            "international_database",
            "international_organisation",
            "national_statistics",
            "government_statement",
            "afghan_official",
        ),
    ),
}


def policy_from(spec: str | Mapping[str, Any] | SourcePolicy) -> SourcePolicy:
    """A policy from its name (``official_first``, ``latest_first``, ``media_first``), a
    mapping of :class:`SourcePolicy` fields (notebook parameters), or a policy."""
    if isinstance(spec, SourcePolicy):
        return spec
    if isinstance(spec, str):
        if spec not in POLICIES:
            raise ValueError(
                f"unknown source policy {spec!r}; choose one of {', '.join(POLICIES)} "
                "or pass a dict of SourcePolicy fields"
            )
        return POLICIES[spec]
    fields = dict(spec)
    base = policy_from(fields.pop("base", "official_first"))
    unknown = set(fields) - set(SourcePolicy.__dataclass_fields__)
    if unknown:
        raise ValueError(
            f"unknown source policy field(s) {sorted(unknown)}; "
            f"valid: {sorted(SourcePolicy.__dataclass_fields__)}"
        )
    for key in ("kind_order", "precision_order"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return replace(base, **{"name": fields.pop("name", "custom"), **fields})


# ---------------------------------------------------------------------------------------------
# Intervals and conflicts


def _last_digit_step(value: float) -> Decimal:
    """The place of the last printed digit of a number as stored (987.9 -> 0.1, 343 -> 1)."""
    text = repr(float(value))
    exponent = Decimal(text).normalize().as_tuple().exponent
    return Decimal(1).scaleb(min(int(exponent), 0))


def _last_nonzero_step(value: float) -> Decimal:
    """The place of the last non-zero digit (1000 -> 1000, 1300 -> 100, 987.9 -> 0.1)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return Decimal(1).scaleb(int(exponent))


# A figure rounded to one significant digit ("$1 billion", "3,000 tonnes") read to half a
# unit of that digit would mean anything from 500 to 1,500 million: it could conflict with
# almost nothing. Writers who round that hard still print a second digit once rounding would
# move the number by more than about a tenth ("$1.3 billion", "nearly $1 billion", "over $1
# billion", which the data store as exact, about or at_least). So a one-digit figure is read
# to half a unit of its last digit or ±10%, whichever is narrower: ±10% is exactly the
# half-unit of a one-digit 5 ("half a billion" or "$500 million": 450..550), the middle of
# the one-digit figures, and leaves 5..9 at their half-unit.
ONE_DIGIT_TOLERANCE = 0.10


def _rounded_half_width(value: float) -> float:
    """Half-width of a ``rounded`` figure's interval (see :data:`ONE_DIGIT_TOLERANCE`)."""
    half = float(_last_nonzero_step(value)) / 2
    significant = Decimal(repr(float(value))).normalize().as_tuple().digits
    if len(significant) == 1:
        half = min(half, abs(value) * ONE_DIGIT_TOLERANCE)
    return half


def figure_interval(
    value: float, precision: str, policy: SourcePolicy = POLICIES["official_first"]
) -> tuple[float, float]:
    """The range of true values a published figure is consistent with (see module docs)."""
    if precision == "exact":
        half = float(_last_digit_step(value)) / 2
        return value - half, value + half
    if precision == "rounded":
        half = _rounded_half_width(value)
        return value - half, value + half
    if precision == "about":
        half = max(_rounded_half_width(value), abs(value) * policy.about_tolerance)
        return value - half, value + half
    if precision == "at_least":
        return value, math.inf
    if precision == "at_most":
        return -math.inf, value
    raise ValueError(f"unknown precision {precision!r}")


def figures_conflict(
    a: Mapping[str, Any], b: Mapping[str, Any], policy: SourcePolicy = POLICIES["official_first"]
) -> bool:
    """Whether two figures for the same thing cannot both be right (intervals disjoint)."""
    low_a, high_a = figure_interval(a["value"], a["precision"], policy)
    low_b, high_b = figure_interval(b["value"], b["precision"], policy)
    return high_a < low_b or high_b < low_a


def part_fits_whole(
    part: Mapping[Any, Any],
    whole: Mapping[Any, Any],
    policy: SourcePolicy = POLICIES["official_first"],
) -> bool:
    """Whether a figure for part of a period (January–November) can be no larger than a
    figure for the whole of it (the year), given both figures' precision: the part's lowest
    reading must not exceed the whole's highest. 583 against 567.5 (both exact) cannot fit;
    0.55 bn against 0.5 bn rounded (0.45..0.55) can."""
    low_part, _ = figure_interval(part["value"], part["precision"], policy)
    _, high_whole = figure_interval(whole["value"], whole["precision"], policy)
    return low_part <= high_whole


CONFLICT_COLUMNS = (
    "period_label",
    "obs_id_a",
    "obs_id_b",
    "value_a",
    "value_b",
    "source_id_a",
    "source_id_b",
    "difference",
    # What a sentence about the pair needs (kzaf.text.conflicts writes it).
    "precision_a",
    "precision_b",
    "publisher_a",
    "publisher_b",
    "publication_date_a",
    "publication_date_b",
    "suspect_a",
    "suspect_b",
)


def _groups(figures: pd.DataFrame, keys: Sequence[str]):
    """(key, records sorted by obs_id) per group, converting the frame to records once."""
    records = figures.to_dict("records")
    for key, positions in figures.groupby(list(keys), sort=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        yield key, sorted((records[i] for i in positions), key=lambda r: r["obs_id"])


def _conflict_rows(
    key: tuple, records: list[dict[str, Any]], policy: SourcePolicy, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """Every conflicting pair within one group (records sorted by obs_id), a before b."""
    rows = []
    for i, a in enumerate(records):
        for b in records[i + 1 :]:
            if figures_conflict(a, b, policy):
                rows.append(
                    {
                        **dict(zip(keys, key, strict=True)),
                        "period_label": a["period_label"],
                        "obs_id_a": a["obs_id"],
                        "obs_id_b": b["obs_id"],
                        "value_a": a["value"],
                        "value_b": b["value"],
                        "source_id_a": a["source_id"],
                        "source_id_b": b["source_id"],
                        "difference": abs(a["value"] - b["value"]),
                        **{
                            f"{field}_{side}": figure.get(field)
                            for field in ("precision", "publisher", "publication_date")
                            for side, figure in (("a", a), ("b", b))
                        },
                        "suspect_a": bool(a.get("suspect")),
                        "suspect_b": bool(b.get("suspect")),
                    }
                )
    return rows


def find_conflicts(
    figures: pd.DataFrame,
    policy: SourcePolicy | str = "official_first",
    keys: Sequence[str] = GROUP_KEYS,
) -> pd.DataFrame:
    """Every pair of figures for the same thing that conflict, once per pair (a < b by obs_id).

    Columns: the group keys, ``period_label``, ``obs_id_a``, ``obs_id_b``, ``value_a``,
    ``value_b``, ``source_id_a``, ``source_id_b``, ``difference``, and each figure's
    ``precision``, ``publisher``, ``publication_date`` and ``suspect`` (``_a``, ``_b``): the
    numbers; :func:`kzaf.text.conflicts.with_reasons` says in words why a pair conflicts.
    """
    policy = policy_from(policy)
    rows: list[dict[str, Any]] = []
    for key, records in _groups(_with_labels(figures), keys):
        rows += _conflict_rows(key, records, policy, keys)
    return pd.DataFrame(rows, columns=[*keys, *CONFLICT_COLUMNS])


# ---------------------------------------------------------------------------------------------
# Reconciliation


BOUNDS = frozenset({"at_least", "at_most"})


def _ranked(records: list[dict[str, Any]], policy: SourcePolicy) -> list[int]:
    """Positions of ``records`` best first under the policy (see :class:`SourcePolicy`).

    Stable sorts from the least to the most significant key: obs_id, then publication date
    (later first when ``prefer_later``), then bound or not, suspect, kind and precision.
    """

    def position(order: tuple[str, ...], value: str) -> int:
        return order.index(value) if value in order else len(order)

    order = sorted(range(len(records)), key=lambda i: records[i]["obs_id"])
    order.sort(key=lambda i: str(records[i]["publication_date"]), reverse=policy.prefer_later)
    order.sort(
        key=lambda i: (
            # A bound says where a value lies, not what it is: it comes after every figure,
            # even a suspect one, so it is never preferred over an exact figure.
            records[i]["precision"] in BOUNDS,
            bool(records[i]["suspect"]) if policy.avoid_suspect else False,
            position(policy.kind_order, records[i]["kind"]),
            position(policy.precision_order, records[i]["precision"]),
        )
    )
    return order


def rank_figures(
    figures: pd.DataFrame, policy: SourcePolicy | str = "official_first"
) -> pd.DataFrame:
    """The figures sorted best first under the policy, with a ``policy_rank`` column (1 = best)."""
    policy = policy_from(policy)
    if figures.empty:
        return figures.assign(policy_rank=pd.Series(dtype="int64"))
    ranked = figures.iloc[_ranked(frame_records(figures), policy)]
    return ranked.assign(policy_rank=range(1, len(ranked) + 1))


def _preferred_reason(best: Mapping[str, Any], n: int, policy: SourcePolicy) -> str:
    if n == 1:
        return "only figure"
    kind = str(best["kind"]).replace("_", " ")
    return (
        f"{kind}, {best['precision']}, published {best['publication_date']}"
        f"{' (suspect: no better figure)' if best.get('suspect') else ''}; policy {policy.name}"
    )


RECONCILED_COLUMNS = (
    "period_label", "n_figures", "n_sources", "n_statements", "attributed_to",
    "preferred_value", "preferred_obs_id",
    "preferred_source_id", "preferred_publisher", "preferred_reason", "value_min", "value_max",
    "spread", "spread_pct", "n_conflicts", "conflict", "conflict_pairs", "obs_ids", "policy",
)  # fmt: skip


def reconcile(
    figures: pd.DataFrame,
    policy: SourcePolicy | str = "official_first",
    keys: Sequence[str] = GROUP_KEYS,
) -> pd.DataFrame:
    """One row per thing measured: every figure counted, the preferred one, the range, conflicts.

    Columns: the group keys, ``period_label``, ``n_figures``, ``n_sources``,
    ``n_statements`` (reprints of one statement counted once: :mod:`kzaf.provenance`),
    ``attributed_to`` (whose figures they are, ";"-joined), ``preferred_value``,
    ``preferred_obs_id``, ``preferred_source_id``, ``preferred_publisher``,
    ``preferred_reason``, ``value_min``, ``value_max``, ``spread`` (max - min),
    ``spread_pct`` (spread / min), ``n_conflicts``, ``conflict`` (bool), ``conflict_pairs``
    (the obs_ids of each conflicting pair), ``obs_ids`` (every input figure), ``policy``.
    """
    policy = policy_from(policy)
    rows = []
    for key, records in _groups(_with_labels(figures), keys):
        best = records[_ranked(records, policy)[0]]
        values = [r["value"] for r in records]
        low, high = float(min(values)), float(max(values))
        pairs = [
            (row["obs_id_a"], row["obs_id_b"]) for row in _conflict_rows(key, records, policy, keys)
        ]
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "period_label": best["period_label"],
                "n_figures": len(records),
                "n_sources": len({r["source_id"] for r in records}),
                # Corroboration counts statements: reprints of one statement count once.
                "n_statements": len(statement_ids(records)),
                "attributed_to": ";".join(sorted({attributed_to(r) for r in records})),
                "preferred_value": float(best["value"]),
                "preferred_obs_id": best["obs_id"],
                "preferred_source_id": best["source_id"],
                "preferred_publisher": best["publisher"],
                "preferred_reason": _preferred_reason(best, len(records), policy),
                "value_min": low,
                "value_max": high,
                "spread": high - low,
                "spread_pct": (high - low) / low if low else math.nan,
                "n_conflicts": len(pairs),
                "conflict": bool(pairs),
                "conflict_pairs": pairs,
                "obs_ids": [r["obs_id"] for r in records],
                "policy": policy.name,
            }
        )
    return pd.DataFrame(rows, columns=[*keys, *RECONCILED_COLUMNS])


def annual_table(
    figures: pd.DataFrame,
    policy: SourcePolicy | str = "official_first",
    *,
    flows: Iterable[str] = ("turnover", "export", "import"),
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Full calendar years only: one row per (flow, year) from ``start_year`` to ``end_year``.

    Years with no figure are kept, with ``n_figures`` 0 and NaN values, so gaps stay visible.
    The figures must be for one reporter, partner, commodity, measure and unit.
    """
    flows = list(flows)
    yearly = figures[(figures["basis"] == "calendar")]
    # A boolean Series, not a list: an empty list would select zero columns instead of rows.
    full_year = pd.Series(
        [
            period_kind(s, e) == "year"
            for s, e in zip(yearly["period_start"], yearly["period_end"], strict=True)
        ],
        index=yearly.index,
        dtype=bool,
    )
    yearly = yearly[full_year]
    _require_single(yearly, ("reporter", "partner", "commodity", "measure", "unit"))
    table = reconcile(yearly, policy) if not yearly.empty else reconcile(figures.iloc[0:0], policy)
    table = table.assign(year=[p.year for p in table["period_start"]])
    years = [y for y in table["year"]] if len(table) else []
    first = start_year if start_year is not None else (min(years) if years else None)
    last = end_year if end_year is not None else (max(years) if years else None)
    if first is None or last is None:
        return table.iloc[0:0].assign(flow=pd.Series(dtype=object))
    grid = pd.DataFrame(
        [(f, y) for f in flows for y in range(first, last + 1)], columns=["flow", "year"]
    )
    merged = grid.merge(table, on=["flow", "year"], how="left")
    merged["n_figures"] = merged["n_figures"].fillna(0).astype(int)
    merged["n_sources"] = merged["n_sources"].fillna(0).astype(int)
    merged["n_statements"] = merged["n_statements"].fillna(0).astype(int)
    merged["attributed_to"] = merged["attributed_to"].fillna("")
    merged["n_conflicts"] = merged["n_conflicts"].fillna(0).astype(int)
    merged["conflict"] = merged["conflict"].fillna(False).astype(bool)
    merged["period_label"] = merged["period_label"].fillna(merged["year"].astype(str))
    return merged


def _require_single(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        values = frame[column].unique()
        if len(values) > 1:
            raise ValueError(
                f"figures mix several values of {column!r} ({', '.join(map(str, values))}); "
                "select one before building a yearly table"
            )


# ---------------------------------------------------------------------------------------------
# Derived periods


RESIDUAL_COLUMNS = (
    "period_start", "period_end", "period_label", "value", "derived", "method",
    "from_obs_ids", "same_source", "precise", "consistent",
)  # fmt: skip


def derive_residuals(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures for periods nobody published, derived from two cumulative ones.

    For two figures of the same thing, basis and year that start in the same month, where one
    ends before the other (January–May and first half), the difference covers the months in
    between (June). Every pair of sources is used, so the derived value carries the spread of
    its inputs. Derived rows are labelled ``derived=True`` and name both inputs; they are
    results of arithmetic, never stored in ``data/``. ``consistent`` is False where the
    residual is negative beyond what the two figures' precision allows
    (:func:`part_fits_whole`): the two cumulative figures cannot both be right.
    """
    keys = [k for k in GROUP_KEYS if k not in ("period_start", "period_end")]
    figures = _with_labels(figures)
    rows = []
    for key, group in figures.groupby(keys, sort=True, dropna=False):
        records = group.sort_values(["period_end", "obs_id"]).to_dict("records")
        for short in records:
            for long in records:
                same_run = (
                    short["period_start"] == long["period_start"]
                    and short["period_end"] < long["period_end"]
                    and short["period_start"].year == long["period_end"].year
                )
                if same_run and short["measure"] != "share":
                    rows.append({**dict(zip(keys, key, strict=True)), **_residual(short, long)})
    return pd.DataFrame(rows, columns=[*keys, *RESIDUAL_COLUMNS])


def _residual(short: Mapping[Any, Any], long: Mapping[Any, Any]) -> dict[str, Any]:
    """The months ``long`` covers after ``short`` ends: ``long`` minus ``short``."""
    start, end = short["period_end"] + 1, long["period_end"]
    return {
        "period_start": start,
        "period_end": end,
        "period_label": period_label(start, end, long["basis"]),
        "value": long["value"] - short["value"],
        "derived": True,
        "method": (
            f"{long['period_label']} ({long['obs_id']}) minus "
            f"{short['period_label']} ({short['obs_id']})"
        ),
        "from_obs_ids": [long["obs_id"], short["obs_id"]],
        "same_source": long["source_id"] == short["source_id"],
        "precise": long["precision"] == short["precision"] == "exact",
        # A residual negative beyond the figures' precision means the two cumulative figures
        # cannot both be right.
        "consistent": part_fits_whole(short, long),
    }


# ---------------------------------------------------------------------------------------------
# Calendar years from months


def complete_year_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Calendar years summed from single-month figures, where one source gives all twelve.

    Groups single-month calendar figures by reporter, partner, flow, goods, measure, unit,
    source and year; a year is summed only when its twelve months are each present once (a
    missing month is a gap, never zero). Turnover is added as exports plus imports where both
    are complete and the source gives no complete monthly turnover itself. Rows keep the
    input's columns (other columns from the year's first month), with ``value`` the sum,
    ``suspect`` true when any month was, ``precision`` exact, plus ``months_summed`` (12, or
    24 for turnover from exports and imports). Results are arithmetic, never stored in data/;
    callers label them.
    """
    keys = ["reporter", "partner", "commodity", "measure", "unit", "source_id"]
    single = figures[
        (figures["basis"] == "calendar") & (figures["period_start"] == figures["period_end"])
    ]
    if single.empty:
        return figures.iloc[0:0].assign(months_summed=pd.Series(dtype="int64"))
    single = single.assign(_year=[p.year for p in single["period_start"]])
    rows = []
    for _, group in single.groupby([*keys, "_year"], sort=True):
        complete = {
            flow: months
            for flow, months in group.groupby("flow", sort=True)
            if months["period_start"].nunique() == 12 and len(months) == 12
        }
        if {"export", "import"} <= set(complete) and "turnover" not in complete:
            complete["turnover"] = pd.concat([complete["export"], complete["import"]])
        for flow, months in complete.items():
            year = int(months["_year"].iloc[0])
            rows.append(
                {
                    **months.iloc[0].to_dict(),
                    "flow": flow,
                    "period_start": pd.Period(year=year, month=1, freq="M"),
                    "period_end": pd.Period(year=year, month=12, freq="M"),
                    "value": float(months["value"].sum()),
                    "precision": "exact",
                    "suspect": bool(months["suspect"].any()),
                    "months_summed": len(months),
                }
            )
    columns = [*figures.columns, "months_summed"]
    if not rows:
        return figures.iloc[0:0].assign(months_summed=pd.Series(dtype="int64"))
    return pd.DataFrame(rows)[columns].reset_index(drop=True)


def _with_labels(figures: pd.DataFrame) -> pd.DataFrame:
    if "period_label" in figures.columns:
        return figures
    return add_period_columns(figures)


__all__ = [
    "GROUP_KEYS",
    "POLICIES",
    "SourcePolicy",
    "add_period_columns",
    "annual_table",
    "complete_year_totals",
    "contains_month",
    "derive_residuals",
    "figure_interval",
    "figures_conflict",
    "find_conflicts",
    "month",
    "months_in",
    "part_fits_whole",
    "period_kind",
    "period_label",
    "policy_from",
    "rank_figures",
    "reconcile",
    "reported_figures",
]
