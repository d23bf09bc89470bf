"""Save: the observations streamed to a hidden Parquet file, renamed into place with the
import's metadata only when every row passed; a failed import leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from kzaf.comtrade import codes
from kzaf.comtrade.checks import Tally, check_duplicates
from kzaf.comtrade.errors import ComtradeFormatError, ComtradeImportError
from kzaf.comtrade.normalise import Lookup, normalise_block
from kzaf.comtrade.reading import sha256_of
from kzaf.comtrade.schema import IMPORT_KIND, STORED_COLUMNS, STORED_SCHEMA, imported_dir


@dataclass
class ImportSummary:
    """What an import read, wrote and left out (also saved as the import's JSON)."""

    name: str
    parquet: Path
    metadata: Path
    rows_read: int
    rows_imported: int
    observations: int
    sub_flows: dict[str, int]
    breakdown_rows: int
    first_period: str | None
    last_period: str | None
    reporters: list[str]
    partners: list[str]
    commodities: list[str]
    synthetic: bool
    seconds: float

    def lines(self) -> list[str]:
        out = [
            f"imported {self.rows_imported} of {self.rows_read} rows as {self.observations} "
            f"observations ({self.first_period} to {self.last_period})",
            f"reporters {', '.join(self.reporters)}; partners {', '.join(self.partners)}; "
            f"{len(self.commodities)} commodity code(s)",
        ]
        if self.sub_flows:
            left = ", ".join(f"{k} {v}" for k, v in sorted(self.sub_flows.items()))
            out.append(
                f"left out sub-flow rows ({left}): re-exports and re-imports are already part of "
                "exports and imports, so they are not added again"
            )
        if self.breakdown_rows:
            out.append(
                f"left out {self.breakdown_rows} breakdown rows (by second partner, mode of "
                "transport or customs procedure): their totals are imported instead"
            )
        if self.synthetic:
            out.append("SYNTHETIC: this file is a made-up test fixture, not UN Comtrade data")
        out.append(f"wrote {self.parquet} and {self.metadata.name} in {self.seconds:.1f} s")
        return out


def normalise_and_write(batches, present, source, countries, out_dir, name, replace, tally):
    lookup = Lookup.from_countries(countries)
    out_dir = Path(out_dir) if out_dir else imported_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet, metadata = out_dir / f"{name}.parquet", out_dir / f"{name}.json"
    _guard_replace(metadata, replace, name)
    partial = out_dir / f".{name}.parquet.partial"
    # Statistics and dictionary pages help every column but the values themselves, which are
    # nearly all distinct (measured: about a fifth of the writing time).
    others = [c for c in STORED_COLUMNS if c != "value"]
    writer = pq.ParquetWriter(partial, STORED_SCHEMA, compression="snappy",
                              use_dictionary=others, write_statistics=others)  # fmt: skip
    try:
        for batch, start in batches:
            table = normalise_block(batch, start, present, lookup, source.source_id, tally)
            if table is not None and table.num_rows and not tally.counts:
                writer.write_table(table)
                tally.observations += table.num_rows
        writer.close()
        check_duplicates(tally)
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    if tally.counts or tally.stopped:
        partial.unlink(missing_ok=True)
        notes = [tally.stopped] if tally.stopped else []
        for column, seen in sorted(tally.unknown_codes.items()):
            shown = ", ".join(f"{c!r} ({n} rows)" for c, n in seen.most_common(20))
            notes.append(f"unknown codes in {column}: {shown}")
        raise ComtradeImportError(tally.label, tally.first_problems(), tally.counts, notes)
    if tally.rows_imported == 0:
        partial.unlink(missing_ok=True)
        left = ", ".join(f"{k} {v}" for k, v in sorted(tally.sub_flows.items())) or "none"
        raise ComtradeFormatError(
            f"{tally.label}: nothing to import: {tally.rows_read} rows read, none a headline "
            f"import (M) or export (X) total (sub-flow rows: {left}; breakdown rows: "
            f"{tally.breakdown_rows}). No rows means no figures, not zero trade."
        )
    return partial, parquet, metadata


def _guard_replace(metadata: Path, replace: bool, name: str) -> None:
    if metadata.exists() and not replace:
        raise ComtradeFormatError(
            f"an import named {name!r} already exists ({metadata}); pass replace=True "
            "(kzaf import comtrade --replace) to rebuild it, or rename the file"
        )


def finish_import(
    outcome, inputs, source, synthetic, tally: Tally, started: float
) -> ImportSummary:
    partial, parquet, metadata = outcome
    periods = sorted(tally.periods)
    summary = ImportSummary(
        name=parquet.stem,
        parquet=parquet,
        metadata=metadata,
        rows_read=tally.rows_read,
        rows_imported=tally.rows_imported,
        observations=tally.observations,
        sub_flows=dict(tally.sub_flows),
        breakdown_rows=tally.breakdown_rows,
        first_period=periods[0] if periods else None,
        last_period=periods[-1] if periods else None,
        reporters=sorted(tally.reporters),
        partners=sorted(tally.partners),
        commodities=sorted(tally.commodities),
        synthetic=synthetic,
        seconds=0.0,
    )
    from kzaf import __version__

    os.replace(partial, parquet)
    summary.seconds = time.perf_counter() - started
    record = {
        "kind": IMPORT_KIND,
        "synthetic": synthetic,
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "producer": f"kzaf {__version__} (kzaf import comtrade)",
        "inputs": inputs,
        "output": {"file": parquet.name, "sha256": sha256_of(parquet), "rows": tally.observations},
        "rows_read": tally.rows_read,
        "rows_imported": tally.rows_imported,
        "left_out": {"sub_flows": dict(tally.sub_flows), "breakdown_rows": tally.breakdown_rows},
        "periods": {"first": summary.first_period, "last": summary.last_period},
        "reporters": summary.reporters,
        "partners": summary.partners,
        "commodities": summary.commodities,
        "source": source.as_dict(),
        "licence_note": codes.LICENCE_NOTE,
        "seconds": round(summary.seconds, 2),
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    metadata.with_name(metadata.name + ".partial").write_text(text, encoding="utf-8")
    os.replace(metadata.with_name(metadata.name + ".partial"), metadata)
    return summary
