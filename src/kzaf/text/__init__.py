"""Everything a reader sees as text: numbers, ranges, percentages, dates, citations, escaping.

Narrative code and notebooks format through this package and nowhere else, so a change to how
a range or a percentage is printed is made once. Text that comes from data, parameters or the
environment is escaped here (:mod:`kzaf.text.escape`) before it reaches Markdown or HTML.
"""

from kzaf.text.escape import escape_html, escape_markdown, sanitize_html
from kzaf.text.numbers import fmt_usd_m

__all__ = ["escape_html", "escape_markdown", "fmt_usd_m", "sanitize_html"]
