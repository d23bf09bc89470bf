"""What :func:`kzaf.plots.common.save` does to a finished chart: tidy its legend and axes,
read back the points it draws (for the "data (CSV)" download and the alt text), and show it as
an image file with alt text. Pure matplotlib inspection, plus the one display call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axis import Axis
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D
from matplotlib.text import Text

from kzaf.text.csv_cells import csv_text


def _words(label: str) -> str:
    from kzaf.text.words import words

    return words(label.strip()).replace("_", " ")


# No text in a chart is smaller than this: how wide each drawing may be, so that it stays
# readable as shown, is kzaf.plots.layout's.
MIN_FONT_PT = 11.0


def readable(fig: plt.Figure) -> None:
    """Raise small text to a readable size."""
    for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize")):
        if not isinstance(text, Text):
            continue
        try:
            size = text.get_fontsize()
            if isinstance(size, int | float) and size < MIN_FONT_PT:
                text.set_fontsize(MIN_FONT_PT)
        except (AttributeError, TypeError):
            continue


def tidy(fig: plt.Figure) -> None:
    """Legends: drop seaborn's group headings (entries with an invisible handle), write labels
    in words, and gather them under the plotting area (kzaf.plots.layout). Axes: a single x
    value (one year) gets a one-unit margin, not a century. Text: see :func:`readable`."""
    from kzaf.plots.layout import legends_below

    readable(fig)
    in_words(fig)
    _tidy_axes(fig)
    legends_below(fig)


def in_words(fig: plt.Figure) -> None:
    """Every text of the chart with words where a code was (kzaf.text.words): titles, axis
    and category labels, notes, legends."""
    from kzaf.plots.layout import categorical
    from kzaf.text.words import words, words_in

    for text in fig.findobj(Text):
        before = text.get_text()
        if before and words_in(before) != before:
            text.set_text(words_in(before))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not categorical(axis):
                continue  # numbers, which the axis formats as it draws
            labels = [t.get_text() for t in axis.get_ticklabels()]
            named = [words_in(words(label)) for label in labels]
            if named != labels:
                axis.set_ticks(axis.get_ticklocs(), named)


def _tidy_axes(fig: plt.Figure) -> None:
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            pairs = [
                (h, _words(t.get_text()))
                for h, t in zip(legend.legend_handles, legend.get_texts(), strict=False)
                if not _is_heading(h) and not t.get_text().startswith("_")
            ]
            title = legend.get_title().get_text()
            if pairs:
                anchor = legend.get_bbox_to_anchor()
                kwargs: dict[str, Any] = {
                    "title": _words(title) or None,
                    "frameon": False,
                    "loc": getattr(legend, "_loc", "best"),
                }
                if getattr(legend, "_bbox_to_anchor", None) is not None:
                    kwargs["bbox_to_anchor"] = anchor.transformed(ax.transAxes.inverted()).bounds
                handles: list[Any] = [h for h, _ in pairs]  # a heading's None is filtered out
                ax.legend(handles, [t for _, t in pairs], **kwargs)
            else:
                legend.remove()
        xs = [x for _, _, x, _ in _axis_points(ax)]
        numeric = [x for x in xs if isinstance(x, int | float) and np.isfinite(x)]
        if numeric and min(numeric) == max(numeric) and ax.get_xscale() == "linear":
            centre = numeric[0]
            ax.set_xlim(centre - 1, centre + 1)
            if float(centre).is_integer():
                ax.set_xticks([centre])


def _is_heading(handle: Any) -> bool:
    """seaborn's group headings ("flow", "source_kind") are legend entries that draw nothing:
    a line with no marker and no stroke, or an invisible handle."""
    if handle is None or not handle.get_visible():
        return True
    if isinstance(handle, Line2D):
        no_marker = not handle.get_markersize() or handle.get_marker() in ("", "None", None)
        no_line = handle.get_linestyle() in ("None", "", " ") or not handle.get_linewidth()
        return no_marker and no_line
    return False


# A position on an axis -> the label of the tick there, or None.
TickLabel = Callable[[float], str | None]


def _axis_points(ax: plt.Axes):
    """(series, kind, x, y) for every point drawn on ``ax``."""
    x_tick, y_tick = _tick_labels(ax.xaxis), _tick_labels(ax.yaxis)
    for line in ax.get_lines():
        label = str(line.get_label())
        x, y = line.get_xdata(orig=False), line.get_ydata(orig=False)
        if label.startswith("_child") or label.startswith("_line"):
            label = ""
        for xi, yi in zip(np.asarray(x).ravel(), np.asarray(y).ravel(), strict=False):
            yield _words(label) or "line", "line", _plain(xi), _plain(yi)
    for container in ax.containers:
        if isinstance(container, BarContainer):
            label = container.get_label() or ""
            label = "" if label.startswith("_") else label
            horizontal = getattr(container, "orientation", "vertical") == "horizontal"
            for bar in container.patches:
                if horizontal:
                    x, y = bar.get_width(), bar.get_y() + bar.get_height() / 2
                    tick = y_tick(y)
                    yield _words(label) or "bar", "bar", _plain(x), tick if tick else _plain(y)
                else:
                    x, y = bar.get_x() + bar.get_width() / 2, bar.get_height()
                    tick = x_tick(x)
                    yield _words(label) or "bar", "bar", tick if tick else _plain(x), _plain(y)
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            label = str(collection.get_label() or "")
            label = "" if label.startswith("_") else label
            for x, y in np.asarray(collection.get_offsets()):
                yield _words(label) or "point", "point", _plain(x), _plain(y)
        elif isinstance(collection, QuadMesh):
            yield from _heatmap_cells(ax, collection, x_tick, y_tick)
        elif isinstance(collection, PolyCollection) and not isinstance(collection, PathCollection):
            continue  # bands (fill_between) restate lines' ranges; their edges are not data


def _heatmap_cells(
    ax: plt.Axes, mesh: QuadMesh, x_tick: TickLabel, y_tick: TickLabel
) -> Iterator[tuple[str, str, Any, Any]]:
    """(row, "cell", column, value) for every coloured cell of a heatmap (pcolormesh, seaborn's
    heatmap): rows and columns by their tick labels where the axis has them."""
    if ax.get_label() == "<colorbar>":  # the colour scale's own gradient is not data
        return
    values: np.ma.MaskedArray = np.ma.masked_invalid(np.ma.asarray(mesh.get_array(), dtype=float))
    corners = np.asarray(mesh.get_coordinates())  # (rows + 1, columns + 1, 2)
    rows, columns = corners.shape[0] - 1, corners.shape[1] - 1
    grid = values.reshape(rows, columns)
    for i in range(rows):
        for j in range(columns):
            if np.ma.is_masked(grid[i, j]):
                continue
            x = (corners[i, j, 0] + corners[i, j + 1, 0]) / 2
            y = (corners[i, j, 1] + corners[i + 1, j, 1]) / 2
            column, row = x_tick(x), y_tick(y)
            value = float(grid[i, j])
            yield row or str(_plain(y)), "cell", column or _plain(x), _plain(value)


def _tick_labels(axis: Axis) -> TickLabel:
    """The tick label at a position on ``axis`` (None where no labelled tick sits), reading
    the ticks once, on first use: each read re-runs the axis's locator and formatter, which
    per bar or per heatmap cell cost more than the rest of the chart's inspection."""
    ticks: list[tuple[float, str]] | None = None

    def label(value: float) -> str | None:
        nonlocal ticks
        if ticks is None:
            pairs = zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=False)
            ticks = [(tick, text.get_text()) for tick, text in pairs]
        for tick, text in ticks:
            if abs(tick - value) < 1e-6 and text:
                return text
        return None

    return label


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isfinite(value):
        return int(value) if value.is_integer() else round(value, 6)
    return value


def plotted_points(fig: plt.Figure) -> list[dict[str, Any]]:
    """Every point the chart draws, one row each (finite values only)."""
    rows = []
    for index, ax in enumerate(fig.axes):
        panel = ax.get_title() or (f"panel {index + 1}" if len(fig.axes) > 1 else "")
        for series, kind, x, y in _axis_points(ax):
            if isinstance(y, float) and not np.isfinite(y):
                continue
            if y is None or (isinstance(x, float) and not np.isfinite(x)):
                continue
            rows.append(
                {
                    "panel": panel,
                    "series": series,
                    "kind": kind,
                    "x": x,
                    "y": y,
                    "x_axis": ax.get_xlabel(),
                    "y_axis": ax.get_ylabel(),
                }
            )
    return rows


def title_of(fig: plt.Figure) -> str:
    suptitle = fig.get_suptitle()
    if suptitle:
        return suptitle
    titles = (ax.get_title(loc="left") or ax.get_title() for ax in fig.axes)
    return next((t for t in titles if t), "")


def caption_of(fig: plt.Figure) -> str:
    """The chart's source line (written by :func:`kzaf.plots.common.source_caption`)."""
    texts = [t.get_text() for t in fig.texts if t.get_text().startswith("Source")]
    return " ".join(" ".join(texts).split())


def describe(fig: plt.Figure, rows: list[dict[str, Any]]) -> str:
    """Alt text from the chart's own description: title, axes, series and its sources."""
    title = title_of(fig)
    series = sorted({r["series"] for r in rows})
    axes = next(((r["y_axis"], r["x_axis"]) for r in rows if r["y_axis"] or r["x_axis"]), ("", ""))
    parts = [f"Chart: {title}." if title else "Chart."]
    if axes[0] or axes[1]:
        parts.append(f"{axes[0] or 'values'} against {axes[1] or 'categories'}.")
    if len(series) <= 8:
        parts.append("Series: " + ", ".join(series) + ".")
    else:
        parts.append(f"{len(series)} series.")
    parts.append(f"{len(rows)} points drawn; the data table links beside the chart.")
    caption = caption_of(fig)
    if caption:
        parts.append(caption if caption.endswith(".") else caption + ".")
    return " ".join(parts)


def points_csv(rows: list[dict[str, Any]], sources: str) -> str:
    """The chart's points as CSV text, each row with the chart's source line (text cells
    neutralised for spreadsheets, numbers left numbers: kzaf.text.csv_cells)."""
    return csv_text([*rows[0].keys(), "sources"], ([*row.values(), sources] for row in rows))


def write_points(rows: list[dict[str, Any]], path: Path, sources: str) -> Path:
    path.write_text(points_csv(rows, sources), encoding="utf-8", newline="")
    return path


def _relative(path: Path) -> str:
    return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()


def show(image: Path, data: Path, description: str, phone: Path | None = None) -> None:
    """Display the saved chart as an image with alt text and a link to its data; with
    ``phone``, a phone's screen gets that drawing instead (kzaf.plots.layout)."""
    from urllib.parse import quote

    from IPython.display import display

    from kzaf.plots.layout import PHONE_MEDIA
    from kzaf.text.escape import escape_html

    src, href = quote(_relative(image)), quote(_relative(data))
    img = f'<img src="{escape_html(src)}" alt="{escape_html(description)}">'
    if phone is not None:
        small = escape_html(quote(_relative(phone)))
        img = f'<picture><source media="{PHONE_MEDIA}" srcset="{small}">{img}</picture>'
    html = (
        f'<figure class="chart">{img}'
        f'<figcaption><a href="{escape_html(href)}">Data (CSV)</a></figcaption></figure>'
    )
    display({"text/html": html, "text/plain": description}, raw=True)


def show_embedded(svg: bytes, points: str, description: str, name: str) -> None:
    """Display the chart and its data carried inside the output itself (no file): what a
    notebook run by a tool other than ``kzaf run`` shows, wherever its output is saved."""
    from IPython.display import display

    from kzaf.text.escape import data_uri, escape_html

    image, data = data_uri(svg, "image/svg+xml"), data_uri(points.encode("utf-8"), "text/csv")
    html = (
        f'<figure class="chart"><img src="{image}" alt="{escape_html(description)}">'
        f'<figcaption><a href="{data}" download="{escape_html(name)}.csv">Data (CSV)</a>'
        "</figcaption></figure>"
    )
    display({"text/html": html, "text/plain": description}, raw=True)


def empty_message(fig: plt.Figure) -> str:
    """What an empty chart says in its plotting area (the message a chart function writes
    there when it has nothing to draw), or ""."""
    texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]
    return "; ".join(t for t in texts if t)


def show_missing(title: str, reason: str = "") -> None:
    """One sentence instead of an empty chart, with the chart's own reason when it gave one."""
    from IPython.display import Markdown, display

    from kzaf.text.escape import escape_markdown

    why = f": {reason.rstrip('.')}." if reason else " with these parameters."
    sentence = f"No chart for “{title}”{why}"
    display(Markdown(f"*{escape_markdown(sentence)}*"))
