"""Why two published figures cannot both be right, in words (from kzaf.series' conflict pairs).

:func:`kzaf.series.find_conflicts` finds the pairs and returns their numbers; the sentence a
reader sees is written here, so kzaf.series formats nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf.text.numbers import fmt_pct, fmt_plain


def _figure(pair: Mapping[Any, Any], side: str) -> str:
    return (
        f"{fmt_plain(pair[f'value_{side}'])} ({pair[f'precision_{side}']}, "
        f"{pair[f'publisher_{side}']}, {pair[f'publication_date_{side}']})"
    )


def conflict_reason(pair: Mapping[Any, Any]) -> str:
    """Why one row of find_conflicts cannot hold both figures, e.g. "567.5 (exact, Interfax,
    2024-10-22) vs 545.2 (exact, …): differ by 22.3 (4.1%), beyond what their precision
    allows; flagged suspect: SA-009"."""
    difference = abs(pair["value_a"] - pair["value_b"])
    base = min(pair["value_a"], pair["value_b"])
    share = f" ({fmt_pct(difference / base)})" if base else ""
    text = (
        f"{_figure(pair, 'a')} vs {_figure(pair, 'b')}: differ by {fmt_plain(difference)}"
        f"{share}, beyond what their precision allows"
    )
    flagged = [pair[f"obs_id_{side}"] for side in ("a", "b") if pair.get(f"suspect_{side}")]
    if flagged:
        text += f"; flagged suspect: {', '.join(flagged)}"
    return text


def with_reasons(conflicts: pd.DataFrame) -> pd.DataFrame:
    """The conflict pairs with a ``reason`` column saying, in words, why each pair conflicts."""
    reasons = [conflict_reason(pair) for pair in conflicts.to_dict("records")]
    return conflicts.assign(reason=pd.Series(reasons, index=conflicts.index, dtype=object))
