"""Which parts of the trajectory and shipment notebooks apply to a pair: the pure functions
behind `kzaf run --dry-run`, on small fixture observations (obviously fixtures: values 1.0,
source "fixture") and on the committed data for the default pair and the three test pairs."""

from __future__ import annotations

import pandas as pd
import pytest

from kzaf import applicability, data, paths
from kzaf import event as ev
from kzaf import trajectory as tr


def _row(reporter, partner, commodity="TOTAL", start="2022-01", end="2022-12"):
    return {
        "reporter": reporter,
        "partner": partner,
        "flow": "export",
        "commodity": commodity,
        "period_start": pd.Period(start, "M"),
        "period_end": pd.Period(end, "M"),
        "value": 1.0,
        "source_id": "fixture",
    }


def _observations(*rows):
    return pd.DataFrame(list(rows))


def _parts(parts):
    return [part for part, _ in parts]


@pytest.fixture(scope="module")
def tables():
    return data.load()


# ---------------------------------------------------------------------------------------------
# Trajectory


def test_a_pair_without_any_figure_has_nothing_in_any_section():
    observations = _observations(_row("KAZ", "AFG"))
    parts = tr.applicable_parts(observations, "UZB", "PAK")
    assert _parts(parts) == ["every section"]
    assert "UZB" in parts[0][1] and "PAK" in parts[0][1]


def test_figures_outside_the_years_shown_do_not_count():
    observations = _observations(_row("UZB", "PAK", start="2010-01", end="2010-12"))
    assert _parts(tr.applicable_parts(observations, "UZB", "PAK", start_year=2016)) == [
        "every section"
    ]
    assert "every section" not in _parts(tr.applicable_parts(observations, "UZB", "PAK"))


def test_each_missing_side_and_the_other_pairs_material_is_named():
    observations = _observations(_row("UZB", "PAK"))
    assert _parts(tr.applicable_parts(observations, "UZB", "PAK")) == [
        "the mirror view",
        "distance to the target",
        "goods",
        "the article's claims C1–C3",
    ]
    mirrored = _observations(_row("PAK", "UZB"))
    assert _parts(tr.applicable_parts(mirrored, "UZB", "PAK"))[0] == "the trajectory"


def test_the_articles_pair_has_its_target_and_claims_either_way_round():
    observations = _observations(
        _row("KAZ", "AFG"), _row("AFG", "KAZ"), _row("KAZ", "AFG", commodity="1101")
    )
    assert tr.applicable_parts(observations, "KAZ", "AFG", goods=["1101"]) == []
    assert tr.applicable_parts(observations, "AFG", "KAZ", goods=["1101"]) == [
        ("goods", "no figure for the goods chosen (1101)")
    ]  # AFG reports no flour exports to KAZ
    assert tr.claims_apply("AFG", "KAZ") and not tr.claims_apply("KAZ", "PAK")


def test_on_the_committed_data_the_default_pair_has_every_trajectory_part(tables):
    parts = applicability.notebook_parts(
        "01_trade_trajectory",
        {"reporter": "KAZ", "partner": "Afghanistan", "goods": ["1101", "1001", "grain"]},
        tables,
    )
    assert parts == []


@pytest.mark.parametrize(
    ("reporter", "partner", "expected"),
    [
        ("UZB", "AFG", ["distance to the target", "goods", "the article's claims C1–C3"]),
        (
            "KAZ",
            "PAK",
            ["the mirror view", "distance to the target", "goods", "the article's claims C1–C3"],
        ),
        (
            "TKM",
            "AFG",
            ["the trajectory", "distance to the target", "goods", "the article's claims C1–C3"],
        ),
    ],
)
def test_on_the_committed_data_the_test_pairs_lack_the_other_pairs_material(
    tables, reporter, partner, expected
):
    values = {"reporter": reporter, "partner": partner, "goods": ["1101", "1001", "grain"]}
    assert _parts(applicability.notebook_parts("01_trade_trajectory", values, tables)) == expected


# ---------------------------------------------------------------------------------------------
# Shipment


def test_a_shipment_with_its_own_figure_and_a_covering_total_has_every_part():
    observations = _observations(
        _row("KAZ", "AFG", commodity="8602", start="2023-01", end="2023-01"),
        _row("KAZ", "AFG", start="2023-01", end="2023-12"),
    )
    parts = ev.applicable_parts(observations, "KAZ", "AFG", event_month="2023-01", hs_code="8602")
    assert parts == []


def test_a_shipment_outside_every_published_period_has_no_aggregate():
    observations = _observations(_row("KAZ", "AFG", start="2022-01", end="2022-12"))
    parts = ev.applicable_parts(observations, "KAZ", "AFG", event_month="2023-01", hs_code="8602")
    assert _parts(parts) == [
        "the shipment in the published record",
        "shares of the aggregates and the change on the year before",
    ]


def test_a_mirror_total_covering_the_month_counts_as_an_aggregate():
    observations = _observations(_row("AFG", "KAZ", start="2023-01", end="2023-06"))
    parts = ev.applicable_parts(observations, "KAZ", "AFG", event_month="2023-03", hs_code="8602")
    assert "shares of the aggregates and the change on the year before" not in _parts(parts)


@pytest.mark.parametrize(
    ("reporter", "hs_code", "applies"),
    [("KAZ", "8602", True), ("UZB", "8602", False), ("KAZ", "8601", False)],
)
def test_plausibility_applies_only_to_the_sourced_makers_locomotives(reporter, hs_code, applies):
    assert ev.plausibility_applies(reporter, hs_code) is applies
    observations = _observations(_row(reporter, "PAK", start="2023-01", end="2023-12"))
    parts = ev.applicable_parts(
        observations, reporter, "PAK", event_month="2023-01", hs_code=hs_code
    )
    assert ("is the figure plausible?" not in _parts(parts)) is applies


def test_the_shipment_parts_on_the_committed_data(tables):
    values = {"reporter": "UZB", "partner": "AFG", "event_month": "2023-01", "hs_code": "8602"}
    assert _parts(applicability.notebook_parts("02_locomotive_effect", values, tables)) == [
        "the shipment in the published record",
        "is the figure plausible?",
        "the article's claims C4 and C5",
    ]
    default = {**values, "reporter": "KAZ"}
    assert applicability.notebook_parts("02_locomotive_effect", default, tables) == []


def test_a_notebook_without_pair_parameters_has_no_parts(tables):
    assert applicability.notebook_parts("03_risk_assessment", {"seed": 1}, tables) == []
    assert applicability.parts_by_job([("00_data_audit", {})], paths.data_dir()) == [[]]


def test_the_dry_run_lists_the_parts_that_do_not_apply_under_each_job(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--dry-run", "--reports-dir", str(tmp_path),
         "-p", "partner", "PAK", "01", "02"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    trajectory = next(i for i, line in enumerate(lines) if "01_trade_trajectory" in line)
    shipment = next(i for i, line in enumerate(lines) if "02_locomotive_effect" in line)
    under_trajectory = "\n".join(lines[trajectory + 1 : shipment])
    assert "not applicable: distance to the target" in under_trajectory
    assert "not applicable: the article's claims C1–C3" in under_trajectory
    assert "not applicable: the article's claims C4 and C5" in "\n".join(lines[shipment + 1 :])
    assert not list(tmp_path.iterdir())  # a dry run writes nothing
