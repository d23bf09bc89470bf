"""The claims ledger: the source article's testable claims, each tested against the data.

``data/claims.csv`` lists the claims (C1–C14) in our words with the figures the article
prints. A *check* is a function ``(tables, options) -> ClaimResult`` registered with
:func:`check`. Checks live beside the analysis they use, in ``kzaf.claim_checks.<topic>``
modules, so each notebook's team owns its own; :func:`evaluate` imports them all and returns
one row per claim. A claim without a check is reported as not testable, never skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from kzaf.data import Tables
from kzaf.frames import rows as table_rows


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    WITHIN_TOLERANCE = "confirmed within tolerance"
    CONTRADICTED = "contradicted"
    NOT_TESTABLE = "not testable with current data"


@dataclass(frozen=True)
class ClaimResult:
    claim_id: str
    verdict: Verdict
    evidence: str  # one or two sentences, with the numbers, in our words
    sources: tuple[str, ...] = ()  # source_ids of the figures used
    tolerance: str = ""  # the tolerance applied, when the verdict depends on one
    details: pd.DataFrame | None = field(default=None, compare=False, repr=False)


Check = Callable[[Tables, Mapping[str, Any]], ClaimResult]
_CHECKS: dict[str, Check] = {}

# One module per topic; each registers its checks on import. Listed here so that evaluate()
# finds every check without the notebooks having to import anything.
CHECK_MODULES: tuple[str, ...] = (
    "kzaf.claim_checks.trade",  # C1–C3 (trajectory notebook)
    "kzaf.claim_checks.locomotive",  # C4–C5 (locomotive notebook)
    "kzaf.claim_checks.risk",  # C9–C12 (risk notebook)
    "kzaf.claim_checks.events",  # C6–C8, C13, C14 (dated events)
)


def check(claim_id: str) -> Callable[[Check], Check]:
    """Register ``function`` as the test of ``claim_id``."""

    def register(function: Check) -> Check:
        if claim_id in _CHECKS and _CHECKS[claim_id] is not function:
            raise ValueError(f"claim {claim_id} already has a check ({_CHECKS[claim_id]})")
        _CHECKS[claim_id] = function
        return function

    return register


def registered_checks() -> dict[str, Check]:
    for name in CHECK_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module: surface it
                raise
    return dict(_CHECKS)


def evaluate(
    tables: Tables,
    claim_ids: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per claim: id, statement, figures, verdict, evidence, sources, tolerance.

    ``options`` are passed to every check (notebook parameters such as a tolerance or the
    source policy); checks ignore what they do not use.
    """
    claims = tables["claims"]
    wanted = list(claim_ids) if claim_ids is not None else list(claims["claim_id"])
    unknown = sorted(set(wanted) - set(claims["claim_id"]))
    if unknown:
        raise ValueError(f"unknown claim id(s) {unknown}; data/claims.csv has C1–C14")
    checks = registered_checks()
    rows = []
    for claim in table_rows(claims[claims["claim_id"].isin(wanted)], index=False):
        if claim.claim_id in checks:
            result = checks[claim.claim_id](tables, dict(options or {}))
        else:
            result = ClaimResult(
                claim.claim_id, Verdict.NOT_TESTABLE, "No test against the data exists yet."
            )
        rows.append(
            {
                "claim_id": claim.claim_id,
                "statement": claim.statement,
                "article_figures": claim.article_figures,
                "verdict": str(result.verdict),
                "evidence": result.evidence,
                "sources": "; ".join(result.sources),
                "tolerance": result.tolerance,
            }
        )
    order = {cid: i for i, cid in enumerate(wanted)}
    frame = pd.DataFrame(rows)
    return frame.sort_values("claim_id", key=lambda s: s.map(order)).reset_index(drop=True)
