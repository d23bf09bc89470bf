"""The interval levels reader sentences claim, and whether each is earned.

A sentence that says "90% interval" promises that such intervals hold the truth nine times in
ten. The benchmark (:mod:`kzaf.methods.benchmark`) shows that the project's intervals keep that
promise when years are independent and not when deviations persist from year to year. So a
sentence claiming a level must either

- say what it assumes (:data:`DISCLOSURE`: "assumes independent years"), or
- name a model that allows for persistence (:data:`MODELS`), whose benchmark coverage reaches
  the level under every process simulated (within :data:`TOLERANCE`).

:func:`unearned` lists the sentences that do neither.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# What a sentence may say instead of earning its level: the assumption, in words ("assumes
# independent years", "assuming independent years", "assume independent monthly noise").
INDEPENDENT_YEARS = "assumes independent years"
DISCLOSURE = re.compile(r"\bassum\w* independent (?:years|monthly noise)\b")
# Phrases that name a model allowing for persistence -> its estimator in the benchmark.
MODELS = {
    "persistence prior": "scenario paths, Student t, persistence prior",
}
TOLERANCE = 0.03  # an estimator "reaches" 90% with at least 87% in the benchmark

_LEVEL = re.compile(
    r"\b(\d{1,2})% (?:(?:prediction|confidence|credible) )?(?:interval|band)s?\b"
    r"|\b(\d{1,2})% of (?:the )?simulated paths\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(])|\n+")


@dataclass(frozen=True)
class LevelClaim:
    level: float  # e.g. 0.9
    sentence: str


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (and lines: table cells and list items stand alone)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def level_claims(text: str) -> list[LevelClaim]:
    """Each sentence of ``text`` that claims an interval level, with its highest level."""
    claims = []
    for sentence in sentences(text):
        levels = [int(a or b) for a, b in _LEVEL.findall(sentence)]
        if levels:
            claims.append(LevelClaim(max(levels) / 100, sentence))
    return claims


def earned(claim: LevelClaim, reaches: Callable[[str, float], bool]) -> bool:
    """Whether a claim discloses its assumption or names a model that reaches its level
    (``reaches(estimator, level)``, from the benchmark)."""
    lower = claim.sentence.lower()
    if DISCLOSURE.search(lower):
        return True
    return any(
        phrase in lower and reaches(estimator, claim.level) for phrase, estimator in MODELS.items()
    )


def unearned(text: str, reaches: Callable[[str, float], bool]) -> list[str]:
    """The sentences of ``text`` whose interval level is neither disclosed nor earned."""
    return [c.sentence for c in level_claims(text) if not earned(c, reaches)]


def reaches_from(worst: Mapping[str, float]) -> Callable[[str, float], bool]:
    """``reaches`` for a mapping of estimator name prefix -> its worst coverage across the
    processes simulated (a name matches the first prefix it starts with)."""

    def reaches(estimator: str, level: float) -> bool:
        found = [v for name, v in worst.items() if name.startswith(estimator)]
        return bool(found) and min(found) >= level - TOLERANCE

    return reaches
