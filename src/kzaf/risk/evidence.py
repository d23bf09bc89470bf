"""Risk evidence: sourced indicator figures and dated events as annual series (pure functions).

Two kinds of evidence feed the risk register:

indicator series
    The figures of one indicator code about one subject (``gti_score`` about ``AFG``), from
    ``data/indicators.csv``, one row per year. A year with several figures (several sources,
    or a published range) keeps all of them: the row's ``value`` is the median of their
    midpoints and ``low``..``high`` spans every figure's interval, so disagreement between
    sources becomes uncertainty instead of being hidden. Intervals follow the project's
    reading of published numbers (:func:`kzaf.series.figure_interval`): a range as published,
    "about" at least ±5%, a rounded figure to its last non-zero digit; an exact figure and
    open-ended ones ("more than 20") are used as stated, without a range; ``presence`` rows
    carry no number and are skipped.
event counts
    The number of events of one kind linked to a risk in ``data/events.csv`` over a trailing
    window of years (border closures in the last three years, sanctions listings, recognition
    steps), from the first such event on. Several reports of one happening are counted once:
    events of the same kind by the same country in the same month are one event, and with
    ``episodes=True`` (closures) a report made while an earlier closure had not ended (no end
    date before it, no reopening recorded in between) continues that closure instead of
    starting a new one. These are derived counts, labelled ``derived``.

The year of a figure is the calendar year its period ends in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kzaf.frames import rows as table_rows
from kzaf.series import figure_interval

SERIES_COLUMNS = (
    "code",
    "subject",
    "year",
    "value",
    "low",
    "high",
    "n_figures",
    "unit",
    "direction",
    "source_ids",
    "figure_ids",
    "derived",
)


def _partial_year(text: str) -> int:
    return int(str(text)[:4])


def figure_bounds(row: pd.Series | dict) -> tuple[float, float, float] | None:
    """(point, low, high) for one indicator figure; None for a figure without a number."""
    precision = row["precision"]
    value, low, high = row["value"], row["value_low"], row["value_high"]
    if precision == "presence":
        return None
    has_value = value is not None and not (isinstance(value, float) and math.isnan(value))
    if precision == "range" or not has_value:
        if low is None or high is None or math.isnan(low) or math.isnan(high):
            return None
        return (low + high) / 2, float(low), float(high)
    if precision in ("exact", "at_least", "at_most"):
        return float(value), float(value), float(value)
    lo, hi = figure_interval(float(value), precision)
    return float(value), lo, hi


def indicator_series(indicators: pd.DataFrame) -> pd.DataFrame:
    """Every numeric indicator figure as annual series: one row per (code, subject, year).

    Columns: see :data:`SERIES_COLUMNS`. ``value`` is the median of the figures' points,
    ``low``/``high`` the widest interval they span, ``n_figures`` how many figures were
    combined, ``source_ids``/``figure_ids`` every input (``;``-separated). Figures flagged
    ``suspect`` in the data (probable misprints, kept as printed) are set aside.
    """
    rows = []
    if "suspect" in indicators:
        indicators = indicators[~indicators["suspect"].astype(bool)]
    for record in indicators.to_dict("records"):
        bounds = figure_bounds(record)
        if bounds is None:
            continue
        rows.append(
            {
                "code": record["indicator"],
                "subject": record["subject"],
                "year": record["period_end"].year,
                "point": bounds[0],
                "low": bounds[1],
                "high": bounds[2],
                "unit": record["unit"],
                "direction": record["direction"],
                "source_id": record["source_id"],
                "figure_id": record["indicator_id"],
            }
        )
    if not rows:
        return pd.DataFrame(columns=list(SERIES_COLUMNS))
    # Grouped in plain Python: a few hundred small groups cost far more through pandas'
    # per-group machinery than the arithmetic does.
    groups: dict[tuple[str, str, int], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["code"], row["subject"], int(row["year"])), []).append(row)
    out = []
    for (code, subject, year), group in sorted(groups.items()):
        out.append(
            {
                "code": code,
                "subject": subject,
                "year": year,
                "value": float(np.median([g["point"] for g in group])),
                "low": float(min(g["low"] for g in group)),
                "high": float(max(g["high"] for g in group)),
                "n_figures": len(group),
                "unit": "; ".join(sorted({g["unit"] for g in group})),
                "direction": "; ".join(sorted({g["direction"] for g in group})),
                "source_ids": ";".join(sorted({g["source_id"] for g in group})),
                "figure_ids": ";".join(sorted(g["figure_id"] for g in group)),
                "derived": False,
            }
        )
    return pd.DataFrame(out, columns=list(SERIES_COLUMNS))


def event_code(kind: str, window_years: int) -> str:
    """The series code of an event count: ``events:border_closure:3y``."""
    return f"events:{kind}:{window_years}y"


def distinct_events(
    events: pd.DataFrame,
    *,
    reopening_kind: str | None = None,
    all_events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The events that are distinct happenings (see the module notes), in date order.

    With ``reopening_kind`` (e.g. ``border_reopening``), an event counts as new only when the
    previous one had ended (its end date falls before it) or an event of that kind, taken from
    ``all_events``, lies between them.
    """
    ordered = events.assign(_month=events["date"].astype(str).str[:7]).sort_values("date")
    ordered = ordered.drop_duplicates(subset=["kind", "country", "_month"], keep="first")
    if reopening_kind is None or ordered.empty:
        return ordered.drop(columns="_month")
    pool = events if all_events is None else all_events
    reopenings = sorted(str(d) for d in pool.loc[pool["kind"] == reopening_kind, "date"])
    keep, previous = [], None
    for row in table_rows(ordered):
        date = str(row.date)
        if previous is None:
            new = True
        else:
            ended = bool(previous.end_date) and str(previous.end_date) < date
            reopened = any(str(previous.date) <= r <= date for r in reopenings)
            new = ended or reopened
        keep.append(new)
        if new or previous is None or (row.end_date and not previous.end_date):
            previous = row
    return ordered[keep].drop(columns="_month")


def _linked_events(
    events: pd.DataFrame, kind: str, risk_id: str, countries: Sequence[str], episodes: bool
) -> pd.DataFrame:
    """The distinct events of ``kind`` linked to ``risk_id`` (by the listed countries)."""
    linked_to_risk = events[
        events["risk_ids"].fillna("").map(lambda s: risk_id in str(s).split(";"))
    ]
    linked = linked_to_risk[linked_to_risk["kind"] == kind]
    if countries:
        linked = linked[linked["country"].isin(list(countries))]
    reopening = "border_reopening" if episodes else None
    return distinct_events(linked, reopening_kind=reopening, all_events=linked_to_risk)


def event_counts(
    events: pd.DataFrame,
    *,
    kind: str,
    risk_id: str,
    window_years: int = 3,
    countries: Sequence[str] = (),
    episodes: bool = False,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Count distinct events of ``kind`` linked to ``risk_id`` in the ``window_years`` ending
    each year.

    ``countries`` keeps only events whose acting country is listed (any when empty);
    ``episodes`` counts closures as episodes (see :func:`distinct_events`, with reopenings of
    the same risk). Counts are given from the year of the first such event (the table's first
    year when there is none) to the table's last year, or for ``years`` within that span: a
    count of 0 there means no such event is recorded; earlier years get no count, since the
    record thins out the further back it goes. Returns series rows
    (``derived`` True, subject ``any`` or the countries joined by ``+``).
    """
    if window_years < 1:
        raise ValueError(f"window_years must be at least 1, got {window_years}")
    if events.empty:
        return pd.DataFrame(columns=list(SERIES_COLUMNS))
    last = max(_partial_year(d) for d in events["date"])
    linked = _linked_events(events, kind, risk_id, countries, episodes)
    event_years = np.array([_partial_year(d) for d in linked["date"]], dtype=int)
    # Before the first recorded event of the kind, "none recorded" says more about the record
    # than about the risk: counts start there (or, when there is none, at the table's start).
    first = (
        int(event_years.min())
        if len(event_years)
        else min(_partial_year(d) for d in events["date"])
    )
    wanted = range(first, last + 1) if years is None else [y for y in years if first <= y <= last]
    code = event_code(kind, window_years)
    subject = "+".join(countries) if countries else "any"
    rows = []
    for year in wanted:
        mask = (event_years <= year) & (event_years > year - window_years)
        chosen = linked[mask]
        count = float(mask.sum())
        rows.append(
            {
                "code": code,
                "subject": subject,
                "year": int(year),
                "value": count,
                "low": count,
                "high": count,
                "n_figures": int(mask.sum()),
                "unit": f"events in {window_years} years",
                "direction": "",
                "source_ids": ";".join(sorted(set(chosen["source_id"]))),
                "figure_ids": ";".join(sorted(chosen["event_id"])),
                "derived": True,
            }
        )
    return pd.DataFrame(rows, columns=list(SERIES_COLUMNS))


def value_as_of(series: pd.DataFrame, year: int, window_years: int | None = None) -> pd.Series:
    """The latest row of one series at or before ``year`` (within ``window_years`` if given).

    Returns an empty Series when no figure qualifies.
    """
    eligible = series[series["year"] <= year]
    if window_years is not None:
        eligible = eligible[eligible["year"] > year - window_years]
    if eligible.empty:
        return pd.Series(dtype=object)
    return eligible.sort_values("year").iloc[-1]
