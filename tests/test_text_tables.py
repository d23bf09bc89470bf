"""Reader tables: words and units in headers, no row numbers, "–" for missing, years as years,
numbers that fit, at most seven columns with the whole table as CSV; all text escaped."""

import math

import pandas as pd
import pytest

from kzaf.text import sanitize_html
from kzaf.text.tables import cell, header, reader_table


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("preferred_usd_m", "preferred (USD million)"),
        ("growth_pct", "growth (%)"),
        ("period_label", "period"),
        ("n_sources", "sources"),
        ("obs_id", "record"),
        ("KAZ (reported by AFG)", "Kazakhstan (reported by Afghanistan)"),
    ],
)
def test_headers_read_as_words_with_units(name, expected):
    assert header(name) == expected


@pytest.mark.parametrize(
    ("value", "year", "expected"),
    [
        (None, False, "–"),
        (math.nan, False, "–"),
        (pd.NaT, False, "–"),
        (math.inf, False, "–"),
        (2061.0, True, "2061"),
        (6000.0, False, "6,000"),
        (1.219134, False, "1.22"),
        (987.94, False, "987.9"),
        (0.0123, False, "0.0123"),
        (True, False, "yes"),
    ],
)
def test_cells_fit_what_they_hold(value, year, expected):
    assert cell(value, year) == expected


def test_table_has_no_index_and_at_most_seven_columns_and_a_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("KZAF_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({f"c{i}": [1.5, None] for i in range(9)} | {"year": [2021.0, 2022.0]})
    html = reader_table(frame)
    assert html.count("</th>") == 7 and "<th></th>" not in html
    assert "3 more columns in the full table" in html
    (csv,) = (tmp_path / "figures").glob("table-*.csv")
    assert pd.read_csv(csv).shape == (2, 10)
    assert 'href="figures/' in html


def test_without_a_folder_a_small_full_table_rides_in_the_output(tmp_path, monkeypatch):
    import base64

    monkeypatch.delenv("KZAF_FIGURES_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    html = reader_table(pd.DataFrame({f"c{i}": [1.5] for i in range(9)}))
    assert list(tmp_path.iterdir()) == []
    encoded = html.split('href="data:text/csv;base64,')[1].split('"')[0]
    assert base64.b64decode(encoded).decode("utf-8").startswith('"c0","c1",')
    big = pd.DataFrame({"text": ["x" * 100] * 1000})
    assert "full table (CSV)" not in reader_table(big)


def test_table_text_is_escaped():
    html = reader_table(pd.DataFrame({"<b>": ["<script>alert(1)</script>"]}), download=False)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_sanitizer_drops_style_blocks_instead_of_showing_them():
    table = "<table><tr><td>1</td></tr></table>"
    clean = sanitize_html("<style scoped>.x { color: red }</style>" + table)
    assert "style" not in clean and "color" not in clean and "<td>1</td>" in clean


def test_a_long_table_is_folded_with_its_row_count():
    html = reader_table(pd.DataFrame({"year": list(range(2000, 2020))}), download=False)
    assert html.startswith("<details><summary>Show the table (20 rows)</summary>")
    assert "<details>" not in reader_table(pd.DataFrame({"year": [2020]}), download=False)


def test_a_table_box_is_named_and_keyboard_scrollable_and_survives_the_sanitizer():
    html = reader_table(pd.DataFrame({"flow": ["turnover"], "value_usd_m": [1.5]}), download=False)
    clean = sanitize_html(html)
    assert '<div class="table-wrap" tabindex="0" role="region"' in clean
    assert 'aria-label="Table of flow, value (USD million)"' in clean


def test_the_sanitizer_keeps_a_phone_drawing_but_no_other_attribute_values():
    kept = sanitize_html(
        '<picture><source media="(max-width: 640px)" srcset="figures/a.phone.svg">'
        '<img src="figures/a.svg" alt="a"></picture>'
    )
    assert 'srcset="figures/a.phone.svg"' in kept and 'media="(max-width: 640px)"' in kept
    hostile = sanitize_html(
        '<picture><source media="print" srcset="https://example.org/x.svg 2x">'
        '<img src="figures/a.svg" alt="a"></picture>'
        '<div tabindex="-1" role="button" onclick="x()" aria-label="ok">t</div>'
    )
    assert "example.org" not in hostile and "print" not in hostile
    assert "tabindex" not in hostile and "button" not in hostile and "onclick" not in hostile
    assert 'aria-label="ok"' in hostile


def test_cells_and_headers_speak_words_not_codes():
    import kzaf.risk.risks  # noqa: F401  (names the risks' ids for readers)

    frame = pd.DataFrame(
        {
            "risk_id": ["R3"],
            "name": ["Pakistan–Afghanistan border conflict"],
            "kind": ["government_statement"],
            "note": ["4 year(s) at -42.6%, KAZ-reported"],
            "change": [-0.5],
        }
    )
    html = reader_table(frame, download=False)
    assert ">R3<" not in html and html.count("Pakistan–Afghanistan border conflict") == 1
    assert "government statement" in html and "4 years at −42.6%, Kazakhstan-reported" in html
    assert "−0.5" in html and "-0.5" not in html
