"""Sweeps: grid expansion, checks of every set before anything runs, the comparison page."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sweep_fixtures import pair_notebook

from kzaf import cli
from kzaf.parameters.values import Assignments, Given
from kzaf.runner import run
from kzaf.runner.errors import PlanError
from kzaf.runner.plan import sweep
from kzaf.runner.plan.run_files import read_run_file
from kzaf.runner.plan.sets import SET_NAME, ParameterSet
from kzaf.runner.site import compare

pytestmark = pytest.mark.integration  # starts processes: not in test-quick

# ---------------------------------------------------------------------------------------------
# Expansion


def test_grid_option_splits_values_but_not_inside_brackets():
    axis = sweep.parse_grid_option("peers=[KAZ,UZB],[TKM]")
    assert axis.name == "peers" and [g.value for g in axis.values] == ["[KAZ,UZB]", "[TKM]"]
    assert all(g.text and g.source == "--grid" for g in axis.values)
    assert sweep.parse_grid_option("01:reporter=UZB").parameter == "reporter"


@pytest.mark.parametrize("text", ["reporter", "=KAZ", "reporter=KAZ,", "reporter=KAZ,,UZB"])
def test_bad_grid_option_is_named(text):
    with pytest.raises(PlanError, match=re.escape(repr(text))):
        sweep.parse_grid_option(text)


def test_expand_crosses_every_value_first_axis_slowest():
    axes = [
        sweep.parse_grid_option("partner=AFG,PAK"),
        sweep.parse_grid_option("reporter=KAZ,UZB,TKM"),
    ]
    sets = sweep.expand(axes)
    assert [s.name for s in sets] == [
        f"partner-{p}_reporter-{r}" for p in ("AFG", "PAK") for r in ("KAZ", "UZB", "TKM")
    ]
    assert all(s.notebooks is None for s in sets)
    assert sets[4].assignments.common["partner"].value == "PAK"
    assert sets[4].assignments.common["reporter"].value == "UZB"
    assert sweep.swept(sets)[sets[0].name] == {"partner": "AFG", "reporter": "KAZ"}


def test_expand_crosses_run_file_sets_and_keeps_their_values():
    base = [
        ParameterSet("default", None),
        ParameterSet("late", ["01"], Assignments({"start_year": Given(2020, "f")})),
    ]
    sets = sweep.expand([sweep.parse_grid_option("01:reporter=KAZ,UZB")], base)
    assert [s.name for s in sets] == [
        "reporter-KAZ", "reporter-UZB", "late.reporter-KAZ", "late.reporter-UZB",
    ]  # fmt: skip
    assert sets[2].notebooks == ["01"]
    assert sets[2].assignments.common["start_year"].value == 2020
    assert sets[3].assignments.per_notebook["01"]["reporter"].value == "UZB"


def test_expand_names_are_safe_and_unique_for_hostile_values():
    axis = sweep.Axis("note", (Given("a b", "t"), Given("a-b", "t"), Given("<x>/..", "t")))
    names = [s.name for s in sweep.expand([axis])]
    assert names == ["note-a-b", "note-a-b.2", "note-x"]
    assert all(SET_NAME.match(n) for n in names)


def test_expand_refuses_a_parameter_swept_twice():
    axis = sweep.parse_grid_option("reporter=KAZ")
    with pytest.raises(PlanError, match="swept twice"):
        sweep.expand([axis, axis])


def test_run_file_grid_is_read_and_checked(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("grid:\n  reporter: [KAZ, UZB]\n  partner: AFG\n")
    found = read_run_file(path)
    assert [(a.name, [g.value for g in a.values]) for a in found.grid] == [
        ("reporter", ["KAZ", "UZB"]),
        ("partner", ["AFG"]),
    ]
    path.write_text("grid: [reporter]\n")
    with pytest.raises(PlanError, match="'grid' maps parameter names"):
        read_run_file(path)


# ---------------------------------------------------------------------------------------------
# Checked before anything runs


@pytest.fixture
def pairs(tmp_path):
    pair_notebook(tmp_path / "nb" / "01_pair.ipynb")
    reports = tmp_path / "reports"
    return tmp_path, ["--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(reports)]


def test_every_set_is_checked_and_a_breaking_set_is_named(pairs, capsys):
    tmp, options = pairs
    code = cli.main(["sweep", *options, "--grid", "reporter=KAZ,AFG", "--grid", "partner=AFG"])
    assert code == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert "set 'reporter-AFG_partner-AFG'" in err and "partner != reporter" in err
    assert "set 'reporter-KAZ_partner-AFG'" not in err
    assert not (tmp / "reports").exists()


def test_sweep_without_a_grid_and_unknown_grid_names_exit_2(pairs, capsys):
    _, options = pairs
    assert cli.main(["sweep", *options]) == run.EXIT_INPUT
    assert "--grid" in capsys.readouterr().err
    assert cli.main(["sweep", *options, "--grid", "reportr=KAZ,UZB"]) == run.EXIT_INPUT
    assert "unknown parameter 'reportr'" in capsys.readouterr().err


def test_dry_run_lists_every_set(pairs, capsys):
    _, options = pairs
    assert cli.main(["sweep", *options, "--dry-run", "--grid", "reporter=KAZ,UZB,TJK"]) == 0
    out = capsys.readouterr().out
    for reporter in ("KAZ", "UZB", "TJK"):
        assert f"reporter-{reporter}/01_pair" in out


# ---------------------------------------------------------------------------------------------
# The comparison page

HOSTILE = "<script>alert('x')</script>"


def _fixture_run(folder: Path) -> tuple[dict, dict, dict]:
    """A made-up manifest and results of three sets (fixture numbers, not data)."""
    values = {"s1": (HOSTILE, 100.0), "s2": ("UZB", 300.0), "s3": ("TKM", None)}
    entries, results, swept = [], {}, {}
    for name, (reporter, latest) in values.items():
        entries.append(
            {
                "set": name,
                "notebook": "01_pair",
                "status": "ok" if latest else "failed",
                "outputs": {"reader": f"{name}/01_pair/01_pair.html"},
            }
        )
        rows = [
            {"flow": "turnover", "year": 2022, "preferred_usd_m": 50.0},
            {"flow": "export", "year": 2023, "preferred_usd_m": 9999.0},
        ]
        if latest:
            rows.append({"flow": "turnover", "year": 2023, "preferred_usd_m": latest})
        results[f"{name}/01_pair"] = {
            "headline": [
                {"title": "t", "columns": ["flow", "year", "preferred_usd_m"], "rows": rows}
            ],
            "key_points": [{"points": [f"Point for {reporter}."]}],
        }
        swept[name] = {"reporter": reporter, "partner": "AFG"}
    manifest = {"run_id": "r1", "started": "2026-01-01T00:00:00", "notebooks": entries}
    return manifest, results, swept


def test_comparison_page_rows_links_order_and_escaping(tmp_path):
    manifest, results, swept = _fixture_run(tmp_path)
    assert compare.write(tmp_path, manifest, results, swept) == [
        "compare.html",
        "compare-latest.html",
    ]
    by_set = (tmp_path / "compare.html").read_text()
    by_latest = (tmp_path / "compare-latest.html").read_text()
    for page in (by_set, by_latest):
        assert "<script" not in page and "&lt;script&gt;" in page
        assert page.count('<tr id="set-') == 3
        assert 'href="s2/01_pair/01_pair.html"' in page
        assert "$300 million" in page and "9,999" not in page  # turnover, not exports
        assert "In every set: partner = Afghanistan" in page  # codes read as names
    assert by_set.index('id="set-s1"') < by_set.index('id="set-s2"') < by_set.index('id="set-s3"')
    assert (
        by_latest.index('id="set-s2"')
        < by_latest.index('id="set-s1"')
        < by_latest.index('id="set-s3"')
    )  # highest latest value first, a set without one last
    assert 'href="compare-latest.html"' in by_set and 'href="compare.html"' in by_latest
    assert "(failed)" in by_set


def test_comparison_chart_is_svg_with_its_points_and_alt_text(tmp_path):
    manifest, results, swept = _fixture_run(tmp_path)
    compare.write(tmp_path, manifest, results, swept)
    svg = tmp_path / "compare" / "comparison.svg"
    assert svg.read_text().lstrip().startswith("<?xml") and "<script" not in svg.read_text()
    with (tmp_path / "compare" / "comparison.csv").open() as handle:
        points = list(csv.DictReader(handle))
    expected = {("Uzbekistan", 300.0), ("Turkmenistan", 50.0)}  # codes read as names
    assert {(p["series"], float(p["y"])) for p in points} >= expected
    page = (tmp_path / "compare.html").read_text()
    assert 'src="compare/comparison.svg" alt="Chart: Turnover by parameter set' in page
    assert 'href="compare/comparison.csv"' in page


def test_no_series_means_no_chart_and_a_sentence(tmp_path):
    manifest, results, swept = _fixture_run(tmp_path)
    for result in results.values():
        result["headline"] = []
    compare.write(tmp_path, manifest, results, swept)
    assert not (tmp_path / "compare").exists()
    assert "no chart to compare" in (tmp_path / "compare.html").read_text()


def test_a_sweep_run_writes_the_comparison_and_never_moves_latest(pairs, capsys):
    tmp, options = pairs
    grid = ["--grid", "reporter=KAZ,<b>x</b>", "--grid", "partner=AFG"]
    assert cli.main(["sweep", *options, "-j", "2", *grid]) == 0
    (folder,) = (tmp / "reports").glob("2*")
    assert not (tmp / "reports" / "latest").exists()
    page = (folder / "compare.html").read_text()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert 'href="compare.html"' in (folder / "index.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {e["set"] for e in manifest["notebooks"]} == {
        "reporter-KAZ_partner-AFG", "reporter-b-x-b_partner-AFG",
    }  # fmt: skip
    for entry in manifest["notebooks"]:
        job_folder = folder / entry["set"] / "01_pair"
        assert (job_folder / ".committed").is_file()
        # The kernel ran in the job's folder (passed to the kernel, not papermill's cwd).
        where = (job_folder / "figures" / "where.txt").read_text()
        assert where.endswith(f"{entry['set']}/01_pair")


def test_central_asia_run_file_checks_every_set(tmp_path, capsys):
    from kzaf.paths import PROJECT_ROOT

    path = PROJECT_ROOT / "runs" / "central_asia.yaml"
    found = read_run_file(path)
    assert [a.name for a in found.grid] == ["reporter", "partner"]
    args = ["run", "--run-file", str(path), "--dry-run", "--reports-dir", str(tmp_path / "r")]
    args += ["--log", str(tmp_path / "log")]
    assert cli.main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    for reporter in ("KAZ", "UZB", "TKM", "KGZ", "TJK"):
        assert f"reporter-{reporter}_partner-AFG/01_trade_trajectory" in out


def test_a_year_without_a_figure_breaks_the_comparison_line(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    import numpy as np

    lines = []
    monkeypatch.setattr(plt, "close", lambda fig: lines.extend(fig.axes[0].lines))
    points = {2021: 1.0, 2024: 2.0}
    row = {"set": "s", "values": {}, "series": {"flow": "turnover", "label": "x", "points": points}}
    assert compare.draw_chart([row], tmp_path) is not None
    monkeypatch.undo()
    plt.close("all")
    (line,) = lines
    assert list(line.get_xdata()) == [2021, 2022, 2023, 2024]
    ydata = np.asarray(line.get_ydata(), dtype=float)
    assert ydata[0] == 1.0 and ydata[3] == 2.0 and np.isnan(ydata[1:3]).all()  # a gap, no line
