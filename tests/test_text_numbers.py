"""Every number a reader sees is formatted by kzaf.text.numbers (one place to change)."""

import math

import pytest

from kzaf.text import numbers


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (numbers.fmt_plain, 987.94, "987.9"),
        (numbers.fmt_plain, 1000.0, "1,000"),
        (numbers.fmt_fixed, 1.94, "1.9"),
        (numbers.fmt_general, 1800.0, "1800"),
        (numbers.fmt_general, 149.10, "149.1"),
        (numbers.fmt_significant, 0.0123, "0.012"),
        (numbers.fmt_level, 0.1, "90%"),
        (numbers.fmt_whole, 10_400.6, "10,401"),
        (numbers.fmt_usd_short, 987.9, "$987.9M"),
        (numbers.fmt_usd_short, 12_400.0, "$12.4bn"),
        (numbers.fmt_pct_change, 0.083, "+8.3%"),
        (numbers.fmt_pct, 0.5, "50.0%"),
        (numbers.fmt_number, 133.8, "133.8"),
        (numbers.fmt_number, 42.0, "42"),
        (numbers.fmt_number, 3.90, "3.9"),
        (numbers.fmt_usd_m, 987.9, "$987.9 million"),
        (numbers.fmt_usd_m, 545.0, "$545 million"),
        (numbers.fmt_usd_m, 3000.0, "$3.0 billion"),
        (numbers.fmt_usd_m, math.nan, "–"),
        (numbers.fmt_signed, -3.0, "−3"),
        (numbers.fmt_p_value, 0.0004, "below 0.001"),
    ],
)
def test_numbers_read_as_intended(function, value, expected):
    assert function(value) == expected


@pytest.mark.parametrize(
    "function",
    [
        numbers.fmt_usd_m,
        numbers.fmt_fixed,
        numbers.fmt_general,
        numbers.fmt_significant,
        numbers.fmt_number,
        numbers.fmt_signed,
        numbers.fmt_p_value,
        numbers.fmt_plain,
        numbers.fmt_whole,
        numbers.fmt_pct_change,
        numbers.fmt_pct,
    ],
)
@pytest.mark.parametrize("missing", [None, math.nan, math.inf])
def test_a_missing_value_reads_as_one_mark_everywhere(function, missing):
    assert function(missing) == numbers.MISSING == "–"


def test_fixed_and_percent_forms_take_sign_separators_and_decimals():
    assert numbers.fmt_fixed(1234.56, 1, thousands=True) == "1,234.6"
    assert numbers.fmt_fixed(-0.25, 2, signed=True) == "−0.25"
    assert numbers.fmt_fixed(2.0, 0, signed=True) == "+2"
    assert numbers.fmt_pct(0.426, 0, signed=True) == "+43%"
    assert numbers.fmt_pct(-0.426, 0, signed=True) == "−43%"


def test_ranges_collapse_when_both_ends_print_the_same():
    assert numbers.fmt_range(3.9, 4.8) == "3.9–4.8"
    assert numbers.fmt_range(100.02, 100.04) == "100.0"
    assert numbers.fmt_pct_range(0.19, 0.34) == "19% to 34%"
    assert numbers.fmt_pct_range(-0.43, -0.43, signed=True) == "−43%"
    assert numbers.fmt_span(545.2, 567.5) == "$545.2M to $567.5M"
    assert numbers.fmt_span(545.0, 545.0) == "$545M"


def test_negative_numbers_carry_a_minus_sign_not_a_hyphen():
    assert numbers.fmt_usd_m(-12.5) == "−$12.5 million"
    assert numbers.fmt_number(-0.5) == "−0.5" and numbers.fmt_general(-3.0) == "−3"
    assert numbers.fmt_pct_change(-0.4262) == "−42.6%"
    assert numbers.fmt_significant(1.5e-05) == "1.5e-05"  # an exponent's sign is not a minus
