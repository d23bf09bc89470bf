"""Rows of a DataFrame as Python records, typed for what they are.

A DataFrame row mixes column types, so pandas-stubs types each value read from one as the union
of every scalar pandas knows (str, bytes, date, timedelta, complex, Period, ...), which no
arithmetic, formatting or comparison accepts. Code that reads rows goes through these helpers,
which say "a record whose fields have their columns' types" (``Any``) once, here, instead of a
cast at every use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def rows(frame: pd.DataFrame, index: bool = True) -> Iterator[Any]:
    """``frame.itertuples(index=index)``: named tuples whose fields are the row's values."""
    return iter(frame.itertuples(index=index))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def row(frame: pd.DataFrame, position: int = 0) -> Any:
    """The row at ``position`` (a Series indexed by column name)."""
    return frame.iloc[position]


def value(item: Any) -> Any:
    """One value read from a row or by ``.loc``: its column's type, not pandas' scalar union."""
    return item
