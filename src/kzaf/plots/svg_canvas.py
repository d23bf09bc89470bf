"""The SVG canvas :func:`kzaf.plots.common.save` writes with: matplotlib's own SVG output,
except that each piece of text is measured once per process.

Why: saving a chart with ``bbox_inches="tight"`` lays it out twice (once to find the tight box,
once to write), each time with a new renderer, and matplotlib caches text sizes per renderer.
Measuring text (font shaping) is most of a chart's cost, and a wrapped source caption is
measured word by word. An SVG renderer's text sizes depend only on the text, its font
properties and the font settings (it measures outlines at a fixed scale, unhinted), so one
cache serves both passes and every chart: same sizes, same bytes, a fraction of the work.

Used through savefig's ``backend`` argument (``backend=BACKEND``), so nothing global changes.
"""

from __future__ import annotations

import codecs
import io
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import matplotlib as mpl
from matplotlib import cbook
from matplotlib.backends import backend_svg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Bbox

__all__ = ["BACKEND", "FigureCanvas", "tight_bbox", "write_svg"]

BACKEND = f"module://{__name__}"

_TEXT_TO_PATH = TextToPath()


def _font_settings() -> tuple:
    """The settings a font lookup depends on besides the text's own properties (as matplotlib's
    findfont keys its cache), so a changed style never reuses a stale size."""
    rc = mpl.rcParams
    values = (
        rc["font.family"],
        rc["font.style"],
        rc["font.variant"],
        rc["font.weight"],
        rc["font.stretch"],
        rc["font.size"],
        rc["font.serif"],
        rc["font.sans-serif"],
        rc["font.cursive"],
        rc["font.fantasy"],
        rc["font.monospace"],
        rc["text.kerning_factor"],
    )
    return tuple(tuple(value) if isinstance(value, list) else value for value in values)


@lru_cache(maxsize=16384)
def _text_size(text: str, prop: FontProperties, settings: tuple) -> tuple[float, float, float]:
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, False)


class RendererSVG(backend_svg.RendererSVG):
    """matplotlib's SVG renderer with plain text (not mathtext or TeX) measured through one
    cache shared by every renderer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once per drawing (the settings do not change while a figure is drawn).
        self._font_settings = _font_settings()

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        # A copy: FontProperties is mutable and hashes by its current state.
        return _text_size(s, prop.copy(), self._font_settings)


def tight_bbox(fig: Figure) -> Bbox:
    """The box ``savefig(..., format="svg", bbox_inches="tight")`` crops to, measured the way
    it measures (an SVG renderer, the figure at 72 dpi, ``savefig.pad_inches`` around) but
    without the layout pass savefig runs first: passed as ``bbox_inches``, the chart is laid
    out once, while it is written. Same box, same file (``tests/test_plots_common.py``)."""
    dpi = fig.dpi
    fig.dpi = 72  # as the SVG canvas draws
    try:
        width, height = fig.get_size_inches()
        renderer = MixedModeRenderer(
            fig, width, height, dpi, RendererSVG(width * 72, height * 72, io.StringIO())
        )
        # The renderer savefig measures with (it hands its methods to the SVG renderer).
        bbox = fig.get_tightbbox(renderer)  # type: ignore[arg-type]
    finally:
        fig.dpi = dpi
    pad = mpl.rcParams["savefig.pad_inches"]
    return bbox.padded(pad, pad)


def write_svg(fig: Figure, target: str | Path | IO[bytes]) -> None:
    """``fig.savefig(target, format="svg", bbox_inches="tight")`` without a date in the file,
    laid out once: the tight box comes from :func:`tight_bbox` and the text sizes from the
    shared cache, so savefig only draws the file."""
    options: dict[str, Any] = {"format": "svg", "metadata": {"Date": None}, "backend": BACKEND}
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        # A layout engine (constrained layout) places the axes while drawing: only savefig's
        # own pass can find the box then.
        fig.savefig(target, bbox_inches="tight", **options)
        return
    bbox = tight_bbox(fig)
    # fig.tight_layout() leaves a placeholder engine, which lays out nothing but makes savefig
    # draw the whole figure once more before writing it: set it aside while saving.
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    try:
        fig.savefig(target, bbox_inches=bbox, **options)
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)


class FigureCanvas(backend_svg.FigureCanvasSVG):
    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):
        """As :meth:`matplotlib.backends.backend_svg.FigureCanvasSVG.print_svg` (matplotlib
        3.11), drawing with :class:`RendererSVG` above. savefig passes a third-party canvas
        every option (facecolor and edgecolor, already set on the figure; orientation, which
        SVG ignores), hence ``_ignored``."""
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            renderer = MixedModeRenderer(
                self.figure,
                width,
                height,
                dpi,
                RendererSVG(w, h, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore,
            )
            self.figure.draw(renderer)
            renderer.finalize()
