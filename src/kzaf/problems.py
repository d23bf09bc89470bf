"""A broken rule at one place in one data file: what validation and the provenance lint report.

Low in the house (standard library only), so that ``kzaf.data`` and ``kzaf.provenance``, which
``kzaf.data`` calls, both use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place in one file."""

    file: str
    row: int | None  # data row, 1-based; None for file- or header-level problems
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message} [rule: {self.rule}]"
