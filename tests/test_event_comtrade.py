"""data_source="comtrade": the counterfactual on imported monthly UN Comtrade figures.

Runs on the synthetic fixture of kzaf.comtrade (made-up numbers with a made-up 75 million
locomotive shipment in January 2023), imported into a temporary folder. Skipped while
kzaf.comtrade is not part of this checkout.
"""

import pytest

from kzaf import event as ev
from kzaf import inputs
from kzaf.paths import PROJECT_ROOT

comtrade = pytest.importorskip("kzaf.comtrade")
FIXTURE = (
    PROJECT_ROOT
    / "tests"
    / "fixtures"
    / "comtrade"
    / "comtrade_KAZ_AFG_monthly_2019-2024_SYNTHETIC.csv"
)


def test_counterfactual_runs_on_imported_monthly_data_and_flags_the_fixture(tmp_path, monkeypatch):
    monkeypatch.setenv("KZAF_COMTRADE_DIR", str(tmp_path))
    comtrade.import_file(FIXTURE)
    tables = inputs.load("comtrade")  # the loader at the edge reads the import
    assert tables.imported.synthetic
    monthly = ev.monthly_data(tables, "comtrade")
    assert monthly.synthetic and "NOT DATA" in ev.synthetic_banner(monthly)
    assert ev.claim_tables(tables, monthly) is tables  # a fixture never reaches a verdict
    event = ev.event_from("2023-01", 133.8, "8602")
    result = ev.monthly_counterfactual(monthly.observations, monthly.sources, event)
    assert ev.counterfactual_message(result, event) == ""
    recorded = result.goods_in_event_month(event)
    _, low, high = result.total.event_effect
    assert low < recorded < high  # the jump in all goods is about the HS 8602 figure
    _, rest_low, rest_high = result.rest.event_effect
    assert rest_low < 0 < rest_high  # other goods did not move that month


def test_comtrade_with_nothing_imported_names_the_parameter(tmp_path, monkeypatch):
    monkeypatch.setenv("KZAF_COMTRADE_DIR", str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="data_source='comtrade' but no imported UN Comtrade"):
        inputs.load("comtrade")


def test_the_loader_names_an_unknown_data_source():
    with pytest.raises(ValueError, match="parameter 'data_source' must be one of"):
        inputs.load("oec")
    assert inputs.load().imported is None
