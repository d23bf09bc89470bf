"""Every chart is saved under a stable name as SVG with its data beside it, shown with alt
text, tidied for readers; an empty chart becomes a sentence; saving prints no file path."""

import csv
import re

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from kzaf.plots import chart_files, common


def _shown(capsys):
    return capsys.readouterr().out


def test_save_writes_a_stable_name_with_its_data_and_returns_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(common.FIGURES_DIR_ENV, str(tmp_path / "figs"))
    fig, ax = plt.subplots()
    ax.plot([2021, 2022, 2023], [474.3, 987.9, 567.5], label="turnover")
    common.finish(ax, title="T", xlabel="year", ylabel="USD million", sources="fixture")
    assert common.save(fig, "00_example") is None
    assert (tmp_path / "figs" / "00_example.svg").stat().st_size > 0
    assert common.figure_path("00_example") == tmp_path / "figs" / "00_example.svg"
    with (tmp_path / "figs" / "00_example.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    points = [(r["x"], r["y"]) for r in rows]
    assert points == [("2021", "474.3"), ("2022", "987.9"), ("2023", "567.5")]
    assert {r["series"] for r in rows} == {"turnover"} and rows[0]["sources"] == "Source: fixture"
    assert not plt.fignum_exists(fig.number)  # shown once, as the saved file


def test_an_empty_chart_becomes_a_sentence_and_no_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(common.FIGURES_DIR_ENV, str(tmp_path / "figs"))
    fig, ax = plt.subplots()
    common.finish(ax, title="Goods", xlabel="year", ylabel="t", sources=[])
    common.save(fig, "00_empty")
    assert not (tmp_path / "figs").exists()


def test_alt_text_describes_the_chart():
    fig, ax = plt.subplots()
    ax.plot([2021, 2022], [1.0, 2.0], label="exports")
    common.finish(ax, title="Exports", xlabel="year", ylabel="USD million", sources="Ministry")
    text = chart_files.describe(fig, chart_files.plotted_points(fig))
    assert text.startswith("Chart: Exports.") and "exports" in text and "Ministry" in text
    plt.close(fig)


def test_single_year_axis_spans_that_year_not_a_century():
    fig, ax = plt.subplots()
    ax.scatter([2025], [250.0])
    chart_files.tidy(fig)
    assert ax.get_xlim() == (2024, 2026)
    plt.close(fig)


def test_legend_drops_seaborn_group_headings_and_speaks_in_words():
    data = pd.DataFrame(
        {"year": [1, 2, 1, 2], "value": [1, 2, 3, 4], "source_kind": ["a_b", "a_b", "c", "c"],
         "flow": ["x", "x", "y", "y"]}
    )  # fmt: skip
    ax = sns.scatterplot(data=data, x="year", y="value", hue="source_kind", style="flow")
    chart_files.tidy(ax.figure)
    # One legend for the figure, under the plotting area (kzaf.plots.layout), none on the data.
    assert ax.get_legend() is None and len(ax.figure.legends) == 1
    labels = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert "flow" not in labels and "source_kind" not in labels and "source kind" not in labels
    assert "a b" in labels
    plt.close(ax.figure)


def test_without_a_folder_the_chart_and_its_data_ride_in_the_output(tmp_path, monkeypatch, capsys):
    """No $KZAF_FIGURES_DIR (plain papermill, nbconvert, JupyterLab): nothing is written, the
    SVG and its points are data links inside the shown HTML, identical run after run."""
    import base64
    import re

    monkeypatch.delenv(common.FIGURES_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    common.use_style()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([2021, 2022], [474.3, 987.9], label="turnover")
        common.finish(ax, title="T", xlabel="year", ylabel="USD million", sources="fixture")
        common.save(fig, "00_example")
    assert common.figure_path("00_example") is None
    assert list(tmp_path.iterdir()) == []
    html = shown[0]["text/html"]
    assert html == shown[1]["text/html"]  # no date or random id inside the SVG
    svg = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(svg).lstrip().startswith(b"<?xml")
    points = re.search(r'href="data:text/csv;base64,([^"]+)" download="00_example.csv"', html)
    assert "474.3" in base64.b64decode(points.group(1)).decode("utf-8")


def test_a_heatmap_is_a_chart_whose_cells_are_its_data():
    table = pd.DataFrame(
        [[1.0, 2.0, float("nan")], [0.0, 5.0, 3.0]],
        index=["trade", "goods"],
        columns=[2021, 2022, 2023],
    )
    fig, ax = plt.subplots()
    sns.heatmap(table, ax=ax, annot=True)  # draws a colour bar too: its gradient is no data
    cells = {(r["series"], r["x"], r["y"]) for r in chart_files.plotted_points(fig)}
    plt.close(fig)
    assert cells == {
        ("trade", "2021", 1),
        ("trade", "2022", 2),
        ("goods", "2021", 0),
        ("goods", "2022", 5),
        ("goods", "2023", 3),
    }  # the empty cell (NaN) is not a point


def test_an_empty_chart_says_why_when_the_chart_says_it(monkeypatch):
    shown = []
    monkeypatch.setattr(chart_files, "show_missing", lambda title, reason="": shown.append(reason))
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "No annual value figure\nfor these goods", transform=ax.transAxes)
    common.finish(ax, title="Goods", xlabel="year", ylabel="t", sources=[])
    common.save(fig, "00_empty")
    assert shown == ["No annual value figure for these goods"]


def _captioned_chart(caption_words: int, heatmap: bool = False) -> plt.Figure:
    _, ax = plt.subplots(figsize=(9, 4.8))
    if heatmap:  # a colour bar beside the axes
        table = pd.DataFrame([[1.0, 2.0], [0.0, 5.0]], index=["a", "b"], columns=[2021, 2022])
        sns.heatmap(table, ax=ax, annot=True)
    else:
        ax.plot([2021, 2022, 2023], [474.3, 987.9, 567.5], label="turnover")
        ax.legend(loc="best")
    sources = [f"Publisher {n} of figures" for n in range(caption_words)]
    fig = common.finish(ax, title="T", xlabel="year", ylabel="USD million", sources=sources)
    chart_files.tidy(fig)  # narrows the figure after its layout, as save() does
    return fig


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CLIP_ID = re.compile(r'(url\(#|id=")p[0-9a-f]{10}')


def _same_picture(ours: bytes, theirs: bytes) -> bool:
    """The same SVG but for what no one can see: a coordinate's last printed digit (1e-6 pt),
    the sign of a zero, and the clip paths' ids (hashes of their coordinates)."""
    a, b = (_CLIP_ID.sub(r"\1clip", svg.decode("utf-8")) for svg in (ours, theirs))
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    pairs = zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True)
    return all(abs(float(x) - float(y)) <= 2e-6 for x, y in pairs)


def test_saved_svg_is_the_picture_matplotlibs_tight_svg_shows():
    """kzaf lays a chart out once when saving (svg_canvas: its own tight box, no extra layout
    pass, text measured once per process): the file must show what matplotlib's
    savefig(bbox_inches="tight") shows, also when the font settings change between charts and
    when the sizes come from the cache (the second round)."""
    import io

    from matplotlib import rc_context

    from kzaf.plots import svg_canvas

    def theirs(fig: plt.Figure) -> bytes:
        image = io.BytesIO()
        fig.savefig(image, format="svg", bbox_inches="tight", metadata={"Date": None})
        return image.getvalue()

    def ours(fig: plt.Figure) -> bytes:
        image = io.BytesIO()
        svg_canvas.write_svg(fig, image)
        return image.getvalue()

    common.use_style()
    for _ in range(2):
        for fonts in (["DejaVu Sans"], ["DejaVu Serif"]):
            for words, heatmap in ((3, False), (14, False), (14, True)):
                with rc_context({"font.sans-serif": fonts}):
                    fig = _captioned_chart(words, heatmap)
                    mine, matplotlibs = ours(fig), theirs(fig)
                    layout_engine = fig.get_layout_engine()
                    plt.close(fig)
                assert _same_picture(mine, matplotlibs), (fonts, words, heatmap)
                assert (b"DejaVu Serif" in mine) == (fonts == ["DejaVu Serif"])
                assert layout_engine is not None  # put back after saving


def test_same_picture_sees_a_moved_caption():
    shifted = b'<text x="10.5" y="200.25">Source: a</text>'
    assert _same_picture(shifted, shifted.replace(b"200.25", b"200.250001"))
    assert not _same_picture(shifted, shifted.replace(b"200.25", b"201.25"))
    assert not _same_picture(shifted, shifted.replace(b"Source: a", b"Source: b"))


def test_bars_are_read_by_their_category_labels():
    fig, ax = plt.subplots()
    ax.barh(["railway", "security", "sanctions"], [3.0, 2.5, 1.0], label="score")
    ax.bar([0.0], [0.0], alpha=0)  # a second container on the same axis
    rows = chart_files.plotted_points(fig)
    plt.close(fig)
    bars = [(r["y"], r["x"]) for r in rows if r["series"] == "score"]
    assert bars == [("railway", 3), ("security", 2.5), ("sanctions", 1)]
