"""Checks of the source article's claims, one module per topic (see ``kzaf.claims``).

The wiring is explicit: each topic module imports the analysis it uses and the ledger
(``kzaf.claims``), and :data:`CHECKS` collects their checks here, above both. Callers hand
``CHECKS`` to the ledger (``claims.evaluate(..., checks=CHECKS)``, or :func:`evaluate` below);
the ledger and the analyses never import this package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kzaf import claims
from kzaf.claim_checks import events, locomotive, risk, trade
from kzaf.data import Tables

# claim id -> check, for every claim of data/claims.csv that a check decides.
CHECKS: dict[str, claims.Check] = claims.checks_in(trade, locomotive, risk, events)


def evaluate(
    tables: Tables,
    claim_ids: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The ledger of ``claim_ids`` (all claims when None) under every check of this package."""
    return claims.evaluate(tables, claim_ids, options, checks=CHECKS)
