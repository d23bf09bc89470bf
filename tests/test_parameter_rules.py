"""Parameter values are checked against each notebook's declared rules (ranges, relations,
known countries, policies that exist) before any kernel starts, and by the notebook itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kzaf import cli
from kzaf.parameter_rules import ParameterRuleError, broken, check, rules_of
from kzaf.paths import NOTEBOOKS_DIR
from kzaf.runner import run
from kzaf.runner.plan import notebooks as plan


@pytest.mark.parametrize(
    ("notebook", "name", "value", "rule"),
    [
        ("01", "alpha", "1.5", "0 < alpha < 1"),
        ("01", "start_year", "2030", "start_year <= end_year"),
        ("01", "partner", "XXX", "country(partner)"),
        ("01", "source_policy", "loudest_first", "policy(source_policy)"),
        ("02", "post_months", "0", "post_months >= 1"),
        ("02", "event_month", "2023-13", "month(event_month)"),
        ("03", "closure_probability", "1.5", "0 <= closure_probability <= 1"),
        ("00", "topics", "[Z]", "set(topics)"),
    ],
)
def test_a_value_breaking_a_rule_stops_the_run_before_any_kernel(
    notebook, name, value, rule, tmp_path, capsys
):
    reports = tmp_path / "reports"
    args = ["run", notebook, "-p", name, value, "--reports-dir", str(reports)]
    assert cli.main(args) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{name} = " in err and rule in err and "nothing was run" in err
    assert not reports.exists()


def test_kzaf_params_prints_the_rules(capsys):
    assert cli.main(["params", "01"]) == 0
    out = capsys.readouterr().out
    assert "rules (checked before any kernel starts" in out and "alpha: 0 < alpha < 1" in out


def test_every_notebook_declares_rules_that_its_defaults_meet():
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        notebook = plan.read_notebook(path)
        assert notebook.rules, f"{path.name} declares no parameter rules"
        assert set(notebook.rules) <= {p.name for p in notebook.parameters}, path.name
        defaults = {p.name: p.default for p in notebook.parameters}
        assert broken(notebook.rules, defaults) == [], path.name


def test_rules_cell_is_read_without_running_it():
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["parameter-rules"]},
         "source": 'PARAMETER_RULES = {"n": "n >= 1"}\ncheck(PARAMETER_RULES, globals())'},
    ]  # fmt: skip
    assert rules_of(cells) == {"n": "n >= 1"}
    with pytest.raises(ParameterRuleError, match=r"n = 0 breaks the rule `n >= 1`"):
        check({"n": "n >= 1"}, {"n": 0})


@pytest.mark.notebook
def test_the_notebook_checks_its_own_values_under_plain_papermill(tmp_path):
    output = tmp_path / "out.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / "00_data_audit.ipynb"),
         str(output), "-p", "start_year", "2030", "--cwd", str(tmp_path), "-k", "python3"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ParameterRuleError" in result.stderr + output.read_text(encoding="utf-8")
    assert "start_year = 2030 breaks the rule" in output.read_text(encoding="utf-8")


def test_policy_names_match_the_policies_that_exist():
    from kzaf import series
    from kzaf.parameter_rules import POLICY_NAMES

    assert set(POLICY_NAMES) == set(series.POLICIES)
