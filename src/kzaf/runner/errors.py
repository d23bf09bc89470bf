"""The runner's one error for bad input, shared by its four wings (a leaf: it imports nothing).

Raised before anything runs, by whichever wing finds the problem (a notebook, a run file, the
data, an engine that cannot start); the command reports it in one line and exits 2.
"""

from __future__ import annotations


class PlanError(ValueError):
    """Bad input found before anything runs (a notebook, run file, data or engine problem)."""
