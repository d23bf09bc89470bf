"""The claims ledger framework: every claim gets a row; registered checks decide verdicts."""

import pytest

from kzaf import claims, data


@pytest.fixture(scope="module")
def tables():
    return data.load()


def test_every_claim_gets_a_row_with_a_known_verdict(tables):
    ledger = claims.evaluate(tables)
    assert list(ledger["claim_id"]) == [f"C{i}" for i in range(1, 15)]
    assert set(ledger["verdict"]) <= {str(v) for v in claims.Verdict}
    assert ledger["evidence"].str.len().min() > 0


def test_a_registered_check_decides_its_claim(tables, monkeypatch):
    # An empty registry that imports no topic modules: only the fixture check below exists.
    monkeypatch.setattr(claims, "_CHECKS", {})
    monkeypatch.setattr(claims, "CHECK_MODULES", ())

    @claims.check("C14")
    def fake(tables, options):
        return claims.ClaimResult(
            "C14", claims.Verdict.CONTRADICTED, f"fixture check, tolerance {options['tol']}"
        )

    ledger = claims.evaluate(tables, ["C14"], options={"tol": 0.1})
    assert ledger.loc[0, "verdict"] == "contradicted"
    assert ledger.loc[0, "evidence"] == "fixture check, tolerance 0.1"


def test_unknown_claim_is_an_error(tables):
    with pytest.raises(ValueError, match=r"unknown claim id\(s\) \['C99'\]"):
        claims.evaluate(tables, ["C99"])
