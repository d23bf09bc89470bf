"""The judgements the browser check makes of a rendered page (kzaf.runner.site.reading),
tested on hand-made inputs so each can be seen to fail."""

from __future__ import annotations

import pytest

from kzaf.runner.site.reading import (
    codes_in,
    overlapping,
    rendered_text_px,
    style_problems,
    svg_text,
)
from kzaf.text import words


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the event EV-E003 says", "record id"),
        ("see IC-017", "record id"),
        ("uaf-2025-04-23-kabul-exhibition", "source id"),
        ("diplomat-2024-02-evolving-policy", "source id"),
        ("R8 ranks first", "risk or claim code"),
        ("claims C1–C3", "risk or claim code"),
        ("column components_gap shows", "snake_case name"),
        ("4 year(s) of figures", "'(s)' plural"),
        ("it fell -42.6%", "hyphen-minus before a number"),
        ("read from data/events.csv", "file path"),
        ("the ledger (kzaf.claims)", "module name"),
        ("KAZ→AFG aggregates", "country code"),
    ],
)
def test_each_kind_of_code_is_found(text, kind):
    assert kind in {k for k, _ in codes_in([text], ["KAZ", "AFG"])}


@pytest.mark.parametrize(
    "text",
    [
        "Kazakhstan's trade fell 42.6% (−42.6%) from 2022 to 2023, in 2005–2020 and COVID-19.",
        "Run 20261205T112837.421Z-760f33, claim 3, HS 8602, first half of 2023.",
    ],
)
def test_words_are_not_codes(text):
    assert codes_in([text], ["KAZ", "AFG"]) == []


def test_style_is_judged_from_the_computed_values():
    good = {"family": 'Charter, "DejaVu Serif", serif', "size": 17, "line_height": 26.35,
            "measure": 70}  # fmt: skip
    assert style_problems(good, 1280) == []
    default = {"family": '"Times New Roman"', "size": 16, "line_height": None, "measure": 110}
    problems = " ".join(style_problems(default, 1280))
    assert "default" in problems and "line height" in problems and "110 characters" in problems
    assert "under 16px" in " ".join(style_problems({**good, "size": 14}, 390))


def test_chart_text_size_as_shown_follows_the_drawing_width():
    svg = (
        '<svg width="480pt" viewBox="0 0 480 300"><text style="font-size: 11px">a</text>'
        '<text style="font-size: 13px; font-family: x">b</text></svg>'
    )
    assert svg_text(svg) == (480.0, [11.0, 13.0])
    assert rendered_text_px(svg, 480) == pytest.approx(11.0)
    assert rendered_text_px(svg, 358) == pytest.approx(11 * 358 / 480)  # shrunk: 8.2 px


def test_overlapping_labels_are_pairs_whose_boxes_share_area():
    labels = [("R2", (0, 0, 20, 10)), ("R3", (5, 2, 20, 10)), ("far", (100, 0, 20, 10))]
    assert overlapping(labels) == [("R2", "R3")]
    assert overlapping([("a", (0, 0, 20, 10)), ("b", (19.5, 0, 20, 10))]) == []


def test_words_for_readers():
    assert words.words("at_least") == "at least" and words.words("KAZ") == "Kazakhstan"
    assert words.words("C12") == "claim 12"
    assert words.words_in("The article's claims C4 and C5; Claims C9–C12; (C9)") == (
        "The article's claims 4 and 5; Claims 9–12; (claim 9)"
    )
    assert words.date_words("2023-04-17") == "17 April 2023"
    assert words.date_words("2024-02") == "February 2024"
    assert words.count(1, "year") == "1 year" and words.count(4, "country") == "4 countries"
    assert words.enumeration(["A", "B", "C"]) == "A, B and C"
    assert words.minus("fell -42.6% in 2005-2020") == "fell −42.6% in 2005-2020"
    assert words.plurals("13 published figure(s), 1 pair(s)") == "13 published figures, 1 pair"
    assert words.words_in("lkz_astana_plant") == "LKZ Astana plant"
    assert words.words_in("(production, lkz astana plant), kaz locomotives; we are") == (
        "(production, LKZ Astana plant), Kazakhstan locomotives; we are"
    )
    assert words.words_in("(torkham) uaf-2025-04-23-kabul-x") == "(Torkham) uaf-2025-04-23-kabul-x"
    assert words.words_in("dated 2023-12 (2 records), 2024-06-03") == (
        "dated December 2023 (2 records), 3 June 2024"
    )


def test_tables_with_the_same_columns_get_distinct_region_names():
    from kzaf.runner.site.pages import unique_region_labels
    from kzaf.text.tables import scroll_label

    label = scroll_label(["estimator", "used on", "measure", "a", "b"])
    wrap = f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">'
    other = '<div class="table-wrap" tabindex="0" role="region" aria-label="Table of year">'
    # as the sanitizer leaves it: attributes in alphabetical order
    sorted_wrap = f'<div aria-label="{label}" class="table-wrap" role="region" tabindex="0">'
    body = unique_region_labels(wrap + other + sorted_wrap + wrap)
    assert body.count(f'aria-label="{label}"') == 1
    assert f'aria-label="{label}, second table"' in body
    assert f'aria-label="{label}, third table"' in body
    assert 'aria-label="Table of year"' in body


def test_positions_in_words():
    assert [words.ordinal(n) for n in (1, 2, 9)] == ["first", "second", "ninth"]
    assert [words.ordinal(n) for n in (10, 11, 12, 13, 21, 22, 23, 101, 112)] == [
        "10th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "112th",
    ]
