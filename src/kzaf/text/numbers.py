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


# The trajectory's, the series' and the claim checks' number forms (moved here from their
# modules, where each had its own copy; outputs unchanged).


def fmt_plain(value: float, decimals: int = 1) -> str:
    """987.9 -> "987.9"; 1000.0 -> "1,000"; trailing zeros dropped; "n/a" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_whole(value: float) -> str:
    """1234.5 -> "1,234" (counts and people)."""
    return f"{value:,.0f}"


def fmt_usd_short(value: float) -> str:
    """$987.9M; $12.4bn from 10,000 million up (tables and dense sentences)."""
    if value is not None and math.isfinite(value) and abs(value) >= 10_000:
        return f"${fmt_plain(value / 1000)}bn"
    return f"${fmt_plain(value)}M"


def fmt_pct_change(value: float, signed: bool = True) -> str:
    """0.083 -> "+8.3%" ("8.3%" unsigned); "n/a" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def fmt_pct(value: float) -> str:
    """0.083 -> "8.3%"."""
    return f"{value:.1%}"


def fmt_span(low: float, high: float, fmt=fmt_usd_short) -> str:
    """One value when both ends are the same, else "low to high", each through ``fmt``."""
    if math.isclose(low, high):
        return fmt(low)
    return f"{fmt(low)} to {fmt(high)}"
