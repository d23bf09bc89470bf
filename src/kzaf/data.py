"""Load and validate the sourced tables in ``data/`` (I/O only).

Every table is a UTF-8 CSV described in ``data/datapackage.json`` (Frictionless-style: fields
with types and constraints, primary and foreign keys, a sha256 checksum per file). ``load()``
reads every table, checks it against that description and returns pandas DataFrames. Problems
are collected, not raised one at a time, and each names the file, row, column and rule broken,
so a contributor fixes a whole batch in one pass.

Row numbers count data rows from 1 (the header is line 1, so row N sits on line N + 1).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from kzaf import table_text, vocabulary
from kzaf.checksums import REHASH_HINT, file_sha256
from kzaf.frames import records as frame_records
from kzaf.paths import data_dir
from kzaf.problems import Problem

DESCRIPTOR_NAME = "datapackage.json"

# Frictionless knows no partial date, so datapackage.json declares these fields as strings with
# a pattern (which standard tools check) and names the project's own format in "x-format"
# (which kzaf.data checks more strictly: 2023-02-30 matches the pattern but is no date).
PARTIAL_DATE_KEY = "x-format"
# ASCII digits only: Python's \d, float() and int() also take Arabic-Indic or full-width digits
# ("٢٠٢٣", "１２") and underscores ("1_000"), which pandas then refuses while loading.
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$", re.ASCII)
_YEARMONTH = re.compile(r"^\d{4}-\d{2}$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_INTEGER = re.compile(r"^[+-]?\d+$", re.ASCII)
_TRUE = {"true"}
_FALSE = {"false"}


# ---------------------------------------------------------------------------------------------
# Problems


class DataValidationError(ValueError):
    """Raised by :func:`load` with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        if len(problems) == 1:  # one line, as every bad input at the command line
            super().__init__(str(problems[0]))
            return
        shown = problems[:40]
        lines = [f"{len(problems)} problem(s) in the data tables:"]
        lines += [f"  - {p}" for p in shown]
        if len(problems) > len(shown):
            lines.append(f"  ... and {len(problems) - len(shown)} more")
        super().__init__("\n".join(lines))


class UnknownCountryError(KeyError):
    """A country name or code that the countries table does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class ImportedFigures:
    """Figures from an outside source (UN Comtrade imports) in the columns of the observations
    and sources tables, read beside the published tables (never merged into ``data/``)."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    synthetic: bool = False  # from the made-up test fixture: never a finding


@dataclass(frozen=True)
class Tables:
    """The validated tables, one DataFrame each, plus the descriptor they were checked against,
    and any figures imported beside them (``kzaf.inputs.load``)."""

    frames: Mapping[str, pd.DataFrame]
    descriptor: Mapping[str, Any] = field(repr=False)
    directory: Path
    imported: ImportedFigures | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["frames"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def checksums(self) -> dict[str, str]:
        """The recorded sha256 of each table's file, by file name (for run manifests)."""
        return {r["path"]: r.get("hash", "") for r in self.descriptor["resources"]}


def read_descriptor(directory: Path | None = None) -> dict[str, Any]:
    """``datapackage.json``, checked for the shape every reader relies on (one problem, one
    line, rather than a KeyError or a RecursionError)."""
    directory = Path(directory) if directory else data_dir()
    path = directory / DESCRIPTOR_NAME
    if not path.exists():
        raise FileNotFoundError(f"{path}: the data descriptor is missing")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise DataValidationError(
            [Problem(str(path), None, None, "json", f"not valid JSON: {reason}")]
        ) from None
    problem = _descriptor_problem(descriptor)
    if problem:
        raise DataValidationError([Problem(str(path), None, None, "descriptor", problem)])
    return descriptor


def _descriptor_problem(descriptor: Any) -> str | None:
    """What makes the descriptor unusable, or None: a data package with resources, each
    naming a table file inside the data folder and a schema with named fields."""
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        return "not a data package: no list of resources"
    for number, resource in enumerate(resources, start=1):
        where = f"resource {number}"
        if not isinstance(resource, dict) or not all(
            isinstance(resource.get(key), str) for key in ("name", "path")
        ):
            return f"{where} needs a name and a path"
        table = PurePosixPath(resource["path"])
        if table.is_absolute() or ".." in table.parts or "\\" in resource["path"]:
            return f"{where}: path {resource['path']!r} must name a file inside the data folder"
        fields = (
            resource.get("schema", {}).get("fields")
            if isinstance(resource.get("schema"), dict)
            else None
        )
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            return f"{where} ({resource['name']}): its schema needs a list of named fields"
    return None


def load(directory: Path | str | None = None, *, verify_checksums: bool = True) -> Tables:
    """Read and validate every table in the data folder; return them as DataFrames.

    Raises :class:`DataValidationError` listing every problem found (file, row, column, rule).
    """
    directory = Path(directory) if directory else data_dir()
    descriptor = read_descriptor(directory)
    problems: list[Problem] = []
    raw: dict[str, list[dict[str, str]]] = {}
    for resource in descriptor["resources"]:
        path = directory / resource["path"]
        label = _label(directory, resource["path"])
        if not path.exists():
            problems.append(Problem(label, None, None, "file-exists", "file not found"))
            continue
        table = table_text.read(path)  # the one reading: hashed and parsed from one read
        if verify_checksums and resource.get("hash") and table.sha256:
            actual = table.sha256
            if actual != resource["hash"]:
                problems.append(
                    Problem(
                        label,
                        None,
                        None,
                        "checksum",
                        f"sha256 differs from the one recorded in {DESCRIPTOR_NAME} "
                        f"({resource['hash'][:19]}... recorded, {actual[:19]}... found); "
                        + REHASH_HINT,
                    )
                )
        rows, file_problems = _read_rows(table, label, resource["schema"])
        problems += file_problems
        if not table.problems:  # an unreadable table is one problem, not one per reference
            raw[resource["name"]] = rows
        problems += _check_fields(rows, label, resource["schema"])
        problems += _check_primary_key(rows, label, resource["schema"])
        problems += _check_row_rules(rows, label, resource["schema"])
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if resource["name"] in raw:
            problems += _check_foreign_keys(
                raw, resource, _label(directory, resource["path"]), by_name
            )
    problems += _provenance(raw, descriptor, directory)
    if problems:
        raise DataValidationError(problems)
    frames = {r["name"]: _to_frame(raw[r["name"]], r["schema"]) for r in descriptor["resources"]}
    return Tables(frames=frames, descriptor=descriptor, directory=directory)


def rehash(directory: Path | str | None = None) -> list[str]:
    """Record each table's current sha256 and size in the descriptor; return changed files."""
    directory = Path(directory) if directory else data_dir()
    descriptor = read_descriptor(directory)
    changed = []
    for resource in descriptor["resources"]:
        path = directory / resource["path"]
        digest = file_sha256(path)
        if resource.get("hash") != digest:
            changed.append(resource["path"])
        resource["hash"] = digest
        resource["bytes"] = path.stat().st_size
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    (directory / DESCRIPTOR_NAME).write_text(text, encoding="utf-8")
    return changed


# ---------------------------------------------------------------------------------------------
# Countries: loud harmonisation


def country_lookup(countries: pd.DataFrame) -> dict[str, str]:
    """Every accepted spelling (ISO3, M49, Comtrade code, name, alternates) -> ISO3, folded by
    the one rule of :func:`kzaf.vocabulary.fold` (the parameter rules use the same lookup)."""
    return vocabulary.spellings(frame_records(countries))


def resolve_country(value: str | int, countries: pd.DataFrame, *, what: str = "country") -> str:
    """The ISO3 code of a country given by name or code; an unknown one is an error."""
    code = vocabulary.country_code(value, country_lookup(countries))
    if code is None:
        known = ", ".join(sorted(countries["iso3"]))
        raise UnknownCountryError(
            f"unknown {what} {value!r}: not a code, name or alternate in data/countries.csv "
            f"(known ISO3 codes: {known}); add it to the table rather than guessing"
        )
    return code


# ---------------------------------------------------------------------------------------------
# Reading and checking


def _label(directory: Path, name: str) -> str:
    """A short, stable name for a file in messages (data/<name> for the project's folder)."""
    return f"{directory.name}/{name}"


def _read_rows(
    table: table_text.TableText, label: str, schema: Mapping[str, Any]
) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows (cells stripped, keyed by header, ``__row__`` their number) and problems, from
    the table as :mod:`kzaf.table_text` read it."""
    problems = [Problem(label, p.row, p.column, p.rule, p.message) for p in table.problems]
    if not table.header:
        return [], problems
    header = table.header
    expected = [f["name"] for f in schema["fields"]]
    for name in expected:
        if name not in header:
            problems.append(
                Problem(label, None, name, "missing-column", "required column is missing")
            )
    for name in header:
        if name not in expected:
            problems.append(
                Problem(
                    label,
                    None,
                    name,
                    "unknown-column",
                    f"column not described in {DESCRIPTOR_NAME} (expected: {', '.join(expected)})",
                )
            )
    rows = []
    for number, cells in table.rows:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    label,
                    number,
                    None,
                    "row-length",
                    f"{len(cells)} cells where the header has {len(header)}",
                )
            )
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        row["__row__"] = str(number)
        rows.append(row)
    return rows, problems


def _check_fields(
    rows: list[dict[str, str]], label: str, schema: Mapping[str, Any]
) -> Iterable[Problem]:
    for spec in schema["fields"]:
        name = spec["name"]
        constraints = spec.get("constraints", {})
        for row in rows:
            if name not in row:
                continue  # reported once as a missing column
            value = row[name]
            number = int(row["__row__"])
            if value == "":
                if constraints.get("required"):
                    yield Problem(label, number, name, "required", "value is missing")
                continue
            message = _check_value(value, spec)
            if message:
                yield Problem(label, number, name, message[0], message[1])
        if constraints.get("unique"):
            yield from _duplicates(rows, label, [name], "unique")


def _check_value(value: str, spec: Mapping[str, Any]) -> tuple[str, str] | None:
    kind = spec.get("type", "string")
    constraints = spec.get("constraints", {})
    parsed: Any = value
    if kind == "number" or kind == "integer":
        if not (_NUMBER if kind == "number" else _INTEGER).match(value):
            return "type", f"{value!r} is not a{'n integer' if kind == 'integer' else ' number'}"
        parsed = float(value) if kind == "number" else int(value)
        if kind == "number" and not math.isfinite(parsed):
            return "type", f"{value!r} is not a finite number"
        if "minimum" in constraints and parsed < constraints["minimum"]:
            what = "negative value" if constraints["minimum"] == 0 else "value below minimum"
            return "minimum", f"{what} {value} (must be >= {constraints['minimum']})"
        if "maximum" in constraints and parsed > constraints["maximum"]:
            return "maximum", f"value {value} above maximum {constraints['maximum']}"
    elif kind == "boolean":
        if value.lower() not in _TRUE | _FALSE:
            return "type", f"{value!r} is not a boolean (true or false)"
    elif kind == "date":
        if not _DATE.match(value) or not _valid_partial_date(value):
            return "type", f"unparseable date {value!r} (expected YYYY-MM-DD)"
    elif kind == "yearmonth" and (not _YEARMONTH.match(value) or not _valid_partial_date(value)):
        return "type", f"unparseable year-month {value!r} (expected YYYY-MM, from 0001-01)"
    elif spec.get(PARTIAL_DATE_KEY) == "partial-date" and (
        not _PARTIAL_DATE.match(value) or not _valid_partial_date(value)
    ):
        return "type", f"unparseable date {value!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)"
    enum = constraints.get("enum")
    if enum is not None and value not in enum:
        what = spec.get("x-enum-label", "value")
        return "enum", f"unknown {what} {value!r} (allowed: {', '.join(map(str, enum))})"
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return "pattern", f"{value!r} does not match the pattern {pattern}"
    return None


def _valid_partial_date(value: str) -> bool:
    """A real calendar day, month or year (year 0 and 2023-02-30 are not)."""
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _duplicates(
    rows: list[dict[str, str]], label: str, names: list[str], rule: str
) -> Iterable[Problem]:
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        if any(n not in row for n in names):
            return
        key = tuple(row[n] for n in names)
        if all(k == "" for k in key):
            continue
        number = int(row["__row__"])
        if key in seen:
            shown = ", ".join(key)
            yield Problem(
                label,
                number,
                ", ".join(names),
                rule,
                f"duplicate id {shown!r} (first used in row {seen[key]})",
            )
        else:
            seen[key] = number


def _check_primary_key(
    rows: list[dict[str, str]], label: str, schema: Mapping[str, Any]
) -> Iterable[Problem]:
    key = schema.get("primaryKey")
    if not key:
        return []
    names = [key] if isinstance(key, str) else list(key)
    unique_alone = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
    if len(names) == 1 and names[0] in unique_alone:
        return []  # already reported by the field's own unique constraint
    return _duplicates(rows, label, names, "primary-key")


def _check_row_rules(
    rows: list[dict[str, str]], label: str, schema: Mapping[str, Any]
) -> Iterable[Problem]:
    for rule in schema.get("x-row-rules", []):
        name = rule["rule"]
        for row in rows:
            number = int(row["__row__"])
            if name == "not-before":
                first, second = rule["fields"]
                a, b = row.get(first, ""), row.get(second, "")
                if a and b and _YEARMONTH.match(a) and _YEARMONTH.match(b) and b < a:
                    yield Problem(
                        label,
                        number,
                        second,
                        "end-before-start",
                        f"{second} {b} is before {first} {a}",
                    )
            elif name == "value-or-range":
                value, low, high = (row.get(f, "") for f in rule["fields"])
                if not value and not (low and high) and row.get("precision") != "presence":
                    yield Problem(
                        label,
                        number,
                        rule["fields"][0],
                        "value-or-range",
                        "give a value, or both value_low and value_high",
                    )
                if _is_number(low) and _is_number(high) and float(high) < float(low):
                    yield Problem(
                        label,
                        number,
                        rule["fields"][2],
                        "low-above-high",
                        f"value_high {high} is below value_low {low}",
                    )
            elif name == "required-with":
                column, other, other_value = rule["column"], rule["when"], rule["equals"]
                if row.get(other) == other_value and not row.get(column):
                    yield Problem(
                        label,
                        number,
                        column,
                        "required-with",
                        f"value is missing (required when {other} is {other_value!r})",
                    )


def _provenance(
    raw: Mapping[str, list[dict[str, str]]], descriptor: Mapping[str, Any], directory: Path
) -> list[Problem]:
    """How records relate to their statements (kzaf.provenance: one statement, one record)."""
    from kzaf import provenance

    labels = {r["name"]: _label(directory, r["path"]) for r in descriptor["resources"]}
    return provenance.lint(raw, labels)


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def _check_foreign_keys(
    raw: Mapping[str, list[dict[str, str]]],
    resource: Mapping[str, Any],
    label: str,
    by_name: Mapping[str, Mapping[str, Any]],
) -> Iterable[Problem]:
    for fk in resource["schema"].get("foreignKeys", []):
        field_name = fk["fields"]
        target = fk["reference"]["resource"] or resource["name"]  # "": the table itself
        target_field = fk["reference"]["fields"]
        if target not in raw:
            continue
        allowed = {row.get(target_field, "") for row in raw[target]}
        what = fk.get("x-label", f"{target}.{target_field}")
        separator = fk.get("x-separator")
        target_file = by_name[target]["path"]
        for row in raw[resource["name"]]:
            value = row.get(field_name, "")
            if not value:
                continue
            values = [v.strip() for v in value.split(separator)] if separator else [value]
            for item in values:
                if item not in allowed:
                    yield Problem(
                        label,
                        int(row["__row__"]),
                        field_name,
                        "foreign-key",
                        f"unknown {what} {item!r} (not in {target_file})",
                    )


# ---------------------------------------------------------------------------------------------
# Typed frames


def _to_frame(rows: list[dict[str, str]], schema: Mapping[str, Any]) -> pd.DataFrame:
    names = [f["name"] for f in schema["fields"]]
    frame = pd.DataFrame([{n: r.get(n, "") for n in names} for r in rows], columns=names)
    for spec in schema["fields"]:
        name, kind = spec["name"], spec.get("type", "string")
        column = frame[name]
        if kind == "number":
            frame[name] = pd.to_numeric(column.replace("", None), errors="raise").astype(float)
        elif kind == "integer":
            frame[name] = pd.to_numeric(column.replace("", None)).astype("Int64")
        elif kind == "boolean":
            frame[name] = column.str.lower().eq("true")
        elif kind == "yearmonth":
            frame[name] = pd.PeriodIndex(column.replace("", None), freq="M")
        else:
            frame[name] = column.astype(object)
    return frame


# ---------------------------------------------------------------------------------------------
# Codebook


CODEBOOK_BEGIN = "<!-- codebook: generated by `kzaf data codebook`; do not edit by hand -->"
CODEBOOK_END = "<!-- end of codebook -->"


def codebook_markdown(descriptor: Mapping[str, Any]) -> str:
    """The codebook section of data/README.md: one table per file, one row per variable."""
    parts = [CODEBOOK_BEGIN]
    for resource in descriptor["resources"]:
        parts.append(f"\n### `{resource['path']}` — {resource.get('title', resource['name'])}\n")
        parts.append(resource.get("description", "") + "\n")
        parts.append("| variable | type | definition | unit or allowed values | required |")
        parts.append("|---|---|---|---|---|")
        for spec in resource["schema"]["fields"]:
            constraints = spec.get("constraints", {})
            allowed = spec.get("unit", "")
            if "enum" in constraints:
                allowed = ", ".join(f"`{v}`" for v in constraints["enum"])
            kind = spec.get(PARTIAL_DATE_KEY, spec.get("format", spec.get("type", "string")))
            required = "yes" if constraints.get("required") else ""
            definition = spec.get("description", "").replace("|", "/")
            parts.append(f"| `{spec['name']}` | {kind} | {definition} | {allowed} | {required} |")
        links = [
            # An empty resource is Frictionless's reference to the table itself.
            f"`{fk['fields']}` → "
            f"`{fk['reference']['resource'] or resource['name']}.{fk['reference']['fields']}`"
            for fk in resource["schema"].get("foreignKeys", [])
        ]
        if links:
            parts.append("\nReferences: " + "; ".join(links) + ".")
    parts.append(CODEBOOK_END)
    return "\n".join(parts)
