"""Numbers as readers read them: money with its unit in words, thousands separators, no
float noise. Narrative code formats through here (see the package docstring)."""

from __future__ import annotations

import math


def fmt_usd_m(value: float) -> str:
    """A value in USD million for a sentence: "$474.3 million", "$1.2 billion", "–" if missing."""
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        return f"${value / 1000:,.1f} billion"
    if abs(value) >= 100:
        return f"${value:,.0f} million" if float(value).is_integer() else f"${value:,.1f} million"
    return f"${value:,.1f} million"


# The event analysis's number forms (moved from kzaf.event; outputs unchanged).


def fmt_number(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


def fmt_signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + fmt_number(abs(value))


def fmt_range(low: float, high: float, digits: int | None = None) -> str:
    """``low–high``, or one number when both print the same."""
    if digits is not None:
        a, b = f"{low:.{digits}f}", f"{high:.{digits}f}"
    else:
        a, b = fmt_number(low), fmt_number(high)
    return a if a == b else f"{a}–{b}"


def fmt_pct_range(low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.0%}" if signed else "{:.0%}"
    a, b = fmt.format(low), fmt.format(high)
    return a if a == b else f"{a} to {b}"


def fmt_p_value(value: float) -> str:
    return "below 0.001" if value < 0.001 else f"{value:.3f}"
