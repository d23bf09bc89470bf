"""Parameter values are checked against each notebook's declared rules (ranges, relations,
known countries, policies that exist) before any kernel starts, and by the notebook itself,
with one grammar that no notebook variable can shadow."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from kzaf import cli
from kzaf.parameters.cell import notebook_parameters
from kzaf.parameters.rules import ParameterRuleError, broken, check, parse_rule, rules_of
from kzaf.paths import NOTEBOOKS_DIR
from kzaf.runner import run
from kzaf.runner.plan import notebooks as plan

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
HUNDREDS_OF_DIGITS = "9" * 400


@pytest.mark.parametrize(
    ("notebook", "name", "value", "rule"),
    [
        ("01", "alpha", "1.5", "0 < alpha < 1"),
        ("01", "alpha", "inf", "0 < alpha < 1"),
        ("01", "alpha", "nan", "0 < alpha < 1"),
        ("01", "target_value_usd_m", HUNDREDS_OF_DIGITS, "0 < target_value_usd_m"),
        ("01", "target_value_usd_m", f"{HUNDREDS_OF_DIGITS}.5", "0 < target_value_usd_m"),
        ("01", "start_year", "1980", "1990 <= start_year <= end_year"),
        ("01", "partner", "XXX", "country(partner)"),
        ("01", "partner", "<NA>", "country(partner)"),
        ("01", "partner", "Kazakhstan", "not same_country(partner, reporter)"),
        ("01", "source_policy", "loudest_first", "policy(source_policy)"),
        ("01", "source_policy", "{kind_order: [rumour]}", "policy(source_policy)"),
        ("02", "post_months", "0", "1 <= post_months"),
        ("02", "event_month", "2023-13", "month(event_month)"),
        ("02", "event_month", "0000-01", "month(event_month)"),
        ("03", "closure_probability", "1.5", "0 <= closure_probability <= 1"),
        ("03", "n_paths", "100000000", "n_paths <= 1_000_000"),
        ("03", "n_draws", HUNDREDS_OF_DIGITS, "n_draws <= 100_000"),
        ("03", "weights", "{R99: 1}", "risk(r)"),
        ("00", "topics", "[Z]", "topic(t)"),
    ],
)
def test_a_value_breaking_a_rule_stops_the_run_in_one_line(
    notebook, name, value, rule, tmp_path, capsys
):
    reports = tmp_path / "reports"
    args = ["run", notebook, "-p", name, value, "--reports-dir", str(reports), "--dry-run"]
    assert cli.main(args) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and len(err) < 400, err  # one line, even for 400 digits
    assert f"kzaf run: {notebook}_" in err and f"{name} = " in err and rule in err
    assert "nothing was run" in err and "Traceback" not in err
    assert not reports.exists()


@pytest.mark.parametrize(
    ("value", "code"),
    [("Kyrgyz-Republic", "KGZ"), ("kyrgyz republic", "KGZ"), ("004", "AFG"), ("417", "KGZ")],
)
def test_a_country_the_library_resolves_passes_the_rule(value, code, capsys):
    """One folding rule: what the rule accepts, the notebook resolves (no traceback later)."""
    assert cli.main(["run", "--dry-run", "-p", "01:partner", value, "01"]) == 0
    assert f"partner={value!r}" in capsys.readouterr().out
    from kzaf import data

    assert data.resolve_country(value, data.load().countries) == code


def test_kzaf_params_prints_the_rules_and_what_each_helper_accepts(capsys):
    assert cli.main(["params", "01"]) == 0
    out = capsys.readouterr().out
    assert "rules (checked by `kzaf run` before any kernel starts, and by the notebook):" in out
    rules = out.split("rules (", 1)[1].splitlines()
    assert any(line.split() == ["alpha", "0", "<", "alpha", "<", "1"] for line in rules)
    assert any(line.split()[:2] == ["flow(…)", "turnover,"] for line in rules)
    assert "numbers" in out and "finite" in out
    assert max(len(line) for line in out.splitlines()[-8:]) < 200


def test_every_notebook_declares_rules_that_its_defaults_meet():
    for path in NOTEBOOKS:
        notebook = plan.read_notebook(path)
        assert notebook.rules, f"{path.name} declares no parameter rules"
        defaults = {p.name: p.default for p in notebook.parameters}
        assert broken(notebook.rules, defaults) == [], path.name


def _numeric(annotation: str) -> str | None:
    kinds = [k for k in ("float", "int") if k in annotation]
    return kinds[0] if kinds and "list" not in annotation and "dict" not in annotation else None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_number_parameter_is_bounded_above_and_below_and_finite(path):
    """A typo (an extra zero, `inf`) is refused before it can take the machine's memory."""
    notebook = plan.read_notebook(path)
    defaults = {p.name: p.default for p in notebook.parameters}
    numbers = {p.name: _numeric(p.annotation) for p in notebook.parameters}
    for name, kind in numbers.items():
        if kind is None:
            continue
        assert name in notebook.rules, f"{path.stem}: {name} has no rule of its own"
        extremes = [10**400, -(10**400), 10**12, -(10**12)]
        extremes += [math.inf, -math.inf, math.nan, 1e300, -1e300] if kind == "float" else []
        for extreme in extremes:
            values = {**defaults, name: extreme}
            assert broken(notebook.rules, values), f"{path.stem}: {name} = {extreme!r} passes"


def test_the_checks_before_a_run_and_in_the_notebook_agree():
    """Both read the same rules with the same grammar: one refuses what the other refuses."""
    rules = {"alpha": "0 < alpha < 1", "partner": "country(partner)"}
    for values in ({"alpha": 0.1, "partner": "AFG"}, {"alpha": math.inf, "partner": "<NA>"}):
        problems = broken(rules, values)
        if problems:
            with pytest.raises(ParameterRuleError) as raised:
                check(rules, values)
            assert all(problem in str(raised.value) for problem in problems)
        else:
            check(rules, values)


def test_no_notebook_variable_shadows_a_helper():
    """JupyterLab's second Run All: the notebook has set `policy`, `country`, `month` (and
    could set `all` or `len`) by then; the rules still call the helpers."""
    rules = {
        "source_policy": "policy(source_policy)",
        "partner": "country(partner)",
        "event_month": "month(event_month)",
        "flows": "0 < len(flows) and all(flow(f) for f in flows)",
    }
    values = {"source_policy": "official_first", "partner": "AFG", "event_month": "2023-01"}
    values |= {"flows": ["export"]}
    notebook_globals = {**values, "policy": object(), "country": "AFG", "month": 1}
    notebook_globals |= {"all": None, "len": 0, "flow": "export"}
    assert broken(rules, notebook_globals) == []
    check(rules, notebook_globals)


@pytest.mark.parametrize(
    "rule",
    [
        "__import__('os').system('true')",
        "alpha.__class__",
        "open('/etc/passwd')",
        "(lambda: 1)()",
        "alpha ** 99999999",
        "[x for x in range(10**9)]",
        "flows[0]",
        "f'{alpha}'",
        "(a := 1)",
        "country(partner, what=1)",
        "eval('1')",
        "alpha if alpha else 0",
        "alpha.real",
        "b'bytes'",
        "x" * 600,
    ],
)
def test_a_rule_outside_the_grammar_is_refused(rule):
    with pytest.raises(ParameterRuleError):
        parse_rule(rule)


def test_a_rule_naming_no_parameter_of_the_notebook_is_refused():
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "n: int = 1  # n"},
        {"cell_type": "code", "metadata": {"tags": ["parameter-rules"]},
         "source": 'PARAMETER_RULES = {"n": "n >= m"}\ncheck(PARAMETER_RULES, globals())'},
    ]  # fmt: skip
    with pytest.raises(ParameterRuleError, match="'m' is not a parameter of this notebook"):
        rules_of(cells)


def test_rules_cell_is_read_without_running_it():
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["parameter-rules"]},
         "source": 'PARAMETER_RULES = {"n": "n >= 1"}\ncheck(PARAMETER_RULES, globals())'},
    ]  # fmt: skip
    assert rules_of(cells) == {"n": "n >= 1"}
    with pytest.raises(ParameterRuleError, match=r"n = 0 breaks the rule `n >= 1`"):
        check({"n": "n >= 1"}, {"n": 0})


def test_a_value_of_the_wrong_shape_breaks_the_rule_and_says_why():
    (problem,) = broken({"flows": "len(flows) > 0"}, {"flows": 3})
    assert problem.startswith("flows = 3 breaks the rule `len(flows) > 0` (TypeError")
    (problem,) = broken({"n": "n <= 1"}, {"n": 10**5000})
    assert problem == "n = an integer of about 5000 digits breaks the rule `n <= 1`"


def test_notebook_parameters_and_rules_are_read_by_kzaf_params_alike():
    for path in NOTEBOOKS:
        names = {p.name for p in notebook_parameters(path)}
        assert set(plan.read_notebook(path).rules) <= names, path.name


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
