"""Process, first half: the checks on each block of rows, with their running tally.

Vectorised pyarrow compute over a block: flows sorted into main flows, sub-flows and
breakdowns; numbers and periods parsed and checked; each row's identity packed for the
duplicate check. Problems are counted by rule with the first few kept with their line
numbers, so an import fails with the whole summary, never at the first problem.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzaf.comtrade import codes
from kzaf.comtrade.errors import ReadAsText, RowProblem

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_PERIOD = r"^\d{4}(0[1-9]|1[0-2])?$"
_YEAR = r"^\d{4}$"
_REF_MONTH = r"^(0?[1-9]|1[0-2]|52)$"  # the API gives refMonth 52 for annual records
FIRST_YEAR, LAST_YEAR = 1900, 2099


@dataclass
class Tally:
    """Running counts and the first problems of each kind, in file order."""

    max_problems: int
    label: str
    problems: dict[str, list[RowProblem]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    skipped_lines: list[int] = field(default_factory=list)  # blank or malformed, physical lines
    locations: list[tuple[int, str]] = field(default_factory=list)  # JSON: (first row, file)
    rows_read: int = 0
    rows_imported: int = 0
    observations: int = 0
    sub_flows: Counter[str] = field(default_factory=Counter)
    breakdown_rows: int = 0
    unknown_codes: dict[str, Counter[str]] = field(default_factory=dict)
    keys: list[np.ndarray] = field(default_factory=list)
    key_rows: list[np.ndarray] = field(default_factory=list)
    periods: set[str] = field(default_factory=set)
    reporters: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    commodities: set[str] = field(default_factory=set)
    stopped: str | None = None
    malformed: bool = False  # a malformed row met while reading in parallel

    def add(self, order: int, where: str, rule: str, message: str) -> None:
        self.counts[rule] += 1
        kept = self.problems.setdefault(rule, [])
        if len(kept) < self.max_problems:
            kept.append(RowProblem(order, where, rule, message))

    def room(self, rule: str) -> int:
        return self.max_problems - len(self.problems.get(rule, []))

    def where(self, row: int) -> tuple[int, str]:
        """Sort key and label of a data row (0-based, in reading order)."""
        if self.locations:  # API responses: name the file and the record
            first, name = self.locations[bisect.bisect_right(self.locations, (row, "\uffff")) - 1]
            return row, f"{name} record {row - first + 1}"
        line = row + 2  # the header is line 1
        for skipped in self.skipped_lines:  # appended in file order, so already sorted
            if skipped <= line:
                line += 1
            else:
                break
        return line, f"line {line}"

    def first_problems(self) -> list[RowProblem]:
        every = sorted((p for kept in self.problems.values() for p in kept), key=lambda p: p.order)
        return every[: self.max_problems]


def main_flow_rows(batch, start, present, tally: Tally):
    """The block's rows of main flows (imports, exports) that are not breakdowns, with their
    row numbers; unknown flows reported, sub-flows and breakdown rows counted. None if none."""
    flow = batch.column("flowCode")
    main = pc.is_in(flow, value_set=pa.array(list(codes.FLOWS)))
    sub = pc.is_in(flow, value_set=pa.array(list(codes.SUB_FLOWS)))
    unknown_flow = pc.invert(pc.or_(main, sub))
    if pc.any(pc.equal(flow, "")).as_py():
        # A blank line reads as a row of empty cells: not a figure and not a problem.
        blank = pc.equal(flow, "")
        for column in present:
            cells = batch.column(column)
            empty = pc.equal(cells, "") if pa.types.is_string(cells.type) else pc.is_null(cells)
            blank = pc.and_(blank, empty)
        unknown_flow = pc.and_(unknown_flow, pc.invert(blank))
    rows = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
    report(tally, unknown_flow, rows, "flow-code", [flow], lambda f: (
        f"column flowCode: unknown flow {f!r} (expected M or X, or a sub-flow such as RX, RM)"
    ))  # fmt: skip
    for item in pc.value_counts(pc.filter(flow, sub)).to_pylist():
        tally.sub_flows[item["values"]] += item["counts"]
    breakdown = None
    for column, totals in codes.BREAKDOWN_TOTALS.items():
        if column in present:
            part = pc.invert(pc.is_in(batch.column(column), value_set=pa.array(totals)))
            breakdown = part if breakdown is None else pc.or_(breakdown, part)
    keep = main if breakdown is None else pc.and_(main, pc.invert(breakdown))
    if breakdown is not None:
        tally.breakdown_rows += pc.sum(pc.and_(main, breakdown)).as_py() or 0
    kept_at = pc.indices_nonzero(keep)
    if len(kept_at) == 0:
        return None
    if len(kept_at) < batch.num_rows:
        batch, rows = batch.take(kept_at), pc.take(rows, kept_at)
    return batch, rows


def report(tally: Tally, mask, rows, rule: str, arrays, message: Callable[..., str]) -> None:
    """Count the rows where ``mask`` holds and keep the first few with their values."""
    count = pc.sum(mask).as_py() or 0
    if not count:
        return
    at = pc.indices_nonzero(mask)
    shown = at[: max(tally.room(rule), 0)]
    tally.counts[rule] += count - len(shown)
    values = [pc.take(a, shown).to_pylist() for a in arrays]
    for row, *cells in zip(pc.take(rows, shown).to_pylist(), *values, strict=True):
        order, where = tally.where(row)
        tally.add(order, where, rule, message(*cells))


def number_column(text, column: str, rows, tally: Tally, *, required: bool):
    """Parse a numeric text column; return (float array with nulls for empty, bad mask)."""
    if pa.types.is_floating(text.type):  # parsed while reading: check it, or read as text
        wrong = pc.or_(pc.invert(pc.is_finite(text)), pc.less(text, 0.0))
        wrong = pc.fill_null(wrong, required)
        if pc.any(wrong).as_py():
            raise ReadAsText
        return text, None
    empty = pc.equal(text, "")
    ok = pc.match_substring_regex(text, _NUMBER)
    number = pc.cast(pc.if_else(ok, text, "0"), pa.float64())
    not_number = pc.and_(pc.invert(ok), pc.invert(empty))
    negative = pc.and_(ok, pc.less(number, 0.0))
    report(tally, not_number, rows, f"{column}-not-a-number", [text], lambda v: (
        f"column {column}: {v!r} is not a number"
    ))  # fmt: skip
    report(tally, negative, rows, f"{column}-negative", [text], lambda v: (
        f"column {column}: negative value {v}"
    ))  # fmt: skip
    bad = pc.or_(not_number, negative)
    if required:
        report(tally, empty, rows, f"{column}-empty", [text], lambda _v: (
            f"column {column} is empty: a missing value is not zero trade"
        ))  # fmt: skip
        bad = pc.or_(bad, empty)
    return pc.if_else(empty, pa.scalar(None, pa.float64()), number), bad


def period_columns(kept, present, rows, tally: Tally):
    """(year int32, month int32 with 0 for a whole year, bad mask) from period or refYear/Month."""
    freq = kept.column("freqCode") if "freqCode" in present else None
    if pa.types.is_integer(kept.column("period" if "period" in present else "refYear").type):
        return _typed_periods(kept, present, freq)
    if "period" in present:
        period = kept.column("period")
        ok = pc.match_substring_regex(period, _PERIOD)
        report(tally, pc.invert(ok), rows, "period", [period], lambda p: (
            f"column period: {p!r} is not a year (YYYY) or a month (YYYYMM)"
        ))  # fmt: skip
        safe = pc.if_else(ok, period, "2000")
        year = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.int32())
        monthly = pc.equal(pc.utf8_length(safe), 6)
        month = pc.if_else(
            monthly, pc.cast(pc.utf8_slice_codeunits(pc.if_else(monthly, safe, "000001"), 4, 6),
                             pa.int32()), 0,
        )  # fmt: skip
        shown = [period]
    else:
        ref_year, ref_month = kept.column("refYear"), kept.column("refMonth")
        ok = pc.and_(
            pc.match_substring_regex(ref_year, _YEAR),
            pc.match_substring_regex(ref_month, _REF_MONTH),
        )
        report(tally, pc.invert(ok), rows, "period", [ref_year, ref_month], lambda y, m: (
            f"columns refYear/refMonth: {y!r}/{m!r} is not a year and a month (1-12, or 52 "
            "for a whole year)"
        ))  # fmt: skip
        year = pc.cast(pc.if_else(ok, ref_year, "2000"), pa.int32())
        month = pc.cast(pc.if_else(ok, ref_month, "52"), pa.int32())
        monthly = pc.not_equal(month, 52)
        month = pc.if_else(monthly, month, 0)
        shown = [pc.binary_join_element_wise(ref_year, ref_month, "/")]
    outside = pc.and_(ok, pc.or_(pc.less(year, FIRST_YEAR), pc.greater(year, LAST_YEAR)))
    report(tally, outside, rows, "period", shown, lambda p: (
        f"period {p!r}: year outside {FIRST_YEAR}-{LAST_YEAR}"
    ))  # fmt: skip
    bad = pc.or_(pc.invert(ok), outside)
    if freq is not None:
        agrees = pc.or_(
            pc.and_(pc.equal(freq, "A"), pc.invert(monthly)),
            pc.and_(pc.equal(freq, "M"), monthly),
        )
        mismatch = pc.and_(ok, pc.invert(agrees))
        report(tally, mismatch, rows, "frequency", [freq, *shown], lambda f, p: (
            f"column freqCode: {f!r} does not fit the period {p!r} (A for a year, M for a month)"
        ))  # fmt: skip
        bad = pc.or_(bad, mismatch)
    return year, month, bad


def _typed_periods(kept, present, freq):
    """Periods parsed as integers while reading; anything odd is read again as text."""
    if "period" in present:
        period = kept.column("period")
        annual = pc.less(period, 10_000)
        year = pc.if_else(annual, period, pc.divide(period, 100))
        month = pc.if_else(annual, 0, pc.subtract(period, pc.multiply(pc.divide(period, 100), 100)))
        month_ok = pc.or_(annual, pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12)))
    else:
        year, month = kept.column("refYear"), kept.column("refMonth")
        annual = pc.equal(month, 52)
        month_ok = pc.or_(annual, pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12)))
        month = pc.if_else(annual, 0, month)
    fine = pc.and_(month_ok, pc.and_(pc.greater_equal(year, FIRST_YEAR),
                                     pc.less_equal(year, LAST_YEAR)))  # fmt: skip
    if freq is not None:
        agrees = pc.or_(pc.and_(pc.equal(freq, "A"), annual),
                        pc.and_(pc.equal(freq, "M"), pc.invert(annual)))  # fmt: skip
        fine = pc.and_(fine, agrees)
    if not pc.all(pc.fill_null(fine, False)).as_py():
        raise ReadAsText
    return pc.cast(year, pa.int32()), pc.cast(month, pa.int32()), None


def remember_keys(tally, reporter_at, partner_at, is_export, cmd, is_total, year, month, rows,
                   n_codes):  # fmt: skip
    """Pack each row's identity (who, flow, goods, period) into an int64 for the duplicate check
    (reporter and partner: positions in the countries lookup, as numpy arrays)."""
    digits = pc.utf8_length(cmd).to_numpy(zero_copy_only=False).astype(np.int64)
    total = is_total.to_numpy(zero_copy_only=False)
    level = np.where(total, 0, digits // 2)  # 0 TOTAL, 1 chapter, 2 heading, 3 subheading
    number = pc.cast(pc.if_else(is_total, "0", cmd), pa.int64()).to_numpy(zero_copy_only=False)
    key = reporter_at.astype(np.int64) * n_codes
    key = (key + partner_at) * 2
    key = (key + is_export.to_numpy(zero_copy_only=False)) * 4 + level
    key = key * 1_000_000 + number
    key = (
        key * 40_000
        + year.to_numpy(zero_copy_only=False) * 13
        + month.to_numpy(zero_copy_only=False)
    )
    tally.keys.append(key)
    tally.key_rows.append(rows.to_numpy(zero_copy_only=False))


def check_duplicates(tally: Tally) -> None:
    if not tally.keys:
        return
    keys, rows = np.concatenate(tally.keys), np.concatenate(tally.key_rows)
    tally.keys, tally.key_rows = [], []
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeat = np.nonzero(ordered[1:] == ordered[:-1])[0]
    if len(repeat) == 0:
        return
    # Each repeat is reported at its later row, naming the earliest row with the same key
    # (the first of its run in the stable sort).
    later = rows[order[repeat + 1]]
    group_start = np.searchsorted(ordered, ordered[repeat + 1], side="left")
    earlier = rows[order[group_start]]
    shown = np.argsort(later, kind="stable")[: tally.max_problems]
    tally.counts["duplicate"] += len(repeat) - len(shown)
    for i in shown:
        order_key, where = tally.where(int(later[i]))
        _, first = tally.where(int(earlier[i]))
        tally.add(order_key, where, "duplicate", (
            f"same reporter, partner, flow, commodity and period as {first}: a figure "
            "would be counted twice"
        ))  # fmt: skip
