"""Provenance rules: one statement, one record (run by ``kzaf data validate`` and every load).

The descriptor checks each value alone; these rules check how records relate to each other and
to their statement, the way fact-checkers trace a figure to the statement it comes from:

- **double coding**: a source's figure entered twice with a different reporter, partner, period
  or unit is one statement coded twice, unless ``distinct_from`` says the two are separate
  statements (the same count for two years, say);
- **reprints**: ``restates`` links another outlet's report of a statement to the first record of
  it, which must measure the same thing and come from another source; reprints add no
  corroboration (:func:`statement_ids`);
- **attribution**: ``attributed_to`` names a country the countries table holds, or says the
  figure is an international body's, another body's or unattributed;
- **titles**: a reference title is never a placeholder;
- **the ledger's wording**: each part of a claim quotes the words of the claim it tests, and a
  part that restates another claim's part names one that exists.

:func:`lint` takes the raw rows (strings, as read) and returns :class:`kzaf.data.Problem` s,
each naming file, row, column and rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from kzaf.problems import Problem

Rows = list[dict[str, str]]

ATTRIBUTION_WORDS = ("international", "other", "not_stated")
# What makes two records of one source's figure the same statement coded differently.
CODING = ("reporter", "partner", "period_start", "period_end", "basis", "unit")
# What a reprint must share with the record it restates (the value may be rounded again).
SAME_THING = ("reporter", "partner", "flow", "commodity", "measure", *CODING)
_PLACEHOLDER = re.compile(r"^\s*(\[|\(|$)|^(untitled|title|tbd|todo|n/?a|none|-+)\s*$", re.I)
_RESTATES = re.compile(r"(\d+):(C\d+)\.(\d+)")


def lint(raw: Mapping[str, Rows], labels: Mapping[str, str]) -> list[Problem]:
    """Every provenance problem in the tables read (table name -> rows of strings)."""
    found: list[Problem] = []
    observations = raw.get("observations")
    if observations is not None:
        label = labels["observations"]
        found += double_coding(observations, label)
        found += reprints(observations, label)
        found += separate_statements(observations, label)
        if "countries" in raw:
            found += known_attributions(observations, raw["countries"], label)
    if "sources" in raw:
        found += placeholder_titles(raw["sources"], labels["sources"])
    if "claims" in raw:
        found += claim_wording(raw["claims"], labels["claims"])
    return found


def _problem(label: str, row: Mapping[str, str], column: str, rule: str, text: str) -> Problem:
    return Problem(label, int(row["__row__"]), column, rule, text)


def _coding(row: Mapping[str, str]) -> str:
    period = row.get("period_start", "")
    if row.get("period_end", "") != period:
        period += f" to {row.get('period_end', '')}"
    return (
        f"{row.get('reporter', '')}–{row.get('partner', '')}, {period}, "
        f"{row.get('basis', '')}, {row.get('unit', '')}"
    )


def _linked(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    return a.get("distinct_from") == b.get("obs_id") or b.get("distinct_from") == a.get("obs_id")


def double_coding(rows: Rows, label: str) -> Iterator[Problem]:
    """A source's figure coded again with another reporter, partner, period or unit."""
    seen: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in rows:
        key = tuple(row.get(c, "") for c in ("source_id", "value", "commodity", "measure"))
        for earlier in seen.get(key, []):
            differs = [c for c in CODING if row.get(c, "") != earlier.get(c, "")]
            if differs and not _linked(row, earlier):
                yield _problem(
                    label,
                    row,
                    differs[0],
                    "double-coding",
                    f"the figure {row['value']} from source {row['source_id']!r} is already "
                    f"{earlier['obs_id']} ({_coding(earlier)}); here it is coded as "
                    f"{_coding(row)}. One statement keeps one record: correct or remove one "
                    "(and say so in data/README.md's change log), or, if these are two "
                    "statements, name the other in distinct_from",
                )
        seen.setdefault(key, []).append(row)


def reprints(rows: Rows, label: str) -> Iterator[Problem]:
    """``restates`` points to the first record of the same figure, from another source."""
    by_id = {row.get("obs_id", ""): row for row in rows}
    for row in rows:
        target_id = row.get("restates", "")
        if not target_id:
            continue
        target = by_id.get(target_id)
        if target is None:
            continue  # the foreign-key check names the unknown id
        if target_id == row.get("obs_id"):
            text = "a record cannot restate itself"
        elif target.get("source_id") == row.get("source_id"):
            text = (
                f"{target_id} is from the same source: a figure one page gives twice is one "
                "record (or two statements, named in distinct_from), not a reprint"
            )
        elif target.get("restates"):
            text = (
                f"{target_id} itself restates {target['restates']}: link to the originating record"
            )
        else:
            differs = [c for c in SAME_THING if row.get(c, "") != target.get(c, "")]
            if not differs:
                continue
            text = (
                f"{target_id} measures something else ({', '.join(differs)} differ): a "
                "reprint reports the same figure for the same thing"
            )
        yield _problem(label, row, "restates", "restates", text)


def separate_statements(rows: Rows, label: str) -> Iterator[Problem]:
    """``distinct_from`` explains a pair only of the same source and the same value."""
    by_id = {row.get("obs_id", ""): row for row in rows}
    for row in rows:
        other = by_id.get(row.get("distinct_from", ""))
        if other is None:
            continue
        same = all(row.get(c) == other.get(c) for c in ("source_id", "value"))
        if other is row or not same:
            yield _problem(
                label,
                row,
                "distinct_from",
                "distinct-from",
                f"{other['obs_id']} is not another figure of the same value from the same "
                "source, so there is nothing to tell apart",
            )


def known_attributions(rows: Rows, countries: Rows, label: str) -> Iterator[Problem]:
    """``attributed_to`` is a known country or one of :data:`ATTRIBUTION_WORDS`."""
    known = {c.get("iso3", "") for c in countries}
    for row in rows:
        value = row.get("attributed_to", "")
        if value and value not in known and value not in ATTRIBUTION_WORDS:
            yield _problem(
                label,
                row,
                "attributed_to",
                "attribution",
                f"unknown attribution {value!r}: an ISO3 code in countries.csv, or "
                + ", ".join(ATTRIBUTION_WORDS),
            )


def placeholder_titles(rows: Rows, label: str) -> Iterator[Problem]:
    """A source's title is its page's title, or a description in our words marked as such."""
    for row in rows:
        title = row.get("title", "")
        if title and (_PLACEHOLDER.search(title) or title.strip() == row.get("url", "").strip()):
            yield _problem(
                label,
                row,
                "title",
                "placeholder-title",
                f"{title[:60]!r} is a placeholder: give the page's own title, or a "
                "description in our words ending '(our description; the page's own title "
                "was not recorded)'",
            )


def claim_wording(rows: Rows, label: str) -> Iterator[Problem]:
    """Each part quotes the claim's words it tests; restated parts exist."""
    sizes = {row.get("claim_id", ""): len(_split(row.get("parts", ""))) for row in rows}
    for row in rows:
        parts, quotes = _split(row.get("parts", "")), _split(row.get("wording", ""))
        claim_text = f"{row.get('statement', '')} {row.get('article_figures', '')}"
        if quotes and len(quotes) != len(parts):
            yield _problem(
                label,
                row,
                "wording",
                "wording",
                f"{len(quotes)} quotations for {len(parts)} parts: one per part, in order",
            )
        for quote in quotes:
            if quote not in claim_text:
                yield _problem(
                    label,
                    row,
                    "wording",
                    "wording",
                    f"{quote!r} is not in the claim's statement or figures: a part quotes the "
                    "words it tests",
                )
        for number, claim_id, part in _restated(row.get("restates", "")):
            if not 1 <= number <= len(parts) or not 1 <= part <= sizes.get(claim_id, 0):
                yield _problem(
                    label,
                    row,
                    "restates",
                    "restates",
                    f"{number}:{claim_id}.{part} names a part that does not exist",
                )


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split("|")] if text.strip() else []


def _restated(text: str) -> Iterable[tuple[int, str, int]]:
    return [(int(n), c, int(k)) for n, c, k in _RESTATES.findall(text)]


def restated_parts(text: str) -> dict[int, str]:
    """``"3:C6.3"`` -> ``{3: "C6.3"}``: which of a claim's parts (numbered from 1) restate
    which part of another claim (``data/claims.csv``'s restates column)."""
    return {n: f"{c}.{k}" for n, c, k in _restated(text)}


# ---------------------------------------------------------------------------------------------
# Counting statements, not records


def statement_id(record: Mapping[str, object]) -> str:
    """The originating record's obs_id: the one it restates, or its own."""
    restates = record.get("restates")
    return str(restates) if isinstance(restates, str) and restates else str(record["obs_id"])


def statement_ids(records: Iterable[Mapping[str, object]]) -> set[str]:
    """The distinct statements behind some figures: reprints of one statement count once."""
    return {statement_id(r) for r in records}


def attributed_to(record: Mapping[str, object]) -> str:
    """Whose figure it is: ``attributed_to``, or the reporter where a record has none (a
    figure imported from a database is the reporter's own declaration)."""
    value = record.get("attributed_to")
    return value if isinstance(value, str) and value else str(record["reporter"])


def attributions(frame: pd.DataFrame) -> pd.Series:
    """:func:`attributed_to` for every row of a frame of observations."""
    if "attributed_to" not in frame.columns:
        return frame["reporter"].astype(object)
    given = frame["attributed_to"].where(frame["attributed_to"].astype(bool), None)
    return given.fillna(frame["reporter"]).astype(object)
