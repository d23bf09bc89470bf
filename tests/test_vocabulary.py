"""One vocabulary per concept: the lists the parameter rules check are the library's own, and
countries fold by one rule, whether the rules or the loaders read the table."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzaf import data, vocabulary
from kzaf.paths import DATA_DIR


def _enum(resource: str, field: str) -> list[str]:
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    (table,) = [r for r in descriptor["resources"] if r["name"] == resource]
    (column,) = [f for f in table["schema"]["fields"] if f["name"] == field]
    return column["constraints"]["enum"]


def test_the_vocabulary_is_the_data_package_s_and_the_library_s():
    from kzaf import series
    from kzaf.risk import composite
    from kzaf.risk.risks import RISK_REGISTER

    assert list(vocabulary.FLOWS) == _enum("observations", "flow")
    assert list(vocabulary.TOPICS) == _enum("indicators", "topic")
    assert list(vocabulary.SOURCE_KINDS) == _enum("sources", "kind")
    assert set(vocabulary.PRECISIONS) == set(_enum("observations", "precision"))
    assert set(vocabulary.SOURCE_POLICIES) == set(series.POLICIES)
    fields = {f.name for f in dataclasses.fields(series.SourcePolicy)}
    assert set(vocabulary.POLICY_FIELDS) == fields | {"base"}
    assert tuple(risk.risk_id for risk in RISK_REGISTER) == vocabulary.RISKS
    assert composite.DIMENSIONS == vocabulary.DIMENSIONS


def test_the_vocabulary_and_the_rules_load_without_pandas():
    code = (
        "import sys, kzaf.vocabulary, kzaf.parameters, kzaf.parameters.values;"
        "from kzaf.parameters.rules import country; assert country('Kyrgyz-Republic');"
        "heavy = {'pandas', 'numpy', 'nbformat', 'papermill'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kyrgyz-Republic", "KGZ"),
        ("KYRGYZ  REPUBLIC", "KGZ"),
        ("kgz", "KGZ"),
        ("004", "AFG"),
        ("4", "AFG"),
        (4, "AFG"),
        ("Turkiye", "TUR"),
        ("Türkiye", "TUR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("699", "IND"),  # Comtrade's code for India
    ],
)
def test_a_spelling_names_its_country(text, code):
    assert vocabulary.country_code(text, vocabulary.country_spellings()) == code


@pytest.mark.parametrize("text", ["<NA>", "nan", "NaN", "None", "", "  ", "N/A", "null", True])
def test_what_a_missing_value_prints_as_names_no_country(text):
    assert vocabulary.country_code(text, vocabulary.country_spellings()) is None
    with pytest.raises(data.UnknownCountryError):
        data.resolve_country(text, data.load().countries)


def test_one_spelling_for_two_countries_is_an_error():
    rows = [{"iso3": "AAA", "name": "Same"}, {"iso3": "BBB", "name": "same"}]
    with pytest.raises(vocabulary.CountryTableError, match="'same' names both AAA and BBB"):
        vocabulary.spellings(rows)


_COUNTRIES = data.load().countries


@given(
    st.one_of(
        st.sampled_from([str(v) for column in ("iso3", "name", "m49") for v in _COUNTRIES[column]]),
        st.text(max_size=12),
    ),
    st.sampled_from(["", "-", " ", ".", "'"]),
    st.booleans(),
)
def test_the_rules_and_the_loaders_fold_countries_alike(text, separator, upper):
    """The parameter rules read countries.csv with the standard library, the analyses with
    pandas: every spelling (and every variant of it) names the same country in both."""
    text = separator.join(text.split()) if separator else text
    text = text.upper() if upper else text
    by_rules = vocabulary.country_code(text, vocabulary.country_spellings())
    try:
        by_library = data.resolve_country(text, _COUNTRIES)
    except data.UnknownCountryError:
        by_library = None
    assert by_rules == by_library
