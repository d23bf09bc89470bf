"""Other country pairs: the trajectory and locomotive notebooks run for Uzbekistan–Afghanistan,
Kazakhstan–Pakistan and Turkmenistan–Afghanistan; each page is titled for its pair, its key
points name only the pair's countries, and the Kazakh–Afghan trade target is not applied."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.notebook

PAIRS = {"uzb_afg": ("UZB", "AFG"), "kaz_pak": ("KAZ", "PAK"), "tkm_afg": ("TKM", "AFG")}
NAMES = {
    "KAZ": "Kazakhstan",
    "AFG": "Afghanistan",
    "UZB": "Uzbekistan",
    "PAK": "Pakistan",
    "TKM": "Turkmenistan",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pairs")
    sets = "".join(
        f"  {name}:\n    notebooks: ['01', '02']\n    parameters: {{reporter: {r}, partner: {p}}}\n"
        for name, (r, p) in PAIRS.items()
    )
    run_file = root / "pairs.yaml"
    run_file.write_text(f"output: reports\nsets:\n{sets}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--run-file", str(run_file)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return (root / "reports" / "latest").resolve()


def _result(run, name, stem):
    return json.loads((run / name / stem / "result.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAIRS)
def test_each_pair_runs_and_its_pages_speak_of_that_pair(run, name):
    reporter, partner = (NAMES[c] for c in PAIRS[name])
    others = set(NAMES.values()) - {reporter, partner}
    trajectory = _result(run, name, "01_trade_trajectory")
    assert trajectory["status"] == "ok"
    assert trajectory["title"] == f"The trajectory of {reporter}–{partner} trade"
    (points,) = trajectory["key_points"]
    text = " ".join(points["points"])
    assert reporter in text and partner in text
    assert not any(country in text for country in others), text
    page = (run / name / "01_trade_trajectory" / "01_trade_trajectory.html").read_text("utf-8")
    assert f"The trajectory of {reporter}–{partner} trade" in page
    if {reporter, partner} != {"Kazakhstan", "Afghanistan"}:
        assert "no target is published for" in page
    locomotive = _result(run, name, "02_locomotive_effect")
    assert locomotive["status"] == "ok"
    assert f"from {reporter} to {partner}" in locomotive["title"]
