"""Two drawings of every chart: one for the page's column on a desktop, one for a phone.

The Economist and the FT draw a phone version of a chart rather than shrink the desktop one
(STYLE.md 21). A chart's SVG is drawn in points, one unit of its viewBox per point, and pages
show it at most as wide as their column: 704 CSS pixels on a desktop, 358 on a 390 px phone.
So a drawing at most :data:`PHONE_WIDTH_PT` wide, with no text under :data:`MIN_TEXT_PT`,
shows its text at 11 px or more on a phone; the desktop drawing is kept under
:data:`DESKTOP_MAX_PT` for the same reason. The page picks the drawing by the screen's width
(:data:`PHONE_MEDIA`, in a ``<picture>``).

Both drawings put the legend under the plotting area, never on the data, and the source line
under the legend; the phone drawing also wraps long titles and category labels and thins
numeric ticks.
"""

from __future__ import annotations

import textwrap
import warnings
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.category import StrCategoryLocator
from matplotlib.dates import DateLocator
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator

DESKTOP_MAX_PT = 700.0  # the desktop column is 704 CSS px
PHONE_WIDTH_PT = 356.0  # a 390 px phone's column is 358 CSS px
MIN_TEXT_PT = 11.0
PHONE_MEDIA = "(max-width: 640px)"
CHAR_WIDTH_EM = 0.6  # the average width of a character of the chart font, in ems
_GAP_PT = 8.0  # between the plotting area, the legend and the source line


def captions(fig: plt.Figure) -> list[Text]:
    """The figure's source line (kzaf.plots.common.source_caption)."""
    return [t for t in fig.texts if t.get_text().startswith("Source")]


KEY_GID = "kzaf-key"


def key(ax: plt.Axes, lines: list[str]) -> None:
    """A key under ``ax``'s chart (what short labels in it stand for), one entry a line;
    :func:`arrange` places it between the legend and the source line."""
    text = _figure(ax).text(0.01, 0, "\n".join(lines), ha="left", va="top", fontsize=MIN_TEXT_PT)
    text.set_gid(KEY_GID)


def _figure(ax: plt.Axes) -> plt.Figure:
    fig = ax.get_figure(root=True)
    assert fig is not None, "a chart's axes belong to a figure"
    return fig


def _axes(fig: plt.Figure) -> list[plt.Axes]:
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def legends_below(fig: plt.Figure) -> None:
    """Every legend of the figure's axes becomes one legend for the figure (entries in order,
    once each); :func:`arrange` puts it under the plotting area."""
    entries: dict[str, Any] = {}
    titles = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            entries.setdefault(text.get_text(), handle)
        titles.append(legend.get_title().get_text())
        legend.remove()
    if entries:
        title = titles[0] if len(titles) == 1 and titles[0] else None
        fig.legend(
            list(entries.values()), list(entries), loc="upper left", frameon=False,
            title=title, fontsize=MIN_TEXT_PT, title_fontsize=MIN_TEXT_PT, alignment="left",
        )  # fmt: skip


def arrange(fig: plt.Figure) -> None:
    """The legend under the lowest axis decoration, in as many columns as fit the width, and
    the source line under the legend."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    to_figure = fig.transFigure.inverted()
    gap = _GAP_PT * fig.dpi / 72
    if not _axes(fig):
        return
    boxes = [box for ax in fig.axes if (box := ax.get_tightbbox(renderer)) is not None]
    bottom = min(box.y0 for box in boxes) - gap
    for legend in list(fig.legends):  # flush left with the title and the source line
        legend = _fit_columns(fig, legend, renderer)
        legend.set_bbox_to_anchor((0.0, to_figure.transform((0, bottom))[1]), fig.transFigure)
        bottom = legend.get_window_extent(renderer).y0 - gap
    for text in [t for t in fig.texts if t.get_gid() == KEY_GID] + captions(fig):
        text.set_verticalalignment("top")
        text.set_position((0.01, to_figure.transform((0, bottom))[1]))
        bottom = text.get_window_extent(renderer).y0 - gap


def _fit_columns(fig: plt.Figure, legend: Legend, renderer: Any) -> Legend:
    """The legend again, in as many columns as the figure's width holds (at most three)."""
    handles: list[Any] = list(legend.legend_handles)
    labels = [t.get_text() for t in legend.get_texts()]
    title = legend.get_title().get_text() or None
    legend.remove()
    for columns in range(min(3, len(labels)), 0, -1):
        legend = fig.legend(
            handles, labels, loc="upper left", frameon=False, title=title, ncols=columns,
            fontsize=MIN_TEXT_PT, title_fontsize=MIN_TEXT_PT, alignment="left",
        )  # fmt: skip
        if columns == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width * 0.98:
            return legend
        legend.remove()
    return legend


def fit_width(fig: plt.Figure, max_pt: float, tries: int = 4) -> float:
    """Narrow the figure until its drawing (the box the SVG crops to) is at most ``max_pt``
    wide; returns the drawing's width."""
    from kzaf.plots.svg_canvas import tight_bbox

    width_pt = tight_bbox(fig).width * 72
    for _ in range(tries):
        if width_pt <= max_pt:
            break
        inches, height = fig.get_size_inches()
        fig.set_size_inches(max(inches - (width_pt - max_pt) / 72 - 0.05, 1.5), height)
        relayout(fig)
        width_pt = tight_bbox(fig).width * 72
    return width_pt


def relayout(fig: plt.Figure) -> None:
    """tight_layout, then legend and source line under it; a layout that cannot fit keeps the
    last one (matplotlib warns; a chart never fails for it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    arrange(fig)


def for_phone(fig: plt.Figure) -> None:
    """Redraw ``fig`` for a phone's column: :data:`PHONE_WIDTH_PT` wide, titles and category
    labels wrapped, fewer numeric ticks, taller where wrapped labels need the room."""
    _, height = fig.get_size_inches()
    fig.set_size_inches(PHONE_WIDTH_PT / 72, height)
    needed = 0.0
    for ax in _axes(fig):
        _wrap_axis_labels(ax)
        needed = max(needed, _wrap_categories(ax))
    if needed:  # each wrapped category label keeps a slot of its own
        axes_height = max(ax.get_position().height for ax in _axes(fig)) * height * 72
        fig.set_size_inches(PHONE_WIDTH_PT / 72, height + max(0.0, needed - axes_height) / 72)
    title_across(fig)
    relayout(fig)
    for ax in _axes(fig):
        _thin_ticks(ax)
    relayout(fig)
    fit_width(fig, PHONE_WIDTH_PT)


def _thin_ticks(ax: plt.Axes) -> None:
    """Numeric ticks no closer than about 60 points (at most four); an axis of years keeps
    whole years. Dates, logarithms and named categories keep their ticks."""
    size = ax.get_position().size * _figure(ax).get_size_inches() * 72
    for axis, length in ((ax.xaxis, size[0]), (ax.yaxis, size[1])):
        locator = axis.get_major_locator()
        if categorical(axis) and len(axis.get_ticklocs()) > 5 and _numbers(axis):
            _every_other(axis)  # fixed numeric ticks (a log scale's): keep half
            continue
        if categorical(axis) or isinstance(locator, DateLocator) or axis.get_scale() != "linear":
            continue
        low, high = axis.get_view_interval()
        years = min(low, high) >= 1900 and max(low, high) <= 2200
        integer = years or bool(getattr(locator, "_integer", False))
        bins = max(2, min(4, int(length // 60)))
        axis.set_major_locator(MaxNLocator(nbins=bins, integer=integer))


def categorical(axis: Any) -> bool:
    """Whether an axis names things (fixed ticks with their labels, or seaborn's categories)."""
    return isinstance(axis.get_major_locator(), FixedLocator | StrCategoryLocator)


def _numbers(axis: Any) -> bool:
    labels = [t.get_text().replace(",", "").replace("\u2212", "-") for t in axis.get_ticklabels()]
    try:
        return all(float(label) == float(label) for label in labels if label)
    except ValueError:
        return False


def _every_other(axis: Any) -> None:
    labels = [t.get_text() for t in axis.get_ticklabels()]
    pairs = list(zip(axis.get_ticklocs(), labels, strict=True))[::2]
    axis.set_ticks([p for p, _ in pairs], [label for _, label in pairs])


def _wrap_axis_labels(ax: plt.Axes) -> None:
    """Axis titles wrapped to what a phone's column holds beside the labels."""
    for label, width in ((ax.xaxis.label, 36), (ax.yaxis.label, 28)):
        text = " ".join(label.get_text().split())
        if len(text) > width:
            label.set_text(textwrap.fill(text, width))


def _wrap_categories(ax: plt.Axes) -> float:
    """Long category labels wrapped (y: to 20 characters, x: to 10, or set upright when there
    are many); returns the height in points the y axis needs for its wrapped labels."""
    needed = 0.0
    for axis, width in ((ax.yaxis, 20), (ax.xaxis, 10)):
        if not categorical(axis):
            continue
        labels = [t.get_text() for t in axis.get_ticklabels()]
        if not any(len(label) > width for label in labels):
            continue
        if axis is ax.xaxis and len(labels) > 4:  # many long names side by side: upright
            ax.tick_params(axis="x", rotation=90)
            continue
        wrapped = [textwrap.fill(label, width, break_on_hyphens=False) for label in labels]
        axis.set_ticks(axis.get_ticklocs(), wrapped)
        if axis is ax.yaxis:
            lines = max(label.count("\n") + 1 for label in wrapped)
            needed = len(wrapped) * (lines * MIN_TEXT_PT * 1.2 + 8)
        else:
            ax.tick_params(axis="x", rotation=0)
    return needed


def title_across(fig: plt.Figure) -> None:
    """The chart's title at the top left of the whole figure, not over the plotting area
    alone, wrapped to the figure's width: a title longer than the plotting area would
    otherwise stick out to the right (and the figure could never be narrowed to fit)."""
    width_pt = fig.get_figwidth() * 72
    suptitle = getattr(fig, "_suptitle", None)  # matplotlib keeps the figure's title there
    if suptitle is not None and suptitle.get_text():
        suptitle.set_text(_fill(suptitle.get_text(), width_pt, suptitle.get_fontsize()))
        return
    for ax in _axes(fig):
        for loc in ("left", "center"):
            text = ax.get_title(loc=loc)
            if not text:
                continue
            shown = getattr(ax, "_left_title") if loc == "left" else ax.title  # noqa: B009
            size = float(shown.get_fontsize())
            ax.set_title("", loc=loc)
            fig.suptitle(_fill(text, width_pt, size), x=0.01, ha="left", fontsize=size)
            return


def _fill(text: str, width_pt: float, size: float) -> str:
    return textwrap.fill(" ".join(text.split()), int(width_pt / (size * CHAR_WIDTH_EM)))
