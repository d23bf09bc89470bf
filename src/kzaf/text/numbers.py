"""Numbers as readers read them: money with its unit in words, thousands separators, no
float noise, one mark for a missing value. Every number a reader sees is formatted here (see
the package docstring); analyses, charts and reports call these instead of format specs."""

from __future__ import annotations

import math
from typing import Any

from kzaf.text.words import minus

# The one mark for a missing value, in sentences and in tables alike (an en dash).
MISSING = "–"
MINUS = "\u2212"  # negative numbers carry a minus sign, not a hyphen (kzaf.text.words.minus)


def is_missing(value: Any) -> bool:
    """None, NaN or an infinity: a value no reader should see as a number."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def fmt_usd_m(value: float) -> str:
    """A value in USD million for a sentence: "$474.3 million", "$1.2 billion", "–" if missing."""
    if is_missing(value):
        return MISSING
    sign, value = (MINUS if value < 0 else ""), abs(value)
    if value >= 1000:
        return f"{sign}${value / 1000:,.1f} billion"
    if value >= 100:
        whole = float(value).is_integer()
        return f"{sign}${value:,.0f} million" if whole else f"{sign}${value:,.1f} million"
    return f"{sign}${value:,.1f} million"


def fmt_fixed(
    value: float | None, decimals: int = 1, *, signed: bool = False, thousands: bool = False
) -> str:
    """A number to a fixed number of decimals: 1.94 -> "1.9"; ``signed`` adds "+";
    ``thousands`` adds separators (1234.5 -> "1,234.5")."""
    if is_missing(value):
        return MISSING
    sign = "+" if signed else ""
    comma = "," if thousands else ""
    return minus(f"{value:{sign}{comma}.{decimals}f}")


def fmt_general(value: float | None) -> str:
    """A figure as published, in its shortest form: 1800.0 -> "1800", 149.10 -> "149.1"."""
    return MISSING if is_missing(value) else minus(f"{value:g}")


def fmt_significant(value: float | None, digits: int = 2) -> str:
    """A number to ``digits`` significant digits: 0.0123 -> "0.012", 1234 -> "1.2e+03"."""
    return MISSING if is_missing(value) else minus(f"{value:.{digits}g}")


# The event analysis's number forms (moved from kzaf.event; outputs unchanged).


def fmt_number(value: float) -> str:
    if is_missing(value):
        return MISSING
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    else:
        text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return minus(text)


def fmt_signed(value: float) -> str:
    if is_missing(value):
        return MISSING
    return ("+" if value >= 0 else MINUS) + fmt_number(abs(value))


def fmt_range(low: float, high: float, digits: int | None = None) -> str:
    """``low–high``, or one number when both print the same."""
    if digits is not None:
        a, b = fmt_fixed(low, digits), fmt_fixed(high, digits)
    else:
        a, b = fmt_number(low), fmt_number(high)
    return a if a == b else f"{a}–{b}"


def fmt_pct_range(low: float, high: float, signed: bool = False) -> str:
    """Two shares in whole percent, "12% to 15%", or one when both print the same."""
    a, b = fmt_pct(low, 0, signed=signed), fmt_pct(high, 0, signed=signed)
    return a if a == b else f"{a} to {b}"


def fmt_p_value(value: float) -> str:
    if is_missing(value):
        return MISSING
    return "below 0.001" if value < 0.001 else fmt_fixed(value, 3)


# The trajectory's, the series' and the claim checks' number forms (moved here from their
# modules, where each had its own copy; outputs unchanged).


def fmt_plain(value: float, decimals: int = 1) -> str:
    """987.9 -> "987.9"; 1000.0 -> "1,000"; trailing zeros dropped; "–" when missing."""
    if is_missing(value):
        return MISSING
    text = fmt_fixed(value, decimals, thousands=True)
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_whole(value: float) -> str:
    """1234.5 -> "1,234" (counts and people)."""
    return fmt_fixed(value, 0, thousands=True)


def fmt_usd_short(value: float) -> str:
    """$987.9M; $12.4bn from 10,000 million up (tables and dense sentences)."""
    if not is_missing(value) and abs(value) >= 10_000:
        return f"${fmt_plain(value / 1000)}bn"
    return f"${fmt_plain(value)}M"


def fmt_pct_change(value: float, signed: bool = True) -> str:
    """0.083 -> "+8.3%" ("8.3%" unsigned); "–" when missing."""
    return fmt_pct(value, 1, signed=signed)


def fmt_pct(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """0.083 -> "8.3%" (``decimals=0``: "8%"; ``signed``: "+8.3%"); "–" when missing."""
    if is_missing(value):
        return MISSING
    return minus(f"{value:{'+' if signed else ''}.{decimals}%}")


def fmt_level(alpha: float) -> str:
    """The confidence level of an interval at ``alpha``: 0.1 -> "90%"."""
    return fmt_pct(1 - alpha, 0)


def fmt_span(low: float, high: float, fmt=fmt_usd_short) -> str:
    """One value when both ends are the same, else "low to high", each through ``fmt``."""
    if math.isclose(low, high):
        return fmt(low)
    return f"{fmt(low)} to {fmt(high)}"
