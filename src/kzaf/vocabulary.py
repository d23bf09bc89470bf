"""The project's words for what parameters name: one list, or one rule, per concept.

Parameter rules (:mod:`kzaf.parameters`), the analyses' ``build()`` functions, ``kzaf.series``
and ``kzaf.risk`` all read these, so a value that passes the check before a run is a value the
analysis understands. The module imports only the standard library: ``kzaf run``,
``--dry-run`` and ``kzaf params`` use it before any kernel starts, without pandas.

Countries have one folding rule (:func:`fold`): case, accents, spaces and punctuation are
ignored and a number loses its leading zeros, so ``Kyrgyz-Republic``, ``kyrgyz republic``,
``KGZ`` and ``417`` name Kyrgyzstan, and ``004`` and ``4`` name Afghanistan. Every spelling
comes from ``data/countries.csv``; nothing else is guessed, and text a missing value prints as
(``<NA>``, ``nan``, ``None``) never names a country.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

# Trade flows, from the reporter's side (data/datapackage.json, observations.flow).
FLOWS: tuple[str, ...] = ("turnover", "export", "import")
# Topics of the observations and indicators tables (data/README.md).
TOPICS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
# Kinds of source, in the default source policy's order (data/datapackage.json, sources.kind).
SOURCE_KINDS: tuple[str, ...] = (
    "national_statistics",
    "government_statement",
    "afghan_official",
    "international_database",
    "international_organisation",
    "research_report",
    "media_report",
)
# How precisely a figure is published (observations.precision).
PRECISIONS: tuple[str, ...] = ("exact", "rounded", "about", "at_least", "at_most")
# The named source policies of kzaf.series.POLICIES, and the fields a policy dict may set.
SOURCE_POLICIES: tuple[str, ...] = ("official_first", "latest_first", "media_first")
POLICY_FIELDS: tuple[str, ...] = (
    "base",  # the named policy the dict starts from
    "name",
    "kind_order",
    "precision_order",
    "prefer_later",
    "avoid_suspect",
    "about_tolerance",
)
# Where figures come from: the published dataset, or imported UN Comtrade data beside it.
DATA_SOURCES: tuple[str, ...] = ("published", "comtrade")
# The risk composite's methods (kzaf.risk.composite) and the scenarios' baseline anchors.
NORMALISATIONS: tuple[str, ...] = ("min_max", "z_score", "rank")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
BASELINE_ANCHORS: tuple[str, ...] = ("trend", "last_observed")
# The risks of kzaf.risk.risks.RISK_REGISTER, by id, and the two dimensions each is scored on.
RISKS: tuple[str, ...] = tuple(f"R{n}" for n in range(1, 11))
DIMENSIONS: tuple[str, ...] = ("likelihood", "impact")


# ---------------------------------------------------------------------------------------------
# Countries

COUNTRIES_FILE = "countries.csv"
SPELLING_COLUMNS = ("iso3", "m49", "comtrade_code", "name")
# What missing values print as (pandas' NA, NaN, NaT, Python's None, SQL's NULL): never a name.
MISSING_TEXT = frozenset({"", "<na>", "na", "n/a", "nan", "nat", "none", "null"})


class CountryTableError(ValueError):
    """The countries table gives one spelling to two countries."""


def is_missing(value: Any) -> bool:
    """None, NaN, or the text a missing value prints as."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return str(value).strip().casefold() in MISSING_TEXT


def fold(text: str) -> str:
    """The one folding rule: letters and digits only, case and accents ignored, a number
    without leading zeros (``"Kyrgyz-Republic"`` -> ``"kyrgyzrepublic"``, ``"004"`` ->
    ``"4"``)."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    key = "".join(ch for ch in decomposed if ch.isalnum())
    return (key.lstrip("0") or "0") if key.isdigit() else key


def _spelling(value: Any) -> str | None:
    """A table cell as a spelling (a float such as 4.0 from a numeric column reads "4")."""
    if isinstance(value, bool) or is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def spellings(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Every folded spelling (ISO3, M49, Comtrade code, name, alternates) -> ISO3 code.

    Raises :class:`CountryTableError` when one spelling would name two countries.
    """
    lookup: dict[str, str] = {}
    for row in rows:
        iso3 = str(row["iso3"])
        texts = [_spelling(row.get(column)) for column in SPELLING_COLUMNS]
        alternates = _spelling(row.get("alternates"))
        texts += alternates.split("|") if alternates else []
        for text in texts:
            key = fold(text) if text and not is_missing(text) else ""
            if not key:
                continue
            if lookup.setdefault(key, iso3) != iso3:
                raise CountryTableError(
                    f"{COUNTRIES_FILE}: {text!r} names both {lookup[key]} and {iso3}"
                )
    return lookup


def country_code(value: Any, lookup: Mapping[str, str]) -> str | None:
    """The ISO3 code ``value`` names in ``lookup`` (text, or an integer code), else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    if isinstance(value, int) and not 0 <= value < 1000:  # codes have three digits
        return None
    if is_missing(value):
        return None
    key = fold(str(value))
    return lookup.get(key) if key else None


def countries_file(data_dir: Path | str | None = None) -> Path:
    if data_dir is None:
        from kzaf.paths import data_dir as data_dir_in_force

        data_dir = data_dir_in_force()
    return Path(data_dir) / COUNTRIES_FILE


def country_spellings(data_dir: Path | str | None = None) -> dict[str, str]:
    """The lookup of the countries table in ``data_dir`` (the data folder in force), read
    with the standard library and kept while the file is unchanged."""
    path = countries_file(data_dir)
    stat = path.stat()
    return _read_spellings(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_spellings(path: str, mtime_ns: int, size: int) -> dict[str, str]:
    from kzaf import table_text  # standard library only; read as kzaf.data reads the table

    return spellings(table_text.records(Path(path)))
