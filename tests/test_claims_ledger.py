"""The claims ledger framework: every claim gets a row; registered checks decide verdicts."""

import re
import types
from pathlib import Path

import pytest

from kzaf import claim_checks, claims, data


@pytest.fixture(scope="module")
def tables():
    return data.load()


def test_every_claim_gets_a_row_with_a_known_verdict(tables):
    ledger = claim_checks.evaluate(tables)
    assert list(ledger["claim_id"]) == [f"C{i}" for i in range(1, 15)]
    assert set(ledger["verdict"]) <= {str(v) for v in claims.Verdict}
    assert ledger["evidence"].str.len().min() > 0


def test_the_check_the_caller_hands_over_decides_its_claim(tables):
    # Only the fixture check below exists: the ledger imports no check of its own.
    @claims.check("C14")
    def fake(tables, options):
        return claims.ClaimResult(
            "C14", claims.Verdict.CONTRADICTED, f"fixture check, tolerance {options['tol']}"
        )

    checks = {"C14": fake}
    ledger = claims.evaluate(tables, ["C14", "C13"], options={"tol": 0.1}, checks=checks)
    assert ledger.loc[0, "verdict"] == "contradicted"
    assert ledger.loc[0, "evidence"] == "fixture check, tolerance 0.1"
    assert ledger.loc[1, "verdict"] == "not testable with current data"  # no check handed over


def test_unknown_claim_is_an_error(tables):
    with pytest.raises(ValueError, match=r"unknown claim id\(s\) \['C99'\]"):
        claims.evaluate(tables, ["C99"], checks={})


# --- the one rule -------------------------------------------------------------------------------

V = claims.Verdict
C, W, X, N = V.CONFIRMED, V.WITHIN_TOLERANCE, V.CONTRADICTED, V.NOT_TESTABLE


@pytest.mark.parametrize(
    ("parts", "verdict"),
    [
        ([C], C),
        ([C, C], C),
        ([C, W], W),
        ([W], W),
        ([C, X], V.PARTLY),  # "less than a month" wrong, the month right
        ([X, C], V.PARTLY),  # the first half wrong, the second right: the same verdict
        ([W, X, N], V.PARTLY),
        ([X], X),
        ([X, N], X),
        ([C, N], V.WHERE_TESTABLE),
        ([W, N], V.WHERE_TESTABLE),
        ([N, N], N),
        ([], N),
    ],
)
def test_claim_verdict_follows_the_written_rule(parts, verdict):
    assert claims.claim_verdict(parts) is verdict


S = V.SELF_SOURCED


@pytest.mark.parametrize(
    ("parts", "verdict"),
    [
        ([S], S),  # only the article's own figure: it cannot confirm itself
        ([S, N], N),
        ([C, S], V.WHERE_TESTABLE),
        ([X, S], X),
        ([C, X, S], V.PARTLY),
    ],
)
def test_a_self_sourced_part_is_never_confirmed(parts, verdict):
    assert claims.claim_verdict(parts) is verdict


def test_a_repeated_part_is_counted_under_the_claim_that_first_makes_it():
    own = claims.Part("fixture: the office closed", C, "fixture")
    repeat = claims.Part("fixture: the city", X, "fixture", restates="C6.3")
    assert claims.claim_verdict([own, repeat]) is C
    assert claims.claim_verdict([{"verdict": "confirmed"}, {"verdict": X, "restates": "C6.3"}]) is C
    assert claims.claim_verdict([repeat]) is X  # nothing else to go on
    result = claims.from_parts("C14", [own, repeat])
    assert result.verdict is C and "the same as C6 (c), counted there" in result.evidence


def test_the_ledger_attaches_each_parts_words_and_repeats_from_the_claims_table(tables):
    """The words and the repeat link come from data/claims.csv, matched by position."""
    fixture_claims = tables.claims.copy()
    row = fixture_claims["claim_id"] == "C14"
    fixture_claims.loc[row, "wording"] = "fixture a | fixture b | fixture c"
    fixture_claims.loc[row, "restates"] = "2:C6.1"
    fixture = data.Tables({**tables.frames, "claims": fixture_claims}, {}, tables.directory)
    parts = claim_checks.evaluate(fixture, ["C14"]).loc[0, "parts"]
    assert [p["wording"] for p in parts] == ["fixture a", "fixture b", "fixture c"]
    assert [p["restates"] for p in parts] == ["", "C6.1", ""]


def test_a_repeat_judged_differently_from_its_original_is_an_error(tables):
    fixture_claims = tables.claims.copy()
    fixture_claims.loc[fixture_claims["claim_id"] == "C14", "restates"] = "1:C6.3"
    fixture = data.Tables({**tables.frames, "claims": fixture_claims}, {}, tables.directory)
    with pytest.raises(ValueError, match=r"repeats C6\.3"):
        claim_checks.evaluate(fixture, ["C6", "C14"])


def test_a_mixed_claim_is_never_confirmed_within_tolerance():
    for holding in (C, W):
        assert claims.claim_verdict([holding, X]) is V.PARTLY


def test_claim_verdicts_are_not_part_verdicts():
    with pytest.raises(ValueError, match="a part cannot be"):
        claims.Part("x", V.PARTLY, "fixture")
    with pytest.raises(ValueError, match="claim's verdict, not a part's"):
        claims.claim_verdict([V.WHERE_TESTABLE])
    with pytest.raises(ValueError, match="does not follow from its parts"):
        claims.ClaimResult("C1", V.CONFIRMED, "", parts=(claims.Part("x", X, "fixture"),))
    with pytest.raises(ValueError, match="unknown measure"):
        claims.Part("x", C, "fixture", "weight")


def test_every_claim_on_the_data_gets_its_verdict_from_its_parts(tables):
    ledger = claim_checks.evaluate(tables)
    for row in ledger.to_dict("records"):
        assert row["parts"], row["claim_id"]
        derived = claims.claim_verdict(row["parts"])
        assert row["verdict"] == derived, row["claim_id"]
        for part in row["parts"]:
            assert part["verdict"] in {str(v) for v in claims.PART_VERDICTS}
            assert part["evidence"]


def test_the_project_ledger(tables):
    """Every verdict on the committed data (the reviews' cases are C3, C5, C6, C7, C9, C10,
    C13 and C14); a change here is a finding and belongs in the change log."""
    ledger = claim_checks.evaluate(tables).set_index("claim_id")["verdict"].to_dict()
    assert ledger == {
        "C1": "confirmed",
        "C2": "confirmed within tolerance",
        "C3": "partly confirmed",  # eleven months above every full year: contradicted
        "C4": "not testable with current data",
        "C5": "not testable (self-sourced)",  # the shipment's value is the article's own
        "C6": "partly confirmed",
        "C7": "partly confirmed",
        "C8": "confirmed where testable",
        "C9": "partly confirmed",
        "C10": "confirmed",  # what the CSTO said, against the CSTO's statements
        "C11": "confirmed",
        "C12": "partly confirmed",
        "C13": "partly confirmed",
        "C14": "confirmed",  # its city is C6's error, counted once, under C6
    }


def test_one_error_is_counted_once(tables):
    """The trading house's city is wrong in C6 and again in C14: one error. C14's part shows
    the verdict and says where it is counted; only C6's verdict carries it."""
    ledger = claim_checks.evaluate(tables).set_index("claim_id")
    c6, c14 = ledger.loc["C6", "parts"], ledger.loc["C14", "parts"]
    assert c14[2]["restates"] == "C6.3" and c14[2]["verdict"] == c6[2]["verdict"] == "contradicted"
    assert "the same as C6 (c), counted there" in ledger.loc["C14", "evidence"]
    contradicted = [
        (cid, p["part"])
        for cid, row in ledger.iterrows()
        for p in row["parts"]
        if p["verdict"] == "contradicted" and not p["restates"]
    ]
    assert sum(part == c6[2]["part"] for _, part in contradicted) == 1


def test_every_part_quotes_the_claim_words_it_tests(tables):
    ledger = claim_checks.evaluate(tables).set_index("claim_id")
    for row in tables.claims.itertuples():
        words = f"{row.statement} {row.article_figures}"
        for part in ledger.loc[row.claim_id, "parts"]:
            assert part["wording"] and part["wording"] in words, (row.claim_id, part["part"])


# --- the data's wording agrees with the code -------------------------------------------------


def test_the_parts_in_claims_csv_are_the_parts_the_code_judges(tables):
    ledger = claim_checks.evaluate(tables).set_index("claim_id")
    for row in tables.claims.itertuples():
        written = [p.strip() for p in row.parts.split("|")]
        judged = [p["part"] for p in ledger.loc[row.claim_id, "parts"]]
        assert written == judged, row.claim_id


def test_test_methods_name_no_verdict_and_the_tolerances_the_code_uses(tables):
    """The test_method column says what each part is set against; the verdict is the rule's,
    so no method may name one, and every tolerance it states is the one the code applies."""
    from kzaf import series
    from kzaf.claim_checks import events, locomotive, trade

    percent = {
        "C1": trade.DEFAULT_TOLERANCE,
        "C2": trade.DEFAULT_DOUBLING_TOLERANCE,
        "C5": locomotive.C5_TOLERANCE,
        "C9": series.ONE_DIGIT_TOLERANCE,
        "C10": series.ONE_DIGIT_TOLERANCE,
    }
    ledger = claim_checks.evaluate(tables).set_index("claim_id")
    for row in tables.claims.itertuples():
        method = row.test_method.lower()
        for word in ("confirm", "contradict", "tolerance", "testable"):
            assert word not in method, (row.claim_id, word)
        stated = {int(p) for p in re.findall(r"(\d+)%", row.test_method) if p != "30"}
        expected = {round(percent[row.claim_id] * 100)} if row.claim_id in percent else set()
        assert stated == expected, row.claim_id
        used = " ".join(p["tolerance"] for p in ledger.loc[row.claim_id, "parts"])
        for value in stated:
            assert f"{value}%" in used, (row.claim_id, value)
    c7 = tables.claims.set_index("claim_id").loc["C7", "test_method"]
    assert f"{events.LESS_THAN_A_MONTH_DAYS} days" in c7


def test_the_rule_in_data_readme_is_the_rule_in_code():
    readme = (Path(__file__).parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    assert claims.rule_markdown() in readme


def test_every_claim_has_its_one_check_in_the_wiring(tables):
    """CHECKS collects the marked checks of every topic module; a check left out would read
    as not testable, and two checks of one claim are an error."""
    assert set(claim_checks.CHECKS) == set(tables.claims["claim_id"])
    assert all(c.claim_id == claim_id for claim_id, c in claim_checks.CHECKS.items())
    twin = types.ModuleType("twin")
    twin.again = claims.check("C1")(lambda tables, options: None)
    with pytest.raises(ValueError, match="claim C1 has two checks"):
        claims.checks_in(claim_checks.trade, twin)
