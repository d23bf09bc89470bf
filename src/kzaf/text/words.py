"""Words where a reader would otherwise meet a code: country names for ISO3 codes, month names,
dates as people write them, categories in words (``government_statement`` -> "government
statement"), counts with their plural ("4 years", never "4 year(s)"), lists as sentences ("A, B
and C") and a true minus sign.

Analyses keep their codes (tables, downloads and analyst pages show them); whatever a reader
sees passes through here on its way to the page: :func:`kzaf.text.tables.reader_table` for
every table cell and header, chart labels, sentences built by narrative code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

MINUS = "\u2212"  # the minus sign (a hyphen-minus is a hyphen to a typesetter)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONTH_ABBR = tuple(m[:3] for m in MONTHS)

# Category codes of the data and the analyses, as a reader says them. A code not listed here
# that is still snake_case reads with spaces (see :func:`words`).
CATEGORY_WORDS: Mapping[str, str] = {
    # kinds of source (data/sources.csv)
    "national_statistics": "national statistics",
    "government_statement": "government statement",
    "afghan_official": "Afghan official",
    "international_database": "international database",
    "international_organisation": "international organisation",
    "research_report": "research report",
    "media_report": "media report",
    # how a figure was printed (precision)
    "at_least": "at least",
    "at_most": "at most",
    "presence": "named, not counted",
    # bases and kinds of period
    "calendar": "calendar year",
    "marketing_year": "marketing year (July–June)",
    "fiscal_year": "fiscal year (July–June)",
    "afghan_solar_year": "Afghan solar year (March–March)",
    "year_to_date": "year to date",
    "year": "full year",
    # source policies (kzaf.series.POLICIES) and the risk index's methods
    "official_first": "official sources first",
    "latest_first": "latest publication first",
    "media_first": "media reports first",
    "min_max": "min–max (on each figure's stated scale)",
    "z_score": "z-score",
    "insufficient_data": "insufficient data",
}

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
# A hyphen-minus that is a minus: before a digit, not inside a word, a number or a range.
_HYPHEN_MINUS = re.compile(r"(?<![\w.\d])-(?=\.?\d)")
_PLURAL_S = re.compile(r"\b(\d[\d,]*(?:\.\d+)?)\s+([A-Za-z]+)\(s\)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_IRREGULAR = {"country": "countries", "analysis": "analyses", "this": "these", "is": "are"}


def words(value: object) -> str:
    """A category code in words: ``government_statement`` -> "government statement",
    ``at_least`` -> "at least"; an ISO3 country code -> the country's name; anything else as
    it is."""
    text = str(value)
    if text in CATEGORY_WORDS:
        return CATEGORY_WORDS[text]
    if text in country_names():
        return country_names()[text]
    if _SNAKE.match(text):
        return text.replace("_", " ")
    return text


def country_name(code: str) -> str:
    """An ISO3 code's country name from ``data/countries.csv`` ("KAZ" -> "Kazakhstan"); an
    unknown code is returned as given."""
    return country_names().get(code, code)


@cache
def country_names() -> dict[str, str]:
    """ISO3 -> name, from the data's country table (empty when it cannot be read)."""
    from kzaf import table_text
    from kzaf.paths import data_dir

    try:
        rows = table_text.records(data_dir() / "countries.csv")
    except (OSError, table_text.TableTextError):
        return {}
    return {row["iso3"]: row["name"] for row in rows if row.get("iso3") and row.get("name")}


def pair(reporter: str, partner: str) -> str:
    """Two countries' trade as readers name it: "Kazakhstan–Afghanistan"."""
    return f"{country_name(reporter)}–{country_name(partner)}"


def month_name(number: int) -> str:
    """1 -> "January"."""
    return MONTHS[int(number) - 1]


def date_words(text: object) -> str:
    """An ISO date as people write it: "2023-04-17" -> "17 April 2023", "2023-04" -> "April
    2023"; a year, or anything else, unchanged."""
    value = str(text or "")
    match = _ISO_DATE.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    year, month, day = match[1], month_name(int(match[2])), match[3]
    return f"{int(day)} {month} {year}" if day else f"{month} {year}"


def plural(noun: str, n: float) -> str:
    """``noun`` for ``n`` of it: "year" for 1, "years" otherwise ("country" -> "countries")."""
    if n == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, plural_form: str | None = None) -> str:
    """ "1 year", "4 years", "10,000 draws": a number with its noun in the right form."""
    form = noun if n == 1 else (plural_form or plural(noun, n))
    return f"{n:,} {form}"


def enumeration(items: Iterable[object], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C" (no serial comma, as the project's prose)."""
    parts = [str(item) for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def minus(text: str) -> str:
    """Every hyphen-minus that stands for a minus ("-42.6%", "(-3)") as a minus sign; hyphens
    in words, ids and ranges ("2005-2020", "COVID-19") are left alone."""
    return _HYPHEN_MINUS.sub(MINUS, text)


def plurals(text: str) -> str:
    """ "4 year(s)" -> "4 years", "1 pair(s)" -> "1 pair": the "(s)" a sentence template left."""
    return _PLURAL_S.sub(lambda m: f"{m[1]} {plural(m[2], 1 if m[1] == '1' else 2)}", text)


def prose(text: str) -> str:
    """Machine marks in a sentence made readable: true minus signs and plurals without
    "(s)". For text that cannot be rewritten where it is made (data notes, messages)."""
    return plurals(minus(text))
