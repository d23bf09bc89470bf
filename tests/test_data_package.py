"""data/ as a standard data package: Frictionless's own validator accepts it, and the country
codes agree with ISO 3166-1 (pycountry) except where UN Comtrade's codes differ on purpose."""

import csv

import pycountry
import pytest
from frictionless import Package, validate

from kzaf import data
from kzaf.paths import DATA_DIR

# Comtrade codes its reporters and partners by customs territory; where that territory is not
# the ISO country, its code differs (the same table is in data/README.md, "Standard tools").
COMTRADE_DIFFERS_FROM_ISO = {
    "FRA": ("250", 251, "France with Monaco"),
    "ITA": ("380", 381, "Italy with San Marino and the Holy See"),
    "CHE": ("756", 757, "Switzerland with Liechtenstein"),
    "USA": ("840", 842, "the USA with Puerto Rico and the US Virgin Islands"),
    "IND": ("356", 699, "India since 1975 (356 is India before, without Sikkim)"),
}
# Aggregates, not countries: no ISO alpha-3 code exists for them.
NOT_ISO = {"WLD": "the world", "CAS": "the Central Asia group"}


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    with (DATA_DIR / "countries.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_frictionless_validates_the_data_package():
    report = validate(str(DATA_DIR / "datapackage.json"))
    errors = [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
    assert report.valid, errors[:5]
    assert len(report.tasks) == len(Package(str(DATA_DIR / "datapackage.json")).resources) == 9


def test_frictionless_rejects_a_malformed_partial_date(tmp_path):
    """The pattern that replaced the custom format is one Frictionless checks itself."""
    (tmp_path / "events.csv").write_text("date\n2023-13\n2023-02\n", encoding="utf-8")
    descriptor = data.read_descriptor()
    (spec,) = [r for r in descriptor["resources"] if r["name"] == "events"]
    fields = [f for f in spec["schema"]["fields"] if f["name"] == "date"]
    resource = {"name": "events", "path": "events.csv", "schema": {"fields": fields}}
    report = validate({"resources": [resource]}, basepath=str(tmp_path))
    assert not report.valid
    assert [e.type for e in report.tasks[0].errors] == ["constraint-error"]


def test_country_codes_agree_with_iso_3166(countries):
    seen_exceptions = set()
    for row in countries:
        code = row["iso3"]
        if code in NOT_ISO:
            assert pycountry.countries.get(alpha_3=code) is None
            seen_exceptions.add(code)
            continue
        country = pycountry.countries.get(alpha_3=code)
        assert country is not None, f"countries.csv: {code} is not an ISO 3166-1 alpha-3 code"
        assert row["m49"] == country.numeric, f"countries.csv {code}: m49 {row['m49']}"
        if code in COMTRADE_DIFFERS_FROM_ISO:
            iso_numeric, comtrade, _why = COMTRADE_DIFFERS_FROM_ISO[code]
            assert (country.numeric, int(row["comtrade_code"])) == (iso_numeric, comtrade)
            seen_exceptions.add(code)
        else:
            assert int(row["comtrade_code"]) == int(country.numeric), f"comtrade_code of {code}"
    # Every listed exception is still needed (an unused one would hide a later change).
    assert seen_exceptions == set(COMTRADE_DIFFERS_FROM_ISO) | set(NOT_ISO)
