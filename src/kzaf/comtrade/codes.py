"""What UN Comtrade's codes mean for the observations model, and the source record of an import.

Shared by the fetch client and the importer. Facts about the API and its file format are cited
where they are used; the column names are those of the API's JSON records and of the CSV files
the Comtrade website exports (the same names, e.g. ``reporterCode``, ``cmdCode``,
``primaryValue``), as seen in the recorded API responses in ropensci/comtradr's test suite
(tests/testthat/goods/comtradeapi.un.org/data/v1/get/C/A/HS-5e2730.R).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

# Every column of a Comtrade "final data" record, in the order the API returns them. The
# importer needs only a few of them and tolerates any others; the fixture and the benchmark
# write all of them so that their files look like real exports.
RECORD_COLUMNS: tuple[str, ...] = (
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period",
    "reporterCode", "reporterISO", "reporterDesc", "flowCode", "flowDesc",
    "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc",
    "classificationCode", "classificationSearchCode", "isOriginalClassification",
    "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc", "mosCode",
    "motCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated",
    "altQtyUnitCode", "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt",
    "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue",
    "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate",
)  # fmt: skip

# Columns the importer cannot do without. The period comes from `period` (YYYY or YYYYMM) or,
# when that column is absent, from `refYear` and `refMonth`.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue",
)  # fmt: skip
PERIOD_COLUMNS: tuple[str, ...] = ("period",)
REF_PERIOD_COLUMNS: tuple[str, ...] = ("refYear", "refMonth")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "freqCode", "netWgt", "isNetWgtEstimated", "partner2Code", "motCode", "customsCode",
)  # fmt: skip

# Trade flows. M and X are the headline flows. The others are sub-flows or special regimes
# (re-import RM, re-export RX, domestic export DX, foreign import FM, inward/outward processing
# MIP/MOP/XIP/XOP; the list of flow codes is in Comtrade's List of References, see
# uncomtrade/comtradeapicall issue #18 and the flow codes quoted in the anysite.io Comtrade
# reference). Re-exports are normally already part of a reporter's exports under the general
# trade system, so adding them as "export" would count them twice: the importer leaves every
# sub-flow out and reports how many rows of each it left out, by code.
FLOWS: Mapping[str, str] = {"M": "import", "X": "export"}
SUB_FLOWS: Mapping[str, str] = {
    "RM": "re-import",
    "RX": "re-export",
    "DX": "domestic export",
    "FM": "foreign import",
    "MIP": "import for inward processing",
    "MOP": "import after outward processing",
    "XIP": "export after inward processing",
    "XOP": "export for outward processing",
}

# Values that mean "total" in the breakdown columns (second partner World, every mode of
# transport, every customs procedure): the "classic" view the API gives with partner2Code=0,
# motCode=0, customsCode=C00 (the defaults ropensci/comtradr sends, R/ct_get_data.R). A row
# with any other value is one slice of a total and is left out, so nothing is counted twice.
BREAKDOWN_TOTALS: Mapping[str, tuple[str, ...]] = {
    "partner2Code": ("0", ""),
    "motCode": ("0", ""),
    "customsCode": ("C00", ""),
}

# TOTAL, or an HS chapter (2 digits), heading (4) or subheading (6), kept as text so that
# leading zeros survive ("0101" is not 101).
HS_CODE = re.compile(r"^(TOTAL|\d{2}|\d{4}|\d{6})$")
WORLD_ISO3 = "WLD"

VALUE_UNIT = "USD million"
QUANTITY_UNIT = "thousand tonnes"
VALUE_NOTE = (
    "UN Comtrade primaryValue (US dollars, as the reporter declares it: imports usually CIF, "
    "exports FOB) divided by one million"
)
QUANTITY_NOTE = "UN Comtrade netWgt (net weight in kilograms) divided by one million"
QUANTITY_ESTIMATED_NOTE = QUANTITY_NOTE + "; UN Comtrade flags this net weight as estimated"

PRODUCER = "United Nations Statistics Division, UN Comtrade database"
COMTRADE_URL = "https://comtradeplus.un.org/"
SYNTHETIC_URL = "https://synthetic.invalid/kzaf-comtrade-test-fixture"  # .invalid: never a site
LICENCE_NOTE = (
    "UN Comtrade data are copyrighted by the United Nations and used under the UN Comtrade "
    "terms of use; re-disseminating them needs UNSD's written permission (see 'Policy on use "
    "and re-dissemination' at https://uncomtrade.org/docs/). Keep raw downloads and imports "
    "local; do not commit them to a public repository."
)
SYNTHETIC_TITLE_PREFIX = "SYNTHETIC TEST FIXTURE"


def comtrade_codes(countries: pd.DataFrame) -> dict[str, str]:
    """UN Comtrade reporter/partner code (as text) -> ISO3, from the countries table.

    Only the ``comtrade_code`` column is used: a Comtrade file names countries by Comtrade
    code, and for a few countries that differs from M49 (India 699 not 356, France 251 not
    250). Matching M49 codes too, as :func:`kzaf.data.country_lookup` does for people's input,
    could read a code the wrong way.
    """
    return {str(code): iso3 for iso3, code in iso3_to_comtrade(countries).items()}


def iso3_to_comtrade(countries: pd.DataFrame) -> dict[str, int]:
    """ISO3 -> UN Comtrade code, for the rows that have one (groups such as CAS have none)."""
    return {iso3: int(code) for code, iso3 in zip(
        countries["comtrade_code"], countries["iso3"], strict=True
    ) if not pd.isna(code)}  # fmt: skip


def unknown_code_message(column: str, code: str) -> str:
    return (
        f"column {column}: unknown UN Comtrade code {code!r}: no country in data/countries.csv "
        "has this comtrade_code; add the country to the table rather than guessing"
    )


def hs_code_message(code: str) -> str:
    message = f"column cmdCode: {code!r} is not TOTAL or an HS code of 2, 4 or 6 digits"
    if code.isdigit() and len(code) in (1, 3, 5):
        message += (
            "; its odd number of digits suggests a lost leading zero (was the file saved from "
            "a spreadsheet? open it as text)"
        )
    return message


@dataclass(frozen=True)
class SourceRecord:
    """One row for the sources table, describing one import."""

    source_id: str
    title: str
    publisher: str
    url: str
    publication_date: str
    access_date: str
    kind: str
    date_note: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def slug(text: str) -> str:
    """A lowercase slug allowed as a source_id (``[a-z0-9][a-z0-9-]*``)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:60].strip("-") or "file"


def source_record(
    name: str, stem: str, *, accessed: dt.date, synthetic: bool, how: str = "an export file"
) -> SourceRecord:
    """The source row for an import of ``name`` (a file or fetch folder) saved as ``stem``."""
    date_note = (
        "A database extract has no publication date; the day the extract was taken from UN "
        f"Comtrade ({how}) stands in for it."
    )
    if synthetic:
        return SourceRecord(
            source_id=f"synthetic-comtrade-{slug(stem)}",
            title=f"{SYNTHETIC_TITLE_PREFIX}: made-up numbers in UN Comtrade's format, not data "
            f"({name})",
            publisher="kzaf test fixture generator (synthetic; not UN Comtrade)",
            url=SYNTHETIC_URL,
            publication_date=accessed.isoformat(),
            access_date=accessed.isoformat(),
            kind="international_database",
            date_note="Synthetic fixture: the numbers were generated by a script with a fixed "
            "seed and describe no real trade.",
        )
    return SourceRecord(
        source_id=f"un-comtrade-{slug(stem)}",
        title=f"UN Comtrade database extract ({name})",
        publisher=PRODUCER,
        url=COMTRADE_URL,
        publication_date=accessed.isoformat(),
        access_date=accessed.isoformat(),
        kind="international_database",
        date_note=date_note,
    )


def parse_json(text: str) -> Any:
    """``json.loads`` for an API answer or its metadata; JSON nested too deep for Python's
    recursion limit is invalid JSON (json.JSONDecodeError), not a RecursionError: no real
    answer nests past a few levels."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None
