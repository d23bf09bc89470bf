"""Fetch trade data from the UN Comtrade API and save every raw response, never overwriting.

What this relies on about the API (looked up in public sources; re-check them if calls fail):

* Endpoints, under ``https://comtradeapi.un.org``: ``/public/v1/preview/{type}/{freq}/{cl}``
  needs no key; ``/data/v1/get/{type}/{freq}/{cl}`` needs a subscription key. Here type ``C``
  (goods), freq ``A`` or ``M``, classification ``HS`` (the official client
  uncomtrade/comtradeapicall, src/comtradeapicall/PreviewGet.py; the endpoint table on
  uncomtrade.org/docs/un-comtrade-api).
* Query parameters ``reporterCode``, ``partnerCode``, ``partner2Code``, ``period``,
  ``flowCode``, ``cmdCode``, ``customsCode``, ``motCode``, ``maxRecords``, ``breakdownMode``,
  ``includeDesc``; several values are separated by commas. Partner World is ``0`` and all
  goods ``TOTAL``; the "classic" totals are partner2Code 0, motCode 0, customsCode C00
  (maintainer's answer in uncomtrade/comtradeapicall issue #21; ropensci/comtradr
  R/ct_get_data.R). Periods are YYYY for annual and YYYYMM for monthly data
  (uncomtrade/comtradeapicall issue #18).
* The key goes in the ``Ocp-Apim-Subscription-Key`` header (the API runs on Azure API
  Management; ropensci/comtradr R/ct_build_request.R sends it so). The official client puts it
  in the query string instead; a header keeps it out of every URL we print or save.
* Limits: at most 12 periods per call (comtradr R/ct_check_params.R, check_date); the preview
  returns at most 500 records per call (comtradeapicall README); a keyed call at most 250,000
  per the same README, but comtradr warns that 100,000 rows means a cut-off answer
  (R/ct_process_response.R), so 100,000 is the keyed cap used here; URLs longer than 4,096
  characters are refused (comtradr R/ct_build_request.R). There is no offset parameter, so
  "paging" means splitting: an answer that reaches the cap is saved, marked truncated, and the
  request is split (periods, then flows, goods, reporters, partners) until each part fits.
* Errors: HTTP 429 "Rate limit is exceeded. Try again in N seconds" (comtradeapicall issue #3);
  comtradr retries 429 and 403 when a ``Retry-After`` header is present
  (R/ct_perform_request.R) and throttles to 10 calls a minute by default. Answers are JSON
  ``{"elapsedTime", "count", "data": [...], "error": ""}`` (recorded responses in comtradr's
  tests); an empty ``data`` list means no records, which is not zero trade.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kzaf.comtrade import codes
from kzaf.comtrade.errors import ComtradeFetchError, ComtradeQueryError
from kzaf.comtrade.transport import KEY_HEADER, api_message, http_get, retry_after
from kzaf.logs import progress_bar
from kzaf.paths import data_dir

_LOGGER = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://comtradeapi.un.org"
BASE_URL_ENV = "KZAF_COMTRADE_BASE_URL"
KEY_ENV = "COMTRADE_API_KEY"
PREVIEW_PATH = "/public/v1/preview/C/{freq}/HS"
KEYED_PATH = "/data/v1/get/C/{freq}/HS"
PREVIEW_MAX_RECORDS = 500
KEYED_MAX_RECORDS = 100_000
MAX_PERIODS = 12
MAX_URL_LENGTH = 4096
FLOW_CODES = ("M", "X", "RM", "RX")
# Retry 429 and 5xx (and 403 when the API says when to come back); wait what Retry-After says,
# otherwise 2, 4, 8, ... seconds up to a minute; give up beyond MAX_WAIT rather than stall.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 300.0


@dataclass(frozen=True)
class Query:
    """One API call's selection: Comtrade codes for countries, text for the rest."""

    frequency: str
    reporters: tuple[int, ...]
    partners: tuple[int, ...]
    periods: tuple[str, ...]
    flows: tuple[str, ...]
    commodities: tuple[str, ...]

    def params(self, max_records: int) -> dict[str, str]:
        return {
            "reporterCode": ",".join(map(str, self.reporters)),
            "partnerCode": ",".join(map(str, self.partners)),
            "partner2Code": "0",
            "period": ",".join(self.periods),
            "flowCode": ",".join(self.flows),
            "cmdCode": ",".join(self.commodities),
            "customsCode": "C00",
            "motCode": "0",
            "maxRecords": str(max_records),
            "breakdownMode": "classic",
            "includeDesc": "true",
        }

    def split(self) -> list[Query] | None:
        """Two smaller queries covering this one, or None when it cannot be split."""
        for name in ("periods", "flows", "commodities", "reporters", "partners"):
            values = getattr(self, name)
            if len(values) > 1:
                half = len(values) // 2
                first, second = values[:half], values[half:]
                return [replace(self, **{name: first}), replace(self, **{name: second})]
        return None

    def file_stem(self) -> str:
        goods = "+".join(self.commodities)
        if len(goods) > 40:
            goods = f"{len(self.commodities)}codes-" + hashlib.sha1(goods.encode()).hexdigest()[:8]
        return (
            f"{self.frequency}-r{'+'.join(map(str, self.reporters))}"
            f"-p{'+'.join(map(str, self.partners))}-{self.periods[0]}-{self.periods[-1]}"
            f"-{'+'.join(self.flows)}-{goods}"
        )


@dataclass
class SavedResponse:
    path: Path
    metadata: Path
    url: str
    records: int
    truncated: bool


@dataclass
class FetchResult:
    """Every response saved by one fetch, and which requests came back empty."""

    folder: Path
    responses: list[SavedResponse] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # URLs that returned no records
    keyed: bool = False
    selection: str = ""  # short digest of what was asked, names the import of this fetch

    @property
    def import_name(self) -> str:
        """``fetch-<date>-<selection>``: the same query on the same day rebuilds one import."""
        return f"fetch-{self.folder.name}-{self.selection}"

    @property
    def records(self) -> int:
        return sum(r.records for r in self.responses if not r.truncated)

    @property
    def files(self) -> list[Path]:
        """The complete (not truncated) responses, for import."""
        return [r.path for r in self.responses if not r.truncated]

    def lines(self) -> list[str]:
        endpoint = "keyed endpoint" if self.keyed else "public preview endpoint (no key set)"
        out = [
            f"{len(self.responses)} response(s) from the {endpoint}, {self.records} records, "
            f"saved under {self.folder}"
        ]
        if self.empty:
            out.append(
                f"{len(self.empty)} request(s) returned no records: the API has no figures for "
                "them (empty, which is not zero trade)"
            )
        if self.records == 0:
            out.append("EMPTY: no records at all for this selection")
        return out


# ---------------------------------------------------------------------------------------------
# Building the requests


def parse_periods(frequency: str, start: str, end: str) -> list[str]:
    """Every period from start to end: YYYY for annual, YYYYMM for monthly data.

    Monthly bounds may be YYYY-MM, YYYYMM or a bare year (January for start, December for end).
    """
    frequency = frequency.upper()
    if frequency not in ("A", "M"):
        raise ComtradeQueryError(f"frequency {frequency!r}: use A (annual) or M (monthly)")

    def month_of(text: str, at_end: bool) -> tuple[int, int]:
        digits = text.replace("-", "")
        if not digits.isdigit() or len(digits) not in (4, 6):
            raise ComtradeQueryError(f"period {text!r}: expected YYYY or YYYY-MM")
        year = int(digits[:4])
        month = int(digits[4:]) if len(digits) == 6 else (12 if at_end else 1)
        if not 1 <= month <= 12:
            raise ComtradeQueryError(f"period {text!r}: month {month} is not 1-12")
        if frequency == "A" and len(digits) == 6:
            raise ComtradeQueryError(f"period {text!r}: annual data take years (YYYY)")
        return year, month

    first, last = month_of(start, False), month_of(end, True)
    if last < first:
        raise ComtradeQueryError(f"periods: end {end} is before start {start}")
    if frequency == "A":
        return [str(y) for y in range(first[0], last[0] + 1)]
    months = []
    year, month = first
    while (year, month) <= last:
        months.append(f"{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def build_queries(
    frequency: str,
    reporters: Sequence[str | int],
    partners: Sequence[str | int],
    start: str,
    end: str,
    flows: Sequence[str],
    commodities: Sequence[str],
    countries: pd.DataFrame,
) -> list[Query]:
    """The calls needed, at most MAX_PERIODS periods each; names and codes are checked here."""
    from kzaf.data import UnknownCountryError, resolve_country

    to_code = codes.iso3_to_comtrade(countries)

    def country_codes(values, what) -> tuple[int, ...]:
        found = []
        for value in values:
            try:
                iso3 = resolve_country(value, countries, what=what)
            except UnknownCountryError as exc:
                raise ComtradeQueryError(str(exc)) from exc
            if iso3 not in to_code:
                raise ComtradeQueryError(
                    f"{what} {value!r} ({iso3}) has no UN Comtrade code in data/countries.csv"
                )
            found.append(to_code[iso3])
        return tuple(found)

    flows = tuple(f.strip().upper() for f in flows)
    for flow in flows:
        if flow not in FLOW_CODES:
            raise ComtradeQueryError(f"flow {flow!r}: use M, X, RM or RX")
    commodities = tuple(c.strip().upper() for c in commodities)
    for code in commodities:
        if not codes.HS_CODE.match(code):
            raise ComtradeQueryError(
                f"HS code {code!r}: use TOTAL or an HS code of 2, 4 or 6 digits (as text, "
                "e.g. 0101)"
            )
    periods = parse_periods(frequency, start, end)
    base = Query(
        frequency=frequency.upper(),
        reporters=country_codes(reporters, "reporter"),
        partners=country_codes(partners, "partner"),
        periods=(),
        flows=flows,
        commodities=commodities,
    )
    return [
        replace(base, periods=tuple(periods[i : i + MAX_PERIODS]))
        for i in range(0, len(periods), MAX_PERIODS)
    ]


# ---------------------------------------------------------------------------------------------
# Calling the API


@dataclass
class _Client:
    base_url: str
    key: str | None
    timeout: float
    retries: int
    min_interval: float
    sleep: Callable[[float], None]
    log: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    _last_call: float | None = None
    final_url: str | None = None  # of the last answer, after redirects (key redacted)

    @property
    def max_records(self) -> int:
        return KEYED_MAX_RECORDS if self.key else PREVIEW_MAX_RECORDS

    def url(self, query: Query) -> str:
        path = (KEYED_PATH if self.key else PREVIEW_PATH).format(freq=query.frequency)
        url = (
            self.base_url.rstrip("/")
            + path
            + "?"
            + urllib.parse.urlencode(query.params(self.max_records))
        )
        if len(url) > MAX_URL_LENGTH:
            raise ComtradeFetchError(
                f"request URL of {len(url)} characters exceeds the API's limit of "
                f"{MAX_URL_LENGTH}: ask for fewer HS codes or countries at a time"
            )
        return url

    def redact(self, text: str) -> str:
        return text.replace(self.key, "***") if self.key else text

    def get(self, url: str) -> bytes:
        """The body of a 200 answer, after retries; anything else is a ComtradeFetchError."""
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        headers["User-Agent"] = "kzaf (UN Comtrade fetch; python urllib)"
        if self.key:
            headers[KEY_HEADER] = self.key
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            self._throttle()
            wait = None
            try:
                status, response_headers, body, final_url = http_get(url, headers, self.timeout)
            except ComtradeFetchError as exc:  # too large: refused, not retried
                raise ComtradeFetchError(f"{self.redact(url)}: {exc}") from None
            except TimeoutError:
                problem = f"no answer within {self.timeout:g} s (timed out)"
            except urllib.error.URLError as exc:
                reason = exc.reason if not isinstance(exc.reason, socket.timeout) else None
                if reason is None:
                    problem = f"no answer within {self.timeout:g} s (timed out)"
                else:
                    problem = f"could not connect ({reason})"
            except (ConnectionError, OSError) as exc:
                problem = f"connection failed ({exc})"
            else:
                if status == 200:
                    self.final_url = self.redact(final_url)
                    return body
                message = self.redact(api_message(body))
                wait = retry_after(response_headers.get("Retry-After"))
                retryable = status in RETRY_STATUSES or (status == 403 and wait is not None)
                problem = f"HTTP {status}" + (f": {message}" if message else "")
                if not retryable:
                    raise ComtradeFetchError(f"{url}: {problem}{_hint(status, bool(self.key))}")
            if attempt == attempts:
                raise ComtradeFetchError(
                    f"{url}: gave up after {attempts} attempt(s); last: {problem}"
                )
            if wait is None:
                wait = min(2.0**attempt, 60.0)
            if wait > MAX_WAIT:
                raise ComtradeFetchError(
                    f"{url}: {problem}; the API asks to wait {wait:.0f} s, longer than "
                    f"{MAX_WAIT:.0f} s: try again later"
                )
            self.log(f"  {problem}; retrying in {wait:g} s (attempt {attempt + 1} of {attempts})")
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _throttle(self) -> None:
        now = self.clock()
        if self._last_call is not None and now - self._last_call < self.min_interval:
            self.sleep(self.min_interval - (now - self._last_call))
        self._last_call = self.clock()


def _hint(status: int, keyed: bool) -> str:
    if status in (401, 403):
        return (
            f" (the API refused the subscription key in ${KEY_ENV}: check it and that it is "
            "subscribed to the comtrade - v1 product)"
            if keyed
            else f" (the public preview refused the call; set ${KEY_ENV} to use the keyed API)"
        )
    if status == 404:
        return " (the endpoint was not found: is the base URL right?)"
    if status == 400:
        return " (the API rejected the parameters)"
    return ""


# ---------------------------------------------------------------------------------------------
# Saving and the fetch itself


def _save(folder: Path, stem: str, body: bytes, suffix: str, record: dict[str, Any]) -> Path:
    """Write ``body`` and its metadata under a new name (an existing name gets -2, -3, ...;
    nothing is overwritten); the path of the body.

    Both go to hidden ``.partial-`` files first, flushed to disk, and are linked into place
    whole, the metadata before the body: an answer appears under its name only complete and
    described, never as a half-written file or as a file without metadata that an import
    would take as complete, even after a crash or a power cut. A disk that is full or not
    writable is a ComtradeFetchError naming the folder.
    """
    partials: list[Path] = []
    try:
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        folder.mkdir(parents=True, exist_ok=True)
        for content in (body, text.encode("utf-8")):
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".partial-", delete=False) as f:
                partials.append(Path(f.name))
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
        path = _link_under_new_name(folder, stem, suffix, *partials)
        _sync_folder(folder)
        return path
    except OSError as exc:
        raise ComtradeFetchError(
            f"{folder}: cannot save the answer ({exc.strerror or exc}); nothing was left "
            "under its name"
        ) from None
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)


def _link_under_new_name(folder: Path, stem: str, suffix: str, body: Path, meta: Path) -> Path:
    """Link the metadata, then the body, under the first free name; the body's path."""
    for n in range(1, 10_000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if path.exists():
            continue
        try:
            os.link(meta, _meta_path(path))  # claims the name
        except FileExistsError:
            continue
        try:
            os.link(body, path)
        except FileExistsError:
            _meta_path(path).unlink()
            continue
        return path
    raise ComtradeFetchError(f"{folder}: too many files named {stem}*")  # pragma: no cover


def _sync_folder(folder: Path) -> None:
    """Flush the folder's new names to disk (where the system allows opening a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")


def fetch(
    reporters: Sequence[str | int] = ("KAZ",),
    partners: Sequence[str | int] = ("AFG",),
    frequency: str = "M",
    start: str = "2019-01",
    end: str = "2024-12",
    flows: Sequence[str] = ("M", "X"),
    commodities: Sequence[str] = ("TOTAL",),
    *,
    out_dir: Path | str | None = None,
    base_url: str | None = None,
    countries: pd.DataFrame | None = None,
    timeout: float = 60.0,
    retries: int = 4,
    min_interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Query the API and save each raw response under ``<out_dir>/<YYYY-MM-DD>/``.

    The key is read from ``$COMTRADE_API_KEY`` only (never an argument, so it cannot end up in
    a notebook or a shell history); without it the public preview endpoint is used. The base
    URL comes from ``base_url``, else ``$KZAF_COMTRADE_BASE_URL``, else the real API.
    """
    if countries is None:
        from kzaf import data

        countries = data.load().countries
    key = os.environ.get(KEY_ENV) or None
    client = _Client(
        base_url=base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL,
        key=key,
        timeout=timeout,
        retries=retries,
        min_interval=min_interval,
        sleep=sleep,
        log=log or _LOGGER.info,
    )
    queries = build_queries(
        frequency, reporters, partners, start, end, flows, commodities, countries
    )
    root = Path(out_dir) if out_dir else data_dir() / "raw" / "comtrade"
    folder = root / dt.datetime.now(dt.UTC).date().isoformat()
    asked = json.dumps([asdict(q) for q in queries], sort_keys=True)
    selection = hashlib.sha1(asked.encode()).hexdigest()[:8]
    result = FetchResult(folder=folder, keyed=key is not None, selection=selection)
    pending = list(queries)
    with progress_bar(len(pending), "Comtrade requests", unit="req") as bar:
        while pending:
            query = pending.pop(0)
            saved = _fetch_one(client, query, folder, result)
            bar.update(1)
            if saved.truncated:
                if bar.total is not None:
                    bar.total += 2  # a split request becomes two smaller ones
                _split(client, saved, query, pending, key)
    return result


def _split(
    client: _Client, saved: SavedResponse, query: Query, pending: list[Query], key: str | None
) -> None:
    """Put the two halves of a request that hit the record cap first in line."""
    parts = query.split()
    if parts is None:
        raise ComtradeFetchError(
            f"{saved.url}: a single-period, single-flow, single-code request returned "
            f"the cap of {client.max_records} records, so its answer may be cut off "
            f"(saved as {saved.path.name}, marked truncated)"
            + ("" if key else f"; set ${KEY_ENV} for the keyed API's larger cap")
        )
    client.log(f"  reached the cap of {client.max_records} records: splitting the request")
    pending[:0] = parts


def _fetch_one(client: _Client, query: Query, folder: Path, result: FetchResult) -> SavedResponse:
    url = client.url(query)
    client.log(f"GET {url}")
    body = client.get(url)
    accessed = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    key = client.key.encode() if client.key is not None else None
    redacted = key is not None and key in body
    if key is not None and redacted:
        body = body.replace(key, b"***")
    try:
        payload = codes.parse_json(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        path = _save(folder, query.file_stem(), body, ".txt",
                     _metadata(client, url, accessed, body, query, None, False, redacted,
                               error=f"not valid JSON: {exc}"))  # fmt: skip
        raise ComtradeFetchError(
            f"{url}: the answer is not valid JSON ({exc}); saved as {path} for inspection"
        ) from exc
    records = payload.get("data") if isinstance(payload, dict) else None
    error = payload.get("error") if isinstance(payload, dict) else None
    if error or not isinstance(records, list):
        problem = client.redact(str(error)) if error else "no 'data' list in the answer"
        path = _save(folder, query.file_stem(), body, ".json",
                     _metadata(client, url, accessed, body, query, None, False, redacted,
                               error=problem))  # fmt: skip
        raise ComtradeFetchError(f"{url}: the API answered with an error: {problem}")
    truncated = len(records) >= client.max_records
    metadata = _metadata(client, url, accessed, body, query, payload, truncated, redacted)
    path = _save(folder, query.file_stem(), body, ".json", metadata)
    meta_path = _meta_path(path)
    if not records:
        result.empty.append(url)
        client.log("  EMPTY: no records (the API has no figures for this request; not zero trade)")
    else:
        client.log(f"  {len(records)} records -> {path}")
    saved = SavedResponse(path, meta_path, url, len(records), truncated)
    result.responses.append(saved)
    return saved


def _metadata(client, url, accessed, body, query, payload, truncated, redacted, error=None):
    from kzaf import __version__

    records = payload.get("data") if isinstance(payload, dict) else None
    record = {
        "producer": codes.PRODUCER,
        "request_url": url,
        "final_url": getattr(client, "final_url", None) or url,
        "endpoint": "keyed (subscription key sent in a request header, never recorded)"
        if client.key
        else "public preview (no key)",
        "accessed": accessed,
        "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": len(body),
        "record_count": len(records) if isinstance(records, list) else None,
        "api_count": payload.get("count") if isinstance(payload, dict) else None,
        "empty": isinstance(records, list) and not records,
        "truncated": truncated,
        "max_records": client.max_records,
        "query": asdict(query),
        "fetched_by": f"kzaf {__version__} (kzaf fetch comtrade)",
        "licence_note": codes.LICENCE_NOTE,
    }
    if truncated:
        record["truncated_note"] = (
            "the answer reached maxRecords and may be cut off; it was split into smaller "
            "requests saved beside it, and imports skip this file"
        )
    if redacted:
        record["redacted"] = "the answer contained the API key; it was replaced with ***"
    if error:
        record["error"] = error
    return record
