"""Charts of the locomotive notebook: title, labelled axes with units, source caption."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from event_fixtures import obs, sources_for

from kzaf import event as ev
from kzaf.plots import event as event_plots

SHIPMENT = ev.event_from("2023-01", 100.0, "8602")


def _caption(fig):
    return " ".join(t.get_text() for t in fig.texts)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_decomposition_bars_split_each_aggregate():
    observations = obs(
        {"flow": "export", "end": "2023-05", "value": 250},
        {"flow": "turnover", "end": "2023-12", "value": 500, "suspect": True},
        {"flow": "turnover", "end": "2023-03", "value": 60},
    )
    found = ev.containing_aggregates(observations, sources_for(observations), SHIPMENT)
    fig = event_plots.decomposition_bars(ev.decompose(found, SHIPMENT), SHIPMENT, ["Fixture a"])
    ax = fig.axes[0]
    assert "inside each published aggregate" in ax.get_title(loc="left")
    assert "USD million" in ax.get_xlabel()
    assert "Source: Fixture a" in _caption(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("suspect" in label for label in labels)
    assert any("cannot hold it" in label for label in labels)
    assert len(ax.patches) == 6  # shipment and rest for each of three aggregates


def test_counterfactual_panels_label_model_estimates():
    rng = np.random.default_rng(0)
    values = pd.Series(
        50 + rng.normal(0, 2, 40), index=pd.period_range("2020-01", periods=40, freq="M")
    )
    values.iloc[36] += 60
    impact = ev.pulse_effect(values, "2023-01", seasonal_harmonics=0, parameter_draws=0)
    fig = event_plots.counterfactual_panels(impact, "Fixture exports", ["Fixture m"], 60.0)
    assert len(fig.axes) == 3
    assert "counterfactual" in fig.axes[0].get_title(loc="left")
    assert all("USD million" in ax.get_ylabel() for ax in fig.axes)
    assert "model estimates" in _caption(fig)
