"""What every kzaf chart has: a title, labelled axes with units, a source caption, a file name."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns

FIGURES_DIR_ENV = "KZAF_FIGURES_DIR"


def use_style() -> None:
    """One look for every notebook."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.figsize": (9, 4.8), "figure.dpi": 100, "savefig.dpi": 120})


def source_caption(fig: plt.Figure, sources: Iterable[str] | str, note: str = "") -> None:
    """Write 'Source: ...' (and an optional note) under the figure."""
    names = [sources] if isinstance(sources, str) else sorted(set(sources))
    text = "Source: " + "; ".join(names) if names else "Source: none"
    if note:
        text += f"\nNote: {note}"
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=8, wrap=True, color="0.3")


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
    fig = ax.figure
    fig.tight_layout()
    source_caption(fig, sources, note)
    return fig


def figure_path(name: str, directory: str | Path | None = None) -> Path:
    """Where :func:`save` writes ``name``: ``<name>.png`` in ``directory``,
    ``$KZAF_FIGURES_DIR`` or ``./figures``."""
    folder = Path(directory or os.environ.get(FIGURES_DIR_ENV) or "figures")
    return folder / f"{name}.png"


def save(fig: plt.Figure, name: str, directory: str | Path | None = None) -> None:
    """Save under a stable name (see :func:`figure_path`).

    Returns nothing on purpose: as a notebook cell's last line it then prints nothing, so
    readers of the rendered report never see a file path.
    """
    path = figure_path(name, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
