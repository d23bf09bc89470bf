"""What every kzaf chart has: a title, labelled axes with units, a source caption, a file name."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns

from kzaf.paths import FIGURES_DIR_ENV, side_files_dir

__all__ = ["FIGURES_DIR_ENV", "figure_path", "finish", "save", "source_caption", "use_style"]


def use_style() -> None:
    """One look for every notebook: a figure narrow enough, and text large enough, to stay
    readable on a phone (a 6.4-inch chart shown 360 px wide keeps 13-point text near 10 px);
    SVG text stays text, so charts are sharp at any screen density and stay small."""
    from kzaf.text.tables import register

    register()  # and every DataFrame shown reads as a reader's table (kzaf.text.tables)
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "font.size": 13,
            "axes.titlesize": 14,
            "axes.labelsize": 13,
            "xtick.labelsize": 12,
            "ytick.labelsize": 12,
            "legend.fontsize": 11,
            "legend.title_fontsize": 11,
            "svg.fonttype": "none",
            # Fixed ids inside the SVG, so re-executing a notebook whose chart is embedded
            # changes nothing when the chart has not changed.
            "svg.hashsalt": "kzaf",
        }
    )


def source_caption(fig: plt.Figure, sources: Iterable[str] | str, note: str = "") -> None:
    """Write 'Source: ...' (and an optional note) under the figure."""
    names = [sources] if isinstance(sources, str) else sorted(set(sources))
    text = "Source: " + "; ".join(names) if names else "Source: none"
    if note:
        text += f"\nNote: {note}"
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=10, wrap=True, color="0.3")


def finish(
    ax: plt.Axes,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    sources: Iterable[str] | str,
    note: str = "",
) -> plt.Figure:
    """Title, axis labels (say the unit in ylabel) and caption; returns the figure."""
    ax.set_title(title, loc="left", fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig = ax.get_figure(root=True)
    assert fig is not None, "an Axes drawn by kzaf belongs to a figure"
    fig.tight_layout()
    source_caption(fig, sources, note)
    return fig


def figure_path(
    name: str, directory: str | Path | None = None, suffix: str = ".svg"
) -> Path | None:
    """Where :func:`save` writes ``name``: ``<name>.svg`` (and its data as ``<name>.csv``) in
    ``directory`` or ``$KZAF_FIGURES_DIR``; None when neither is given (the chart is embedded
    in the notebook, see :mod:`kzaf.paths`)."""
    folder = Path(directory) if directory else side_files_dir()
    return folder / f"{name}{suffix}" if folder is not None else None


def save(
    fig: plt.Figure,
    name: str,
    directory: str | Path | None = None,
    alt: str | None = None,
    phone: plt.Figure | None = None,
) -> None:
    """Tidy, save and show a chart, the way every kzaf chart reaches a reader.

    - legends name series in words (seaborn's group headings dropped), and an axis with a
      single year spans that year, not a century;
    - when a folder for side files is known (``directory`` or ``$KZAF_FIGURES_DIR``, which
      ``kzaf run`` sets), the chart is written there as ``<name>.svg`` with ``<name>.csv``
      beside it: exactly the points drawn, with the chart's source line; otherwise both are
      embedded in the notebook's output and no file is written;
    - it is shown as that image with alt text (``alt``, or one built from its title, axes and
      series) and a link to its data; a chart with nothing drawn is replaced by one sentence
      saying so;
    - the legend and the source line go under the plotting area, and when the chart is
      written to a file a second drawing for phones is written beside it (``<name>.phone.svg``:
      ``phone``, a chart drawn for a narrow screen, or this one redrawn narrow; see
      :mod:`kzaf.plots.layout`), which the page shows on a phone's screen.

    Returns nothing on purpose: as a cell's last line it prints nothing, so no reader sees a
    file path.
    """
    from kzaf.plots import chart_files, layout
    from kzaf.plots.svg_canvas import write_svg

    chart_files.tidy(fig)
    rows = chart_files.plotted_points(fig)
    title = chart_files.title_of(fig) or name.replace("_", " ")
    if not rows:
        reason = chart_files.empty_message(fig)
        plt.close(fig)
        if phone is not None:
            plt.close(phone)
        chart_files.show_missing(title, reason)
        return
    layout.title_across(fig)
    layout.relayout(fig)
    layout.fit_width(fig, layout.DESKTOP_MAX_PT)
    path = figure_path(name, directory)
    caption = chart_files.caption_of(fig)
    description = alt or chart_files.describe(fig, rows)
    if path is None:
        image = io.BytesIO()
        write_svg(fig, image)
        plt.close(fig)
        if phone is not None:
            plt.close(phone)
        points = chart_files.points_csv(rows, caption)
        chart_files.show_embedded(image.getvalue(), points, description, name)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_svg(fig, path)
    data_path = chart_files.write_points(rows, path.with_suffix(".csv"), caption)
    phone_path = _save_phone(phone or fig, path.with_suffix(".phone.svg"), fresh=phone is not None)
    plt.close(fig)
    chart_files.show(path, data_path, description, phone=phone_path)


def _save_phone(fig: plt.Figure, path: Path, fresh: bool) -> Path:
    """The phone's drawing of a chart (``fresh``: drawn for it, still to be tidied)."""
    from kzaf.plots import chart_files, layout
    from kzaf.plots.svg_canvas import write_svg

    if fresh:
        chart_files.tidy(fig)
    layout.for_phone(fig)
    write_svg(fig, path)
    plt.close(fig)
    return path
