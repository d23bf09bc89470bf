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
