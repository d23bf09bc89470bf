"""Every chart is saved under a stable name, and saving prints nothing into a report."""

import matplotlib.pyplot as plt

from kzaf.plots import common


def test_save_writes_a_stable_name_and_returns_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(common.FIGURES_DIR_ENV, str(tmp_path / "figs"))
    fig, ax = plt.subplots()
    common.finish(ax, title="T", xlabel="year", ylabel="USD million", sources="fixture")
    assert common.save(fig, "00_example") is None
    assert (tmp_path / "figs" / "00_example.png").stat().st_size > 0
    assert common.figure_path("00_example") == tmp_path / "figs" / "00_example.png"
    plt.close(fig)
