"""The claims ledger: the source article's testable claims, each tested against the data.

``data/claims.csv`` lists the claims (C1–C14) in our words with the figures the article
prints and the parts each is split into. A *check* is a function ``(tables, options) ->
ClaimResult`` marked with :func:`check`. Checks live above the analyses they use, in
``kzaf.claim_checks.<topic>`` modules, so each notebook's team owns its own; the ledger here
imports none of them: the caller hands :func:`evaluate` the checks to run
(``kzaf.claim_checks.CHECKS``), and it returns one row per claim. A claim without a check is
reported as not testable, never skipped.

A check judges each *part* of its claim (:class:`Part`); the claim's verdict is never chosen
by the check but derived from its parts by :func:`claim_verdict`, the one rule stated in
:data:`RULE` (quoted in ``data/README.md`` and under every ledger a reader sees). How far a
figure may stray and still hold is set per measure in :data:`TOLERANCES`, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import ModuleType
from typing import Any

import pandas as pd

from kzaf.data import Tables
from kzaf.frames import rows as table_rows
from kzaf.provenance import restated_parts


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    WITHIN_TOLERANCE = "confirmed within tolerance"
    PARTLY = "partly confirmed"
    WHERE_TESTABLE = "confirmed where testable"
    CONTRADICTED = "contradicted"
    NOT_TESTABLE = "not testable with current data"
    # The figure tested is the article's own: no other source gives it, so nothing can
    # confirm it (a record it cannot hold alongside still contradicts it).
    SELF_SOURCED = "not testable (self-sourced)"


# The verdicts a single part can get; the other two exist only for whole claims.
PART_VERDICTS: tuple[Verdict, ...] = (
    Verdict.CONFIRMED,
    Verdict.WITHIN_TOLERANCE,
    Verdict.CONTRADICTED,
    Verdict.NOT_TESTABLE,
    Verdict.SELF_SOURCED,
)
_HOLDS = frozenset({Verdict.CONFIRMED, Verdict.WITHIN_TOLERANCE})
_UNTESTED = frozenset({Verdict.NOT_TESTABLE, Verdict.SELF_SOURCED})

RULE = (
    "Each claim is split into the parts a record can check (a figure, a date, a place, a "
    "count), and each part quotes the words of the claim it tests. Each part gets one "
    "verdict: confirmed (the record shows it, within the figures' own precision); confirmed "
    "within tolerance (it holds only once the tolerance stated for its measure is allowed); "
    "contradicted (the record shows otherwise, beyond that tolerance); not testable with "
    "current data (the record holds nothing like for like); or not testable (self-sourced) "
    "when the figure tested is the article's own and no other source gives it. A figure that "
    "cannot hold alongside the record is contradicted, never within tolerance: a part of a "
    "period (eleven months) above every figure for the whole period (the year) cannot be "
    "right with them. A part about what a named source said ('according to X') is tested "
    "against X's own recorded statements, not against other sources. A record that something "
    "was announced never confirms that it opened, launched or was built. A part that repeats "
    "a part of another claim shows that part's verdict and is counted once, under the claim "
    "that first makes it. A part holds when it is confirmed or confirmed within tolerance. "
    "The claim's verdict follows from its other parts: confirmed if every part is confirmed; "
    "confirmed within tolerance if every part holds and at least one only within tolerance; "
    "partly confirmed if at least one part holds and at least one is contradicted; "
    "contradicted if a part is contradicted and none holds; confirmed where testable if none "
    "is contradicted, at least one holds and at least one is not testable; not testable "
    "(self-sourced) if every part is; not testable with current data if no part can be "
    "tested. Sums add only like with like (the same year or a stated window, the same "
    "definition); a part that needs any other sum is not testable."
)


@dataclass(frozen=True)
class Tolerance:
    measure: str
    amount: str  # how far a figure may stray, in words
    why: str


TOLERANCES: dict[str, Tolerance] = {
    t.measure: t
    for t in (
        Tolerance(
            "trade value",
            "5% relative, beyond each figure's own precision",
            "releases of one total differ by revisions and rounding: 2022 turnover is printed "
            "as 987.9 and as about 1,000 million (1.2% apart)",
        ),
        Tolerance(
            "ratio",
            "10% of the claimed ratio",
            "'twice' is a word, not a figure: it is read like a figure rounded to one digit, "
            "which kzaf.series reads to ±10%",
        ),
        Tolerance(
            "average month",
            "20% of the nearer end of the range of average months",
            "one month is set against an average month (a year's figure / 12); a single "
            "month can stray that far from its year's average, a reading we chose, not a "
            "measured spread",
        ),
        Tolerance(
            "count or share",
            "the reading of a rounded figure: half a unit of its last digit, at most ±10% "
            "for a one-digit figure (about 30% is 27–33%); bounds as printed",
            "the article prints round numbers; kzaf.series reads every rounded figure this "
            "way, so the claims are held to the same reading as the data",
        ),
        Tolerance(
            "date",
            "none: the claimed month (or day count) as stated",
            "the records date events to the day or month, finer than the claims",
        ),
        Tolerance("place", "none", "a city is named or it is not"),
        Tolerance(
            "rank",
            "none: the rank's best and worst case from the partners with a figure",
            "a rank is certain only when both cases agree",
        ),
    )
}


RULE_BEGIN = "<!-- verdict rule: generated from kzaf.claims by `kzaf data readme`; do not edit -->"
RULE_END = "<!-- end of verdict rule -->"


def rule_markdown() -> str:
    """The rule and the tolerances per measure, as data/README.md shows them."""
    rows = [f"| {t.measure} | {t.amount} | {t.why} |" for t in TOLERANCES.values()]
    return "\n".join(
        [
            RULE_BEGIN,
            "",
            RULE,
            "",
            "Tolerances per measure (a notebook parameter may set another amount; the ledger "
            "then states the one used):",
            "",
            "| measure | tolerance | why |",
            "|---|---|---|",
            *rows,
            "",
            RULE_END,
        ]
    )


@dataclass(frozen=True)
class Part:
    """One checkable piece of a claim, with its verdict and the evidence for it."""

    name: str  # the piece, in our words (as in data/claims.csv's parts column)
    verdict: Verdict  # one of PART_VERDICTS
    evidence: str  # what was compared, with the numbers and record ids
    measure: str = ""  # a key of TOLERANCES, when the verdict depends on one
    # The tolerance applied: TOLERANCES[measure].amount unless a notebook parameter set
    # another amount, which the check then states here.
    tolerance: str = ""
    wording: str = ""  # the claim's words this part tests (data/claims.csv's wording column)
    restates: str = ""  # "C6.3" when it repeats part 3 of C6: shown, counted there

    def __post_init__(self) -> None:
        if self.verdict not in PART_VERDICTS:
            raise ValueError(f"a part cannot be {self.verdict!r}; parts get {PART_VERDICTS}")
        if self.measure and self.measure not in TOLERANCES:
            raise ValueError(f"unknown measure {self.measure!r}; known: {sorted(TOLERANCES)}")
        if self.measure and not self.tolerance:
            object.__setattr__(self, "tolerance", TOLERANCES[self.measure].amount)


PartLike = Verdict | str | Part | Mapping[str, Any]


def counted(parts: Iterable[PartLike]) -> list[Verdict]:
    """The verdicts a claim's verdict is made of: a part that restates another claim's part
    is counted there, not here (unless every part restates one: then they are all there is).
    A part is a :class:`Part`, a mapping with ``verdict`` (and ``restates``), or a verdict."""
    items = list(parts)

    def restated(item: PartLike) -> bool:
        if isinstance(item, Part):
            return bool(item.restates)
        return isinstance(item, Mapping) and bool(item.get("restates"))

    def verdict(item: PartLike) -> Verdict:
        if isinstance(item, Part):
            return item.verdict
        return Verdict(item["verdict"] if isinstance(item, Mapping) else item)

    own = [i for i in items if not restated(i)] or items
    return [verdict(i) for i in own]


def claim_verdict(parts: Iterable[PartLike]) -> Verdict:
    """The claim's verdict from its parts (or their verdicts): the rule in :data:`RULE`."""
    found = counted(parts)
    if not found:
        return Verdict.NOT_TESTABLE
    wrong = [v for v in found if v not in PART_VERDICTS]
    if wrong:
        raise ValueError(f"{wrong[0]!r} is a claim's verdict, not a part's")
    holds = any(v in _HOLDS for v in found)
    if Verdict.CONTRADICTED in found:
        return Verdict.PARTLY if holds else Verdict.CONTRADICTED
    if not holds:
        if all(v == Verdict.SELF_SOURCED for v in found):
            return Verdict.SELF_SOURCED
        return Verdict.NOT_TESTABLE
    if any(v in _UNTESTED for v in found):
        return Verdict.WHERE_TESTABLE
    if all(v == Verdict.CONFIRMED for v in found):
        return Verdict.CONFIRMED
    return Verdict.WITHIN_TOLERANCE


@dataclass(frozen=True)
class ClaimResult:
    claim_id: str
    verdict: Verdict
    evidence: str  # one or two sentences, with the numbers, in our words
    sources: tuple[str, ...] = ()  # source_ids of the figures used
    tolerance: str = ""  # the tolerance applied, when the verdict depends on one
    details: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    parts: tuple[Part, ...] = ()

    def __post_init__(self) -> None:
        if self.parts and self.verdict != claim_verdict(self.parts):
            raise ValueError(
                f"{self.claim_id}: verdict {self.verdict!r} does not follow from its parts "
                f"({', '.join(p.verdict for p in self.parts)}) by the rule"
            )


def from_parts(
    claim_id: str,
    parts: Sequence[Part],
    sources: Iterable[str] = (),
    details: pd.DataFrame | None = None,
) -> ClaimResult:
    """A claim's result whose verdict, evidence and tolerance come from its parts."""
    return ClaimResult(
        claim_id,
        claim_verdict(parts),
        " ".join(f"({chr(97 + i)}) {_summary(p)}" for i, p in enumerate(parts)),
        tuple(dict.fromkeys(sources)),
        "; ".join(dict.fromkeys(f"{p.measure}: {p.tolerance}" for p in parts if p.measure)),
        details,
        tuple(parts),
    )


def _summary(part: Part) -> str:
    """'name: verdict. evidence', saying where a repeated part is counted."""
    counted_there = ""
    if part.restates:
        claim_id, _, number = part.restates.partition(".")
        counted_there = f" (the same as {claim_id} ({chr(96 + int(number))}), counted there)"
    return f"{part.name}: {part.verdict}{counted_there}. {part.evidence}"


def parts_of(result: ClaimResult) -> tuple[Part, ...]:
    """The result's parts; a result built without parts counts as one part (the claim)."""
    if result.parts:
        return result.parts
    return (Part("the claim as a whole", result.verdict, result.evidence),)


Check = Callable[[Tables, Mapping[str, Any]], ClaimResult]


def check(claim_id: str) -> Callable[[Check], Check]:
    """Mark ``function`` as the test of ``claim_id`` (:func:`checks_in` collects the marks).

    Marking registers nothing: the caller hands :func:`evaluate` the checks it should run, so
    the ledger never reaches back into the modules that use it."""

    def mark(function: Check) -> Check:
        function.claim_id = claim_id  # type: ignore[attr-defined]
        return function

    return mark


def checks_in(*modules: ModuleType) -> dict[str, Check]:
    """claim id -> check, for every function the modules mark with :func:`check`; two checks
    of one claim are an error."""
    found: dict[str, Check] = {}
    for module in modules:
        for function in vars(module).values():
            claim_id = getattr(function, "claim_id", None)
            if not callable(function) or not isinstance(claim_id, str):
                continue
            if claim_id in found and found[claim_id] is not function:
                raise ValueError(f"claim {claim_id} has two checks: {found[claim_id]}, {function}")
            found[claim_id] = function
    return found


def evaluate(
    tables: Tables,
    claim_ids: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    checks: Mapping[str, Check],
) -> pd.DataFrame:
    """One row per claim: id, statement, figures, verdict, evidence, sources, tolerance, and
    ``parts`` (a list of {part, verdict, evidence, tolerance, wording, restates} per part).

    ``checks`` (claim id -> check) come from the caller, usually ``kzaf.claim_checks.CHECKS``;
    a claim without one is not testable. ``options`` are passed to every check (notebook
    parameters such as a tolerance or the source policy); checks ignore what they do not use.
    Each part gets the claim's words it tests and its link to a part it repeats from
    ``data/claims.csv``, and the claim's verdict is derived here, from its parts, for every
    claim alike.
    """
    claims = tables["claims"]
    wanted = list(claim_ids) if claim_ids is not None else list(claims["claim_id"])
    unknown = sorted(set(wanted) - set(claims["claim_id"]))
    if unknown:
        raise ValueError(f"unknown claim id(s) {unknown}; data/claims.csv has C1–C14")
    rows = []
    for claim in table_rows(claims[claims["claim_id"].isin(wanted)], index=False):
        if claim.claim_id in checks:
            result = checks[claim.claim_id](tables, dict(options or {}))
        else:
            result = ClaimResult(
                claim.claim_id, Verdict.NOT_TESTABLE, "No test against the data exists yet."
            )
        result = described(result, claim)
        rows.append(
            {
                "claim_id": claim.claim_id,
                "statement": claim.statement,
                "article_figures": claim.article_figures,
                "verdict": str(result.verdict),
                "evidence": result.evidence,
                "sources": "; ".join(result.sources),
                "tolerance": result.tolerance,
                "parts": [_part_row(p) for p in parts_of(result)],
            }
        )
    _check_repeats(rows)
    order = {cid: i for i, cid in enumerate(wanted)}
    frame = pd.DataFrame(rows)
    return frame.sort_values("claim_id", key=lambda s: s.map(order)).reset_index(drop=True)


def described(result: ClaimResult, claim: Any) -> ClaimResult:
    """The result with each part's wording and repeat link from the claim's row of
    ``data/claims.csv`` (matched by position), its verdict and evidence derived again."""
    if not result.parts:  # judged as a whole: nothing to attach the words to
        return result
    parts = result.parts
    quotes = [q.strip() for q in str(getattr(claim, "wording", "") or "").split("|")]
    repeats = restated_parts(str(getattr(claim, "restates", "") or ""))
    if len(quotes) != len(parts):
        quotes = [""] * len(parts)
    parts = tuple(
        replace(p, wording=p.wording or q, restates=p.restates or repeats.get(i, ""))
        for i, (p, q) in enumerate(zip(parts, quotes, strict=True), start=1)
    )
    return from_parts(result.claim_id, parts, result.sources, result.details)


def _part_row(part: Part) -> dict[str, str]:
    return {
        "part": part.name,
        "verdict": str(part.verdict),
        "evidence": part.evidence,
        "tolerance": part.tolerance,
        "wording": part.wording,
        "restates": part.restates,
    }


def _check_repeats(rows: Sequence[Mapping[str, Any]]) -> None:
    """A repeated part must get the verdict of the part it repeats (both judged here)."""
    verdicts = {
        f"{row['claim_id']}.{n}": part["verdict"]
        for row in rows
        for n, part in enumerate(row["parts"], start=1)
    }
    for row in rows:
        for part in row["parts"]:
            original = verdicts.get(part["restates"])
            if original is not None and original != part["verdict"]:
                raise ValueError(
                    f"{row['claim_id']}: '{part['part']}' repeats {part['restates']} "
                    f"({original}) but was judged {part['verdict']}"
                )
