"""The reader's short answer: sentences follow the annual table, for any pair."""

import nbformat
import pandas as pd
import pytest

from kzaf import event as ev
from kzaf import trajectory as tr
from kzaf.paths import NOTEBOOKS_DIR
from kzaf.report import KEY_POINTS_MIME


def _annual(
    values: dict[int, tuple[float, float, float]], conflicts: tuple[int, ...] = ()
) -> pd.DataFrame:
    """A FIXTURE annual table: year -> (preferred, min, max), one flow; ``conflicts``: years
    whose figures differ beyond rounding."""
    rows = [
        {"flow": "turnover", "year": y, "n_figures": 2, "n_sources": 2, "preferred_value": p,
         "value_min": lo, "value_max": hi, "spread_pct": (hi - lo) / p,
         "conflict": y in conflicts}
        for y, (p, lo, hi) in values.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_key_points_tell_the_rise_and_the_fall_and_the_disagreement():
    values = {2021: (100, 100, 100), 2022: (200, 200, 210), 2023: (120, 110, 120)}
    points = tr.key_points(_annual(values, conflicts=(2023,)), flow="turnover",
                           reporter_name="A", partner_name="B")  # fmt: skip
    assert 3 <= len(points) <= 5
    assert points[0].startswith("Turnover between A and B peaked at $200 million in 2022")
    assert points[1] == "It rose 100% from 2021 to 2022 and fell 40% from 2022 to 2023."
    # "Disagree" means beyond rounding, as on the data audit page: 2022's spread is not one.
    assert any("Sources disagree beyond rounding in 1 of 3 years; in 2023" in p for p in points)
    assert points[-1].startswith("Caveat:")  # the page's largest caveat is always kept


def test_differences_within_rounding_are_not_called_disagreement():
    values = {2021: (100, 100, 100), 2022: (200, 200, 210), 2023: (120, 110, 120)}
    points = tr.key_points(_annual(values), flow="turnover", reporter_name="A", partner_name="B")
    assert not any("disagree" in p for p in points)
    assert any("differ only within their rounding" in p for p in points)


def test_key_points_for_a_pair_with_one_year_say_no_trend():
    points = tr.key_points(
        _annual({2025: (250, 250, 250)}), flow="turnover", reporter_name="A", partner_name="C"
    )
    assert "the only full year with a published figure, 2025" in points[0]
    assert any("no trend is estimated" in p for p in points)


def test_target_applies_to_the_pair_that_set_it_only():
    assert tr.target_applies("KAZ", "AFG") and tr.target_applies("AFG", "KAZ")
    assert not tr.target_applies("KAZ", "PAK")
    assert "Kazakhstan–Pakistan" in tr.target_not_applicable("Kazakhstan–Pakistan")


def test_page_title_names_the_pair_in_the_parameters():
    names = {"KAZ": "Kazakhstan", "AFG": "Afghanistan", "UZB": "Uzbekistan"}
    article = ev.event_from("2023-01", 133.8, "8602", reporter="KAZ", partner="AFG")
    other = ev.event_from("2024-03", 10.0, "1101", reporter="UZB", partner="AFG")
    assert ev.page_title(article, names) == (
        "What the January 2023 locomotive shipment did to the numbers"
    )
    assert "Uzbekistan to Afghanistan" in ev.page_title(other, names)
    assert "Kazakhstan" not in ev.page_title(other, names)


# Each page's largest caveat, as its short answer must carry it (phrases from the generated
# sentences; a new notebook must add its own here).
CAVEATS = {
    "00_data_audit": ("comes from a statistical table",),
    "01_trade_trajectory": ("Caveat:", "too few to tell growth from decline"),
    "02_locomotive_effect": ("no statistical table does",),
    "03_risk_assessment": ("not measurements", "cannot tell growth from decline"),
    "04_methods": ("no row here measures",),
}


@pytest.mark.parametrize(
    "path", sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_every_short_answer_carries_its_pages_largest_caveat(path):
    notebook = nbformat.read(path, as_version=4)
    (points,) = [
        o["data"][KEY_POINTS_MIME]["points"]
        for c in notebook.cells
        for o in c.get("outputs", [])
        if KEY_POINTS_MIME in o.get("data", {})
    ]
    assert 3 <= len(points) <= 5
    text = " ".join(points)
    assert path.stem in CAVEATS, f"{path.stem}: name the page's largest caveat in CAVEATS"
    for phrase in CAVEATS[path.stem]:
        assert phrase in text, f"{path.stem}'s short answer lacks its caveat: {phrase!r}"
