"""Loading what was imported: ``(observations, sources)`` in the columns and dtypes of
:func:`kzaf.data.load`, each import's file checked against the checksum it was written with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kzaf.comtrade import codes
from kzaf.comtrade.reading import sha256_of
from kzaf.comtrade.schema import (
    IMPORT_KIND,
    MODEL_COLUMNS,
    SOURCE_COLUMNS,
    STORED_COLUMNS,
    as_numpy,
    imported_dir,
)


class ImportedData(NamedTuple):
    """Imported observations and their sources, in the columns and dtypes of kzaf.data.load()."""

    observations: pd.DataFrame
    sources: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        """True when any figure comes from a synthetic test fixture (show a banner)."""
        return bool(self.sources["title"].str.startswith(codes.SYNTHETIC_TITLE_PREFIX).any())


def import_metadata(directory: Path | str | None = None) -> list[dict[str, Any]]:
    """The metadata of every import in the folder (what was read, counts, synthetic or not)."""
    directory = Path(directory) if directory else imported_dir()
    records = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            record = codes.parse_json(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not valid JSON ({exc}); run the import again") from None
        if record.get("kind") == IMPORT_KIND:
            records.append({**record, "metadata_file": str(path)})
    return records


def load_imported(
    directory: Path | str | None = None,
    *,
    names: Sequence[str] | None = None,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    commodities: Sequence[str] | None = None,
) -> ImportedData:
    """Every import in the folder (or those named) as ``(observations, sources)``.

    ``reporters``/``partners`` (ISO3) and ``commodities`` (TOTAL or HS codes) keep only those
    figures, filtered before anything is turned into Python objects: loading a million-row
    import whole costs memory a notebook does not need. Raises FileNotFoundError, saying what
    to run, when nothing was imported; ValueError when an import's file was changed after it
    was written or two imports hold the same figure.
    """
    directory = Path(directory) if directory else imported_dir()
    records = _selected_records(directory, names)
    filters = {"reporter": reporters, "partner": partners, "commodity": commodities}
    frames = [_observations_frame(_read_import(directory, r, filters)) for r in records]
    observations = frames[0]
    if len(frames) > 1:  # one import's figures are distinct (checked when it was made)
        observations = pd.concat(frames, ignore_index=True)
        _check_unique_ids(observations, records)
    sources = pd.DataFrame(
        [{c: r["source"].get(c, "") for c in SOURCE_COLUMNS} for r in records],
        columns=list(SOURCE_COLUMNS),
    )
    for name in SOURCE_COLUMNS:
        sources[name] = sources[name].astype(object)
    return ImportedData(observations, sources)


def _selected_records(directory: Path, names: Sequence[str] | None) -> list[dict[str, Any]]:
    """The metadata of the imports asked for (all when ``names`` is None); none is an error."""
    records = import_metadata(directory)
    if names is not None:
        wanted = set(names)
        records = [r for r in records if Path(r["output"]["file"]).stem in wanted]
        missing = wanted - {Path(r["output"]["file"]).stem for r in records}
        if missing:
            raise FileNotFoundError(f"no import named {', '.join(sorted(missing))} in {directory}")
    if not records:
        raise FileNotFoundError(
            f"no imported UN Comtrade data in {directory}: run `kzaf import comtrade FILE` "
            "first (a Comtrade CSV export, or a folder saved by `kzaf fetch comtrade`; for the "
            "synthetic test fixture: `kzaf import comtrade "
            "tests/fixtures/comtrade/comtrade_KAZ_AFG_monthly_2019-2024_SYNTHETIC.csv`)"
        )
    return records


def _read_import(
    directory: Path, record: dict[str, Any], filters: dict[str, Sequence[str] | None]
) -> pa.Table:
    """One import's stored table, checked against its recorded sha256, with only the rows
    whose column values are in ``filters`` (a None filter keeps everything)."""
    parquet = directory / record["output"]["file"]
    if not parquet.exists():
        raise FileNotFoundError(
            f"{parquet}: described by {record['metadata_file']} but missing; run the import again"
        )
    if sha256_of(parquet) != record["output"]["sha256"]:
        raise ValueError(
            f"{parquet} changed after it was imported (sha256 differs from "
            f"{Path(record['metadata_file']).name}); imports are derived data, never "
            "edited: run `kzaf import comtrade FILE --replace` again"
        )
    table = pq.read_table(parquet)
    for column, kept in filters.items():
        if kept is not None:
            keep = pc.is_in(pc.cast(table.column(column), pa.string()),
                            value_set=pa.array(list(kept), pa.string()))  # fmt: skip
            table = table.filter(keep)
    return table


def _observations_frame(table: pa.Table) -> pd.DataFrame:
    """A stored import as observations: obs_id derived, text as object, months as Periods."""
    text = {
        name: pc.cast(table.column(name), pa.string())
        for name in ("reporter", "partner", "flow", "commodity", "measure", "period_start",
                     "period_end")
    }  # fmt: skip
    start, end = text["period_start"], text["period_end"]
    # A single month is named YYYYMM, a whole year YYYY (a record covers one or the other).
    period_id = pc.if_else(
        pc.equal(start, end),
        pc.replace_substring(start, "-", ""),
        pc.utf8_slice_codeunits(start, 0, 4),
    )
    obs_id = pc.binary_join_element_wise(
        "CT", text["reporter"], text["partner"],
        pc.if_else(pc.equal(text["flow"], "export"), "X", "M"), text["commodity"], period_id,
        pc.if_else(pc.equal(text["measure"], "value"), "V", "Q"), "-",
    )  # fmt: skip
    # Text stays object dtype, as kzaf.data.load() gives it (said explicitly: pandas would
    # otherwise infer its string dtype and copy every value).
    frame = {"obs_id": pd.Series(_objects(obs_id, distinct=False), dtype=object, copy=False)}
    for name in STORED_COLUMNS:
        column = table.column(name)
        if name in ("period_start", "period_end"):
            frame[name] = pd.Series(
                # pandas >= 2.2 has from_ordinals; pandas-stubs does not list it yet.
                pd.PeriodIndex.from_ordinals(_month_ordinals(column), freq="M"),  # type: ignore[attr-defined]
                copy=False,
            )
        elif name == "value":
            frame[name] = pd.Series(as_numpy(column, float), copy=False)
        elif name == "suspect":
            frame[name] = pd.Series(as_numpy(column, bool), copy=False)
        else:
            frame[name] = pd.Series(_objects(column), dtype=object, copy=False)
    # Provenance, derived rather than stored: a Comtrade figure is its reporter's own
    # declaration, and each record is its own statement (kzaf.provenance).
    frame["attributed_to"] = frame["reporter"]
    frame["restates"] = frame["distinct_from"] = pd.Series(
        "", index=frame["obs_id"].index, dtype=object
    )
    return pd.DataFrame(frame, columns=list(MODEL_COLUMNS))


def _chunks(column) -> list[pa.Array]:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


def _objects(column, *, distinct: bool = True) -> np.ndarray:
    """Text as a numpy object array; with ``distinct``, one Python str per distinct value."""
    parts = []
    for chunk in _chunks(column):
        if not distinct:
            parts.append(chunk.to_numpy(zero_copy_only=False))
            continue
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        texts = np.asarray([*chunk.dictionary.to_pylist(), None], dtype=object)
        parts.append(texts[as_numpy(chunk.indices, np.int64)])
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def _month_ordinals(column) -> np.ndarray:
    """ "YYYY-MM" text (dictionary-encoded) -> pandas monthly ordinals (months since 1970-01)."""
    parts = []
    for chunk in _chunks(column):
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        texts = chunk.dictionary.to_pylist()
        ordinals = np.array([(int(t[:4]) - 1970) * 12 + int(t[5:7]) - 1 for t in texts] + [0])
        parts.append(ordinals[as_numpy(chunk.indices, np.int64)])
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _check_unique_ids(observations: pd.DataFrame, records: list[dict[str, Any]]) -> None:
    repeated = observations["obs_id"].duplicated(keep=False)
    if not repeated.any():
        return
    clash = observations.loc[repeated, ["obs_id", "source_id"]].drop_duplicates()
    example = clash["obs_id"].iloc[0]
    sources = sorted(set(clash.loc[clash["obs_id"] == example, "source_id"]))
    raise ValueError(
        f"{int(repeated.sum())} figures appear in more than one import (e.g. {example} in "
        f"{', '.join(sources)}): two extracts of the same query would count each figure twice. "
        "Load one with load_imported(names=[...]) or remove the older import's .parquet and "
        ".json"
    )
