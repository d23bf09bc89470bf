"""Process, second half: a checked block of rows as observations in the stored schema.

Codes mapped to ISO3 through ``data/countries.csv``, flows M/X to import/export, HS codes kept
as text with their leading zeros, ``primaryValue`` to USD million and ``netWgt`` to thousand
tonnes, periods to monthly ``period_start``/``period_end``. Text columns are built as
dictionary arrays: small integer codes into a fixed list of texts, no string copied per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kzaf.comtrade import codes
from kzaf.comtrade.checks import (
    FIRST_YEAR,
    LAST_YEAR,
    Tally,
    main_flow_rows,
    number_column,
    period_columns,
    remember_keys,
    report,
)
from kzaf.comtrade.schema import STORED_COLUMNS, STORED_SCHEMA, as_numpy

_TRUE = ("true", "True", "TRUE", "1")
_TOPICS = pa.array(["D", "A", "B"])
_FLOW_NAMES = pa.array(["import", "export"])
_VALUE_NOTES = pa.array([codes.VALUE_NOTE])
_QUANTITY_NOTES = pa.array([
    codes.QUANTITY_NOTE,
    codes.QUANTITY_ESTIMATED_NOTE,
    codes.QUANTITY_NOTE + "; net weight 0 kg beside a positive value: probably not reported, "
    "so flagged suspect",
])  # fmt: skip


def _period_texts() -> tuple[pa.Array, pa.Array]:
    """First and last month of period code (year - 1900) * 13 + month (month 0: whole year)."""
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    starts = [f"{y}-{m or 1:02d}" for y in years for m in range(13)]
    ends = [f"{y}-{m or 12:02d}" for y in years for m in range(13)]
    return pa.array(starts), pa.array(ends)


_PERIOD_START, _PERIOD_END = _period_texts()


@dataclass(frozen=True)
class Lookup:
    codes: pa.Array  # Comtrade codes as text
    iso3: pa.Array  # ISO3 at the same positions

    @classmethod
    def from_countries(cls, countries: pd.DataFrame | None) -> Lookup:
        if countries is None:
            from kzaf import data

            countries = data.load().countries
        mapping = codes.comtrade_codes(countries)
        return cls(pa.array(list(mapping)), pa.array(list(mapping.values())))

    def position(self, iso3: str) -> int:
        """Where a country sits in the lookup (-1 when the table does not have it)."""
        names = self.iso3.to_pylist()
        return names.index(iso3) if iso3 in names else -1


def normalise_block(batch, start, present, lookup: Lookup, source_id: str, tally: Tally):
    """Check one block of rows and return its observations (value rows, then quantity rows);
    None when no row of it is imported, or the import will fail anyway."""
    selected = main_flow_rows(batch, start, present, tally)
    if selected is None:
        return None
    kept, rows = selected
    checked = _checked_rows(kept, rows, present, lookup, tally)
    if checked is None or tally.counts:
        return None  # the import will fail: skip building rows nobody will read
    common = _common_columns(checked, lookup, tally)
    return _observations(common, checked, source_id)


@dataclass
class _Checked:
    """A block's rows that passed every check, in the forms the observations are built from."""

    reporter: np.ndarray  # positions in the lookup
    partner: np.ndarray
    is_export: pa.Array
    is_total: pa.Array
    commodity: pa.Array
    year: pa.Array
    month: pa.Array  # 0 for a whole year
    value: pa.Array  # USD
    weight: pa.Array  # kg, null where not given
    estimated: pa.Array | None  # isNetWgtEstimated as text, when the file has it


def _checked_rows(kept, rows, present, lookup: Lookup, tally: Tally) -> _Checked | None:
    """Run every row check on the block (problems go to the tally) and keep the good rows;
    their identities are remembered for the duplicate check."""
    col = kept.column
    positions, bad = _country_positions(kept, rows, lookup, tally)
    cmd = col("cmdCode")
    cmd_ok = pc.match_substring_regex(cmd, codes.HS_CODE.pattern)
    report(tally, pc.invert(cmd_ok), rows, "hs-code", [cmd], codes.hs_code_message)
    year, month, period_bad = period_columns(kept, present, rows, tally)
    value, value_bad = number_column(col("primaryValue"), "primaryValue", rows, tally,
                                     required=True)  # fmt: skip
    weight, weight_bad = pa.nulls(kept.num_rows, pa.float64()), None
    if "netWgt" in present:
        weight, weight_bad = number_column(col("netWgt"), "netWgt", rows, tally, required=False)
    any_bad = pc.invert(cmd_ok)
    for mask in (*bad, period_bad, value_bad, weight_bad):
        if mask is not None:
            any_bad = pc.or_(any_bad, mask)
    good_at = pc.indices_nonzero(pc.invert(any_bad))
    tally.rows_imported += len(good_at)
    if len(good_at) == 0:
        return None

    def take(array):
        return array if len(good_at) == kept.num_rows else pc.take(array, good_at)

    checked = _Checked(
        reporter=as_numpy(take(positions["reporterCode"]), np.int32),
        partner=as_numpy(take(positions["partnerCode"]), np.int32),
        is_export=pc.equal(take(col("flowCode")), "X"),
        is_total=pc.equal(take(cmd), "TOTAL"),
        commodity=take(cmd),
        year=take(year),
        month=take(month),
        value=take(value),
        weight=take(weight),
        estimated=take(col("isNetWgtEstimated")) if "isNetWgtEstimated" in present else None,
    )
    remember_keys(tally, checked.reporter, checked.partner,
                  checked.is_export, checked.commodity, checked.is_total, checked.year,
                  checked.month, take(rows), len(lookup.codes))  # fmt: skip
    return checked


def _country_positions(kept, rows, lookup: Lookup, tally: Tally):
    """Reporter and partner codes as positions in the countries lookup (0 where unknown),
    and the masks of unknown codes, reported and counted by code."""
    positions, bad = {}, []
    for column in ("reporterCode", "partnerCode"):
        codes_given = kept.column(column)
        where = pc.index_in(codes_given, value_set=lookup.codes)
        unknown = pc.is_null(where)
        if pc.any(unknown).as_py():
            seen = tally.unknown_codes.setdefault(column, Counter())
            for item in pc.value_counts(pc.filter(codes_given, unknown)).to_pylist():
                seen[item["values"]] += item["counts"]
        report(tally, unknown, rows, f"unknown-{column}", [codes_given], lambda v, c=column: (
            codes.unknown_code_message(c, v)
        ))  # fmt: skip
        positions[column] = pc.fill_null(where, 0)
        bad.append(unknown)
    return positions, bad


def _common_columns(checked: _Checked, lookup: Lookup, tally: Tally) -> dict[str, pa.Array]:
    """The columns a value row and a quantity row share, as dictionary arrays (small integer
    codes into a fixed list of texts: no string copied per row, compact in Parquet); the
    tally learns the countries, goods and periods seen."""
    reporter, partner = checked.reporter, checked.partner
    afghan = (reporter == lookup.position("AFG")) | (partner == lookup.position("AFG"))
    kazakh = (reporter == lookup.position("KAZ")) | (partner == lookup.position("KAZ"))
    total = as_numpy(checked.is_total, bool)
    period = (as_numpy(checked.year, np.int32) - FIRST_YEAR) * 13 + as_numpy(
        checked.month, np.int32
    )
    tally.reporters.update(lookup.iso3.take(pa.array(np.unique(reporter))).to_pylist())
    tally.partners.update(lookup.iso3.take(pa.array(np.unique(partner))).to_pylist())
    tally.commodities.update(pc.unique(checked.commodity).to_pylist())
    seen = pa.array(np.unique(period))
    tally.periods.update(_PERIOD_START.take(seen).to_pylist() + _PERIOD_END.take(seen).to_pylist())
    return {
        "topic": _text(np.where(afghan & ~kazakh, 0, np.where(total, 1, 2)), _TOPICS),
        "reporter": _text(reporter, lookup.iso3),
        "partner": _text(partner, lookup.iso3),
        "flow": _text(as_numpy(checked.is_export, np.int32), _FLOW_NAMES),
        "commodity": checked.commodity,
        "period_start": _text(period, _PERIOD_START),
        "period_end": _text(period, _PERIOD_END),
    }


def _observations(common: dict[str, pa.Array], checked: _Checked, source_id: str) -> pa.Table:
    """A value row for every checked row, then a quantity row where the net weight is given."""
    n, value, weight = len(checked.reporter), checked.value, checked.weight
    no = np.zeros(n, dtype=bool)
    value_rows = _stored(common, n, "value", pc.divide(value, 1e6), codes.VALUE_UNIT, source_id,
                         no, no.astype(np.int32))  # fmt: skip
    has_weight = as_numpy(pc.is_valid(weight), bool)
    if not has_weight.any():
        return value_rows
    estimated = (
        as_numpy(pc.is_in(checked.estimated, value_set=pa.array(_TRUE)), bool)
        if checked.estimated is not None
        else np.zeros(n, dtype=bool)
    )
    # A zero net weight beside a positive value is most likely weight not reported.
    zero_weight = as_numpy(pc.fill_null(pc.and_(pc.equal(weight, 0.0), pc.greater(value, 0.0)),
                                        False), bool)  # fmt: skip
    note = np.where(zero_weight, 2, np.where(estimated, 1, 0))
    at = pa.array(np.flatnonzero(has_weight))
    quantity_rows = _stored(
        {k: pc.take(v, at) for k, v in common.items()}, len(at), "quantity",
        pc.divide(pc.take(weight, at), 1e6), codes.QUANTITY_UNIT, source_id,
        zero_weight[has_weight], note[has_weight],
    )  # fmt: skip
    return pa.concat_tables([value_rows, quantity_rows])


def _text(indices: np.ndarray, texts: pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32, copy=False)), texts)


def _stored(common, n, measure, value, unit, source_id, suspect, note) -> pa.Table:
    zeros = np.zeros(n, dtype=np.int32)
    columns = {
        **common,
        "measure": _text(zeros, pa.array([measure])),
        "value": value,
        "unit": _text(zeros, pa.array([unit])),
        "source_id": _text(zeros, pa.array([source_id])),
        "precision": _text(zeros, pa.array(["exact"])),
        "basis": _text(zeros, pa.array(["calendar"])),
        "suspect": pa.array(suspect),
        "note": _text(note, _VALUE_NOTES if measure == "value" else _QUANTITY_NOTES),
    }
    return pa.table([columns[c] for c in STORED_COLUMNS], schema=STORED_SCHEMA)
