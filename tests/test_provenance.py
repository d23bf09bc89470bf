"""The provenance rules (kzaf.provenance), run by every load and by `kzaf data validate`.

Each rule is shown on fixture rows (source ids "fixture-...", values made up), then once
through the loader and the command on a copy of data/ with a fault put in.
"""

import csv

import pytest

from kzaf import cli, data, provenance


def _obs(obs_id, **changes):
    row = {
        "__row__": obs_id[-1],
        "obs_id": obs_id,
        "reporter": "KAZ",
        "partner": "AFG",
        "flow": "turnover",
        "commodity": "TOTAL",
        "measure": "value",
        "period_start": "2024-10",
        "period_end": "2024-10",
        "basis": "calendar",
        "unit": "USD million per year",
        "value": "1000",
        "source_id": "fixture-page",
        "attributed_to": "not_stated",
        "restates": "",
        "distinct_from": "",
    }
    return {**row, **changes}


def _rules(problems):
    return [(p.row, p.column, p.rule) for p in problems]


# --- one statement coded twice ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"reporter": "AFG", "partner": "KAZ"}, "reporter"),
        ({"period_start": "2024-01", "period_end": "2024-12"}, "period_start"),
        ({"unit": "USD million"}, "unit"),
    ],
)
def test_a_statement_coded_twice_fails(changes, column):
    """The review's case: one outlet's 'current' yearly level entered a second time as
    another side's figure for a calendar year."""
    rows = [_obs("FX-1"), _obs("FX-2", **changes)]
    problems = list(provenance.double_coding(rows, "data/observations.csv"))
    assert _rules(problems) == [(2, column, "double-coding")]
    assert "already FX-1" in problems[0].message and "distinct_from" in problems[0].message


def test_two_statements_of_one_page_pass_when_distinct_from_says_so():
    first = _obs("FX-1", period_start="2019-01", period_end="2019-12", distinct_from="FX-2")
    second = _obs("FX-2", period_start="2020-01", period_end="2020-12")
    assert list(provenance.double_coding([first, second], "o.csv")) == []
    unlinked = _obs("FX-1", period_start="2019-01", period_end="2019-12")
    assert len(list(provenance.double_coding([unlinked, second], "o.csv"))) == 1


def test_the_same_value_from_two_sources_is_not_double_coding():
    rows = [_obs("FX-1"), _obs("FX-2", source_id="fixture-other", reporter="AFG")]
    assert list(provenance.double_coding(rows, "o.csv")) == []


def test_distinct_from_must_name_a_figure_it_could_be_confused_with():
    rows = [_obs("FX-1", distinct_from="FX-2"), _obs("FX-2", value="7")]
    assert _rules(provenance.separate_statements(rows, "o.csv")) == [
        (1, "distinct_from", "distinct-from")
    ]


# --- reprints ---------------------------------------------------------------------------------


def test_a_reprint_links_to_the_first_record_of_the_same_figure_from_another_source():
    original = _obs("FX-1")
    good = _obs("FX-2", source_id="fixture-reprint", restates="FX-1")
    same_page = _obs("FX-3", restates="FX-1")
    chained = _obs("FX-4", source_id="fixture-relay", restates="FX-2")
    other_thing = _obs("FX-5", source_id="fixture-x", restates="FX-1", flow="export")
    rows = [original, good, same_page, chained, other_thing]
    problems = list(provenance.reprints(rows, "o.csv"))
    assert _rules(problems) == [(n, "restates", "restates") for n in (3, 4, 5)]
    assert "same source" in problems[0].message
    assert "itself restates FX-1" in problems[1].message
    assert "flow" in problems[2].message


def test_corroboration_counts_statements_not_reprints():
    rows = [_obs("FX-1"), _obs("FX-2", restates="FX-1"), _obs("FX-3")]
    assert provenance.statement_ids(rows) == {"FX-1", "FX-3"}
    imported = [{"obs_id": "FX-9", "reporter": "KAZ"}]  # no restates column at all
    assert provenance.statement_ids(imported) == {"FX-9"}


# --- attribution ---------------------------------------------------------------------------


def test_attribution_is_a_known_country_or_says_whose_it_is():
    countries = [{"iso3": "KAZ"}, {"iso3": "AFG"}]
    rows = [
        _obs("FX-1", attributed_to="KAZ"),
        _obs("FX-2", attributed_to="not_stated"),
        _obs("FX-3", attributed_to="XXX"),
    ]
    assert _rules(provenance.known_attributions(rows, countries, "o.csv")) == [
        (3, "attributed_to", "attribution")
    ]


def test_a_figure_without_attribution_is_its_reporters_own():
    """Imported database figures carry no attributed_to: they are the reporter's declaration."""
    import pandas as pd

    frame = pd.DataFrame(
        {"reporter": ["KAZ", "AFG", "KAZ"], "attributed_to": ["not_stated", None, ""]}
    )
    assert list(provenance.attributions(frame)) == ["not_stated", "AFG", "KAZ"]
    assert list(provenance.attributions(frame[["reporter"]])) == ["KAZ", "AFG", "KAZ"]


# --- titles and the ledger's wording -------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "bad"),
    [
        ("[description] Fixture outlet report on trade", True),
        ("untitled", True),
        ("https://fixture.example/page", True),
        ("Fixture outlet report on trade (our description; the page's own title was not "
         "recorded)", False),
        ("Kazakhstan and fixtureland sign a fixture agreement", False),
    ],
)  # fmt: skip
def test_a_reference_title_is_never_a_placeholder(title, bad):
    row = {"__row__": "1", "title": title, "url": "https://fixture.example/page"}
    problems = _rules(provenance.placeholder_titles([row], "data/sources.csv"))
    assert problems == ([(1, "title", "placeholder-title")] if bad else [])


def _claim(**changes):
    row = {
        "__row__": "1",
        "claim_id": "C1",
        "statement": "Fixture trade reached a record in 2022.",
        "article_figures": "1 USD million in 2022",
        "parts": "fixture record | fixture figure",
        "wording": "reached a record in 2022 | 1 USD million in 2022",
        "restates": "",
    }
    return {**row, **changes}


def test_each_part_quotes_the_claim_words_it_tests():
    assert list(provenance.claim_wording([_claim()], "c.csv")) == []
    reworded = _claim(wording="reached a record in 2022 | a single shipment")
    problems = list(provenance.claim_wording([reworded], "c.csv"))
    assert _rules(problems) == [(1, "wording", "wording")]
    assert "'a single shipment' is not in the claim" in problems[0].message
    short = _claim(wording="reached a record in 2022")
    assert _rules(provenance.claim_wording([short], "c.csv")) == [(1, "wording", "wording")]


def test_a_repeated_part_must_exist():
    rows = [_claim(), _claim(__row__="2", claim_id="C2", restates="1:C1.3")]
    assert _rules(provenance.claim_wording(rows, "c.csv")) == [(2, "restates", "restates")]
    rows[1]["restates"] = "1:C1.2"
    assert list(provenance.claim_wording(rows, "c.csv")) == []
    assert provenance.restated_parts("3:C6.3") == {3: "C6.3"}


# --- through the loader and the command ---------------------------------------------------------


def _append_second_coding(directory):
    """Copy the first observation as a second coding of the same figure (another reporter)."""
    path = directory / "observations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    copy = {**rows[0], "obs_id": "FX-9999", "reporter": rows[0]["partner"],
            "partner": rows[0]["reporter"], "note": "fixture: a second coding"}  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, copy])
    data.rehash(directory)
    return len(rows) + 1


def test_validate_fails_on_a_statement_coded_twice(data_copy, capsys):
    row = _append_second_coding(data_copy)
    with pytest.raises(data.DataValidationError) as caught:
        data.load(data_copy)
    assert f"data/observations.csv, row {row}" in str(caught.value)
    assert "[rule: double-coding]" in str(caught.value)
    assert cli.main(["data", "--data-dir", str(data_copy), "validate"]) == 2
    assert "double-coding" in capsys.readouterr().err


def test_the_committed_data_pass_every_provenance_rule():
    tables = data.load()  # raises on any problem
    observations = tables.observations
    # Whose figure each is, and which figures repeat a statement, are recorded.
    assert observations["attributed_to"].ne("").all()
    assert (observations["restates"] != "").any()


# --- where the project counts corroboration and says whose figures they are ---------------------


def _fixture_figures(*extra):
    """Two fixture pages give 2022 turnover; the second reprints the first."""
    from trajectory_fixtures import fig

    first = fig("FX-1", "turnover", "2022-01", "2022-12", 500, source="fixture-wire")
    reprint = fig("FX-2", "turnover", "2022-01", "2022-12", 500, source="fixture-reprint")
    first.update(attributed_to="KAZ", restates="")
    reprint.update(attributed_to="KAZ", restates="FX-1")
    return [first, reprint, *extra]


def test_reconciled_figures_count_statements_not_reprints():
    from trajectory_fixtures import figures

    from kzaf import series

    table = series.reconcile(figures(_fixture_figures()))
    assert table.loc[0, "n_figures"] == 2 and table.loc[0, "n_sources"] == 2
    assert table.loc[0, "n_statements"] == 1


def test_a_single_statement_reprinted_is_still_uncorroborated():
    from trajectory_fixtures import figures

    from kzaf import series
    from kzaf import trajectory as tr

    annual = series.annual_table(figures(_fixture_figures()), flows=["turnover"])
    points = tr.key_points(annual, flow="turnover", reporter_name="A", partner_name="B")
    assert "A single statement gives this figure; nothing confirms it yet." in points


def test_the_claim_evidence_counts_statements():
    from trajectory_fixtures import figures

    from kzaf.claim_checks import trade

    assert "500 ×2 from 1 statement" in trade._listing(figures(_fixture_figures()))


def test_prose_says_as_x_reports_it_only_of_figures_attributed_to_x():
    """The trajectory's answer said "as Kazakhstan reports it" of years whose only figure is
    an outlet's unattributed one."""
    from trajectory_fixtures import fig, figures

    from kzaf import series
    from kzaf import trajectory as tr

    own = series.annual_table(figures(_fixture_figures()), flows=["turnover"])
    assert tr.as_reported(own, "Fixtureland") == "as Fixtureland reports it"
    outlet = fig("FX-3", "turnover", "2023-01", "2023-12", 300, source="fixture-outlet")
    outlet.update(attributed_to="not_stated", restates="")
    mixed = series.annual_table(figures(_fixture_figures(outlet)), flows=["turnover"])
    phrase = tr.as_reported(mixed, "Fixtureland")
    assert "reports it" not in phrase and "1 of 2 years" in phrase


def test_the_mirror_sets_side_against_side_only_with_each_sides_own_figures():
    """The review's 2024 gap set an outlet's unattributed sentence, coded as the partner's
    figure, against the reporter's: a figure attributed to neither side is left out."""
    from trajectory_fixtures import fig, observations_and_sources

    from kzaf import trajectory as tr

    mine = fig("FX-1", "turnover", "2024-01", "2024-12", 500, source="fixture-ministry")
    theirs = fig("FX-2", "turnover", "2024-01", "2024-12", 900, reporter="AFG",
                 partner="KAZ", source="fixture-outlet")  # fmt: skip
    mine.update(attributed_to="KAZ", restates="")
    theirs.update(attributed_to="not_stated", restates="")
    observations, sources = observations_and_sources([mine, theirs])
    mirror = tr.mirror_table(observations, sources, reporter="KAZ", partner="AFG")
    assert not mirror["matched"].any() and mirror["partner_value"].isna().all()
    theirs["attributed_to"] = "AFG"
    observations, sources = observations_and_sources([mine, theirs])
    mirror = tr.mirror_table(observations, sources, reporter="KAZ", partner="AFG")
    assert mirror["matched"].any()
