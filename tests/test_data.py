"""kzaf.data: the real tables load; each kind of bad row is reported with file, row, column."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from kzaf import data


def _rewrite(path: Path, edit) -> None:
    """Apply ``edit(rows)`` to a CSV's rows (list of dicts) and record the new checksum."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    fields, rows = edit(fields, rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    data.rehash(path.parent)


def _set(row_index: int, column: str, value: str):
    def edit(fields, rows):
        rows[row_index][column] = value
        return fields, rows

    return edit


def _problem(directory: Path) -> str:
    with pytest.raises(data.DataValidationError) as caught:
        data.load(directory)
    return str(caught.value)


def test_project_tables_load_and_validate():
    tables = data.load()
    assert {"sources", "observations", "countries"} <= set(tables)
    observations = tables.observations
    assert len(observations) > 0
    assert observations["value"].dtype == float
    assert isinstance(observations["period_start"].dtype, pd.PeriodDtype)
    assert set(observations["source_id"]) <= set(tables.sources["source_id"])


# Row 2 of observations.csv is its second data row (line 3 of the file).
@pytest.mark.parametrize(
    ("edit", "column", "expected"),
    [
        (_set(1, "source_id", "no-such-source"), "source_id", "unknown source id 'no-such-source'"),
        (_set(1, "period_end", "2020-01"), "period_end", "is before period_start"),
        (_set(1, "value", "-5"), "value", "negative value -5"),
        (_set(1, "unit", "USD thousand"), "unit", "unknown unit 'USD thousand'"),
        (_set(1, "partner", "XXX"), "partner", "unknown country 'XXX'"),
        (_set(1, "obs_id", "SA-001"), "obs_id", "duplicate id 'SA-001' (first used in row 1)"),
        (_set(1, "period_start", "2022-13"), "period_start", "unparseable year-month '2022-13'"),
        (_set(1, "value", "1,000"), "value", "'1,000' is not a number"),
        (_set(1, "precision", "roughly"), "precision", "unknown precision 'roughly'"),
    ],
)
def test_bad_observation_row_is_named(data_copy, edit, column, expected):
    _rewrite(data_copy / "observations.csv", edit)
    message = _problem(data_copy)
    assert "data/observations.csv, row 2 (line 3)" in message
    assert f"column '{column}'" in message
    assert expected in message


def test_unparseable_publication_date_is_named(data_copy):
    _rewrite(data_copy / "sources.csv", _set(0, "publication_date", "Feb 2024"))
    message = _problem(data_copy)
    assert "data/sources.csv, row 1 (line 2), column 'publication_date'" in message
    assert "unparseable date 'Feb 2024'" in message


def test_missing_required_column_is_named(data_copy):
    def drop_unit(fields, rows):
        return [f for f in fields if f != "unit"], rows

    _rewrite(data_copy / "observations.csv", drop_unit)
    message = _problem(data_copy)
    assert "data/observations.csv, column 'unit': required column is missing" in message


def test_missing_required_value_is_named(data_copy):
    _rewrite(data_copy / "sources.csv", _set(2, "url", ""))
    message = _problem(data_copy)
    assert "data/sources.csv, row 3 (line 4), column 'url': value is missing" in message


def test_every_problem_is_reported_at_once(data_copy):
    def two_faults(fields, rows):
        rows[0]["value"] = "-1"
        rows[3]["reporter"] = "Narnia"
        return fields, rows

    _rewrite(data_copy / "observations.csv", two_faults)
    message = _problem(data_copy)
    assert message.startswith("2 problem(s)")
    assert "row 1 (line 2), column 'value'" in message
    assert "row 4 (line 5), column 'reporter'" in message


def test_changed_file_without_rehash_fails_with_instructions(data_copy):
    path = data_copy / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    message = _problem(data_copy)
    assert "data/observations.csv" in message
    assert "sha256 differs" in message
    assert "kzaf data rehash" in message


def test_rehash_records_the_new_checksum(data_copy):
    path = data_copy / "countries.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data.rehash(data_copy) == ["countries.csv"]
    data.load(data_copy)  # no error now


def test_resolve_country_accepts_codes_and_names_and_refuses_guesses():
    countries = data.load().countries
    assert data.resolve_country("Afghanistan", countries) == "AFG"
    assert data.resolve_country("004", countries) == "AFG"
    assert data.resolve_country(4, countries) == "AFG"
    assert data.resolve_country("kyrgyz republic", countries) == "KGZ"
    assert data.resolve_country(699, countries) == "IND"  # Comtrade's code for India
    with pytest.raises(data.UnknownCountryError, match="unknown country 'Afghanistann'"):
        data.resolve_country("Afghanistann", countries)


def test_a_missing_code_or_alternate_is_not_a_spelling_of_the_country():
    countries = data.load().countries.head(1).copy()
    countries["comtrade_code"] = pd.array([pd.NA], dtype="Int64")
    countries["alternates"] = [None]
    lookup = data.country_lookup(countries)
    assert set(lookup.values()) == {"AFG"}
    for printed_missing in ("<NA>", "nan", "None", ""):
        with pytest.raises(data.UnknownCountryError):
            data.resolve_country(printed_missing, countries)


def test_every_table_in_the_folder_is_described():
    tables = data.load()
    described = {r["path"] for r in tables.descriptor["resources"]}
    on_disk = {p.name for p in tables.directory.glob("*.csv")}
    assert on_disk == described


def test_codebook_in_readme_matches_the_descriptor():
    tables = data.load()
    readme = (tables.directory / "README.md").read_text(encoding="utf-8")
    assert data.codebook_markdown(tables.descriptor) in readme, (
        "data/README.md's codebook is out of date: run `kzaf data readme`"
    )


def test_coverage_conflicts_and_gaps_in_readme_are_current():
    from kzaf import audit

    tables = data.load()
    readme = (tables.directory / "README.md").read_text(encoding="utf-8")
    assert audit.readme_report(tables) in readme, (
        "data/README.md's coverage/conflicts/gaps section is out of date: paste the output of "
        "`kzaf data report` (or run `kzaf data readme`)"
    )
