"""What a reader would stumble on, judged from what the browser rendered (pure functions; the
browser work is :mod:`kzaf.runner.site.browser`'s).

- :func:`codes_in`: codes, ids, variable names, file paths, "(s)" plurals and hyphen-minus signs
  in the text of a reader page;
- :func:`style_problems`: the computed typography (font, size, line height, measure);
- :func:`svg_text`: the sizes and viewBox of a chart's text, to know how large it is drawn;
- :func:`overlapping`: chart labels whose boxes overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# What a reader should never see, each with the name a failure message gives it.
CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "record id": re.compile(r"\b[A-Z]{2,4}-[A-Z]?\d{3}\b"),
    "source id": re.compile(r"\b[a-z][a-z0-9.]*(?:-[a-z0-9]+)*-(?:19|20)\d\d(?:-[a-z0-9]+)+\b"),
    "risk or claim code": re.compile(r"\b[RC](?:1[0-4]|[1-9])\b"),
    "snake_case name": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "'(s)' plural": re.compile(r"\w\(s\)"),
    "hyphen-minus before a number": re.compile(r"(?<![\w.\d])-(?=\.?\d)"),
    "file path": re.compile(r"\b\w+\.(?:csv|py|ipynb|json|yaml|yml)\b|\b(?:data|src|notebooks)/"),
    "module name": re.compile(r"\bkzaf\.[a-z_]+"),
}
COUNTRY_CODE = "country code"
MIN_CHART_TEXT_PX = 11.0  # the smallest chart text a reader can read as drawn (STYLE.md 21)


def codes_in(texts: Iterable[str], country_codes: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(kind, the text around it) for every code found in ``texts`` (one string per text node
    of the page); ISO3 ``country_codes`` count as codes too."""
    patterns = dict(CODE_PATTERNS)
    codes = sorted(set(country_codes))
    if codes:
        patterns[COUNTRY_CODE] = re.compile(r"\b(?:" + "|".join(map(re.escape, codes)) + r")\b")
    found = []
    for text in texts:
        for kind, pattern in patterns.items():
            for match in pattern.finditer(text):
                start, end = max(match.start() - 30, 0), match.end() + 30
                found.append((kind, " ".join(text[start:end].split())))
    return found


def style_problems(style: Mapping[str, Any], width: int) -> list[str]:
    """The page's computed body style against the design: a font stack of its own (not the
    browser's default), at least 16 px, a line height near 1.5 and, on a wide screen, lines
    of at most about 80 characters."""
    problems = []
    family = str(style.get("family", ""))
    if not family or family.split(",")[0].strip().strip('"') == "Times New Roman":
        problems.append(f"body font is the browser's default ({family})")
    size = float(style.get("size") or 0)
    if size < 16:
        problems.append(f"body text is {size:g}px (under 16px)")
    ratio = (float(style.get("line_height") or 0) / size) if size else 0
    if not 1.4 <= ratio <= 1.75:
        problems.append(f"line height is {ratio:.2f} times the font size (not about 1.5)")
    measure = style.get("measure")
    if measure is not None and width >= 1000 and not 45 <= measure <= 85:
        problems.append(f"lines hold about {measure:.0f} characters (not 45–85)")
    return problems


_VIEWBOX = re.compile(r'<svg\b[^>]*\bviewBox="\s*[\d.-]+[\s,]+[\d.-]+[\s,]+([\d.]+)')
_FONT_SIZE = re.compile(r"<text\b[^>]*font-size:\s*([\d.]+)px")


def svg_text(svg: str) -> tuple[float | None, list[float]]:
    """A chart's drawing width (its viewBox, in the units its text sizes use) and the font size
    of every piece of text in it."""
    match = _VIEWBOX.search(svg)
    width = float(match[1]) if match else None
    return width, [float(size) for size in _FONT_SIZE.findall(svg)]


def rendered_text_px(svg: str, shown_width: float) -> float | None:
    """The smallest text of a chart as drawn ``shown_width`` CSS pixels wide (None: no text)."""
    width, sizes = svg_text(svg)
    if not width or not sizes:
        return None
    return min(sizes) * shown_width / width


Box = Sequence[float]  # x, y, width, height


def overlapping(labels: Sequence[tuple[str, Box]], share: float = 0.2) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap by more than ``share`` of the smaller box (boxes
    include the space above and below the letters, so a touch is not a collision)."""
    pairs = []
    for i, (text_a, a) in enumerate(labels):
        for text_b, b in labels[i + 1 :]:
            dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            dy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            smaller = min(a[2] * a[3], b[2] * b[3])
            if dx > 0 and dy > 0 and smaller > 0 and dx * dy > share * smaller:
                pairs.append((text_a, text_b))
    return pairs
