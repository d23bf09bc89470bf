"""Words where a reader would otherwise meet a code: country names for ISO3 codes, month names,
dates as people write them, categories in words (``government_statement`` -> "government
statement"), counts with their plural ("4 years", never "4 year(s)"), lists as sentences ("A, B
and C") and a true minus sign.

Analyses keep their codes (tables, downloads and analyst pages show them); whatever a reader
sees passes through here on its way to the page: :func:`kzaf.text.tables.reader_table` for
every table cell and header, chart labels, sentences built by narrative code.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from functools import cache

MINUS = "\u2212"  # the minus sign (a hyphen-minus is a hyphen to a typesetter)

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
# "4 year(s)", "13 published figure(s)": a number, up to two words, a noun with "(s)".
_PLURAL_S = re.compile(r"\b(\d[\d,]*(?:\.\d+)?)(\s+(?:[A-Za-z-]+\s+){0,2})([A-Za-z]+)\(s\)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
# An ISO month or day standing alone in a sentence ("2023-12 (2 records)"), not inside an id.
_ISO_IN_TEXT = re.compile(r"(?<![\w-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-[0-3]\d)?(?![\w-])")
_IRREGULAR = {"country": "countries", "analysis": "analyses", "this": "these", "is": "are"}


# Codes an analysis names for readers (the risk register's ids, say): name_codes() adds them.
_NAMED: dict[str, str] = {}
_CLAIM = re.compile(r"^C(\d{1,2})$")
# A code inside text: a country's ISO3 code, a risk or claim id, a snake_case name (its
# underscores perhaps escaped for Markdown).
_TOKEN = re.compile(r"\b(?:[A-Z]{3}|R\d{1,2}|C\d{1,2}|[a-z][a-z0-9]*(?:\\?_[a-z0-9]+)+)\b")
# "R8 (Afghan market fragility)": a code followed by its own name says it twice in words.
_CODE_AND_NAME = re.compile(r"\b(R\d{1,2}) \(([^()]+)\)")
# Parts of the data's snake_case subject names (``lkz_astana_plant``) as a reader writes them.
ACRONYMS = {"lkz": "LKZ", "ekz": "EKZ", "iskp": "IS-Khorasan", "aqis": "AQIS", "ttp": "TTP",
            "etim": "ETIM", "nstc": "North–South corridor", "uae": "UAE"}  # fmt: skip
PLACES = frozenset({
    "astana", "herat", "khaf", "torkham", "termez", "hairatan", "mazar", "kabul", "serhetabad",
    "bolashak", "torghundi", "rozanak", "shamtiq", "sanobar", "navoiy", "kaplanbek", "saryagash",
    "atamurat", "akina", "kostanay", "andkhoy", "turgundi", "galaba", "serkhetyaka", "paryan",
    "robat", "rabat", "peshawar",
})  # fmt: skip


def name_codes(names: Mapping[str, str]) -> None:
    """Teach :func:`words` what an analysis's codes stand for ("R3" -> the risk's name)."""
    _NAMED.update(names)


def words(value: object) -> str:
    """A code in words: a category (``government_statement`` -> "government statement"), an
    ISO3 country code (the country's name), an indicator's code (its name), a claim's id
    ("C3" -> "claim 3"), a code an analysis named (:func:`name_codes`); any other snake_case
    name with spaces; anything else as it is."""
    text = str(value)
    for table in (CATEGORY_WORDS, _NAMED, country_names(), indicator_names()):
        if text in table:
            return table[text]
    claim = _CLAIM.match(text)
    if claim:
        return f"claim {claim[1]}"
    if _SNAKE.match(text):
        return " ".join(_part(part) for part in text.split("_"))
    return text


def _part(part: str) -> str:
    """One part of a snake_case name: a country code named, an acronym, a place capitalised."""
    if part.upper() in country_names() and len(part) == 3:
        return country_names()[part.upper()]
    if part in ACRONYMS:
        return ACRONYMS[part]
    return part.capitalize() if part in PLACES else part


# A place on its own ("(torkham)"), not inside a source's id ("uaf-2025-04-23-kabul-...").
_PLACE = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(PLACES)) + r")(?![\w-])")
# A subject's parts the data's names left in lower case in a sentence ("lkz astana plant",
# "kaz locomotives"): the region's country codes and the acronyms (no English word among them).
REGION_CODES = ("kaz", "afg", "uzb", "tkm", "tjk", "kgz", "pak", "irn", "aze", "mng", "chn", "rus")
_LOWER_CODE = re.compile(r"(?<![\w-])(?:" + "|".join([*REGION_CODES, *ACRONYMS]) + r")(?![\w-])")


# "claims C4 and C5", "Claims C9–C12": the word is there already, the ids become numbers.
_CLAIMS_NAMED = re.compile(
    r"\b([Cc]laims?)(\s+C\d{1,2}(?:(?:,\s*|\s+and\s+|\s+or\s+|\s+to\s+|–)C\d{1,2})*)"
)


def words_in(text: str) -> str:
    """Every code inside a sentence or a table cell in words (:func:`words` for each country
    code, risk or claim id and snake_case name), with minus signs and plurals (:func:`prose`)."""
    text = _CODE_AND_NAME.sub(lambda m: m[2] if _NAMED.get(m[1]) == m[2] else m[0], text)
    text = _CLAIMS_NAMED.sub(lambda m: m[1] + re.sub(r"C(\d)", r"\1", m[2]), text)
    text = _TOKEN.sub(lambda m: words(m[0].replace("\\_", "_")), text)
    text = _ISO_IN_TEXT.sub(lambda m: date_words(m[0]), text)
    text = _LOWER_CODE.sub(lambda m: _part(m[0]), text)
    return prose(_PLACE.sub(lambda m: m[0].capitalize(), text))


def country_name(code: str) -> str:
    """An ISO3 code's country name from ``data/countries.csv`` ("KAZ" -> "Kazakhstan"); an
    unknown code is returned as given."""
    return country_names().get(code, code)


@cache
def country_names() -> dict[str, str]:
    """ISO3 -> name, from the data's country table (empty when it cannot be read)."""
    return _names("countries.csv", "iso3", "name")


@cache
def indicator_names() -> dict[str, str]:
    """Indicator code -> its name, from the data's codebook of indicators."""
    names = _names("indicator_codes.csv", "indicator", "name")
    # In a sentence: "people in acute food insecurity", but "GTI score" keeps its capitals.
    return {k: v[:1].lower() + v[1:] if v[1:2].islower() else v for k, v in names.items()}


def _names(table: str, key: str, name: str) -> dict[str, str]:
    from kzaf import table_text
    from kzaf.paths import data_dir

    try:
        rows = table_text.records(data_dir() / table)
    except (OSError, table_text.TableTextError):
        return {}
    return {row[key]: row[name] for row in rows if row.get(key) and row.get(name)}


def pair(reporter: str, partner: str) -> str:
    """Two countries' trade as readers name it: "Kazakhstan–Afghanistan"."""
    return f"{country_name(reporter)}–{country_name(partner)}"


def month_name(number: int) -> str:
    """1 -> "January"."""
    return calendar.month_name[int(number)]


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


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def ordinal(n: int) -> str:
    """ "second" for 2, "12th" for 12, "21st" for 21: a position in words up to nine."""
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
    return _PLURAL_S.sub(lambda m: f"{m[1]}{m[2]}{plural(m[3], 1 if m[1] == '1' else 2)}", text)


def prose(text: str) -> str:
    """Machine marks in a sentence made readable: true minus signs and plurals without
    "(s)". For text that cannot be rewritten where it is made (data notes, messages)."""
    return plurals(minus(text))
