"""The errors of the UN Comtrade adapter: every one says what went wrong and what to do."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


class ComtradeError(Exception):
    """Base of every error this adapter raises; its message says what to do."""


class ComtradeFormatError(ComtradeError):
    """The file as a whole cannot be imported (missing column, not UTF-8, nothing to import)."""


@dataclass(frozen=True)
class RowProblem:
    """One broken rule at one row of one file."""

    order: int  # sorts problems in file order
    where: str  # "line 17" or "2026-11-28/M-....json record 3"
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ComtradeImportError(ComtradeError):
    """Bad rows: every kind counted, the first ``max_problems`` listed by line."""

    def __init__(self, label: str, problems: list[RowProblem], counts: Counter[str], notes=()):
        self.problems = problems
        self.counts = counts
        total = sum(counts.values())
        lines = [f"{label}: {total} problem(s); nothing was imported."]
        lines += [f"  {rule}: {n}" for rule, n in sorted(counts.items())]
        lines += [f"  {note}" for note in notes]
        lines.append(f"first {len(problems)}:" if total > len(problems) else "all:")
        lines += [f"  - {p}" for p in problems]
        if total > len(problems):
            lines.append(f"  ... and {total - len(problems)} more")
        super().__init__("\n".join(lines))


class ComtradeFetchError(ComtradeError):
    """A request failed for good; the message names the request (never the key) and why."""


class ComtradeQueryError(ComtradeFetchError):
    """The selection asked for is bad (period, flow, code, country): nothing was requested."""


class ReadAsText(Exception):
    """A typed first pass met a number or period it cannot judge; read everything as text."""
