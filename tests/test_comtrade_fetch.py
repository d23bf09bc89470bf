"""kzaf fetch comtrade against a local imitation of the UN Comtrade API on 127.0.0.1.

The imitation serves the SYNTHETIC fixture's records in the API's JSON format
({"elapsedTime", "count", "data", "error"}), filtered by the query and cut at maxRecords as
the API does; every answer also carries a "_synthetic" label. Scripted answers (429, 500,
timeouts, malformed JSON, empty results) replace it where a test needs them.
"""

import datetime as dt
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kzaf import comtrade
from kzaf.comtrade import client, transport
from kzaf.paths import PROJECT_ROOT

FIXTURE_DIR = PROJECT_ROOT / "tests" / "fixtures" / "comtrade"
SECRET = "sk-test-7f3a9c1e5b2d4f60"  # a made-up key; it must never appear in any output


def _fixture_records():
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE_DIR / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.records()


RECORDS = _fixture_records()


def _envelope(records, **extra):
    return {
        "elapsedTime": "0.01 secs",
        "count": len(records),
        "data": records,
        "error": "",
        "_synthetic": "SYNTHETIC TEST RESPONSE: made-up numbers, not UN Comtrade data",
        **extra,
    }


def _matching(query):
    """The fixture records a real API would return for this query (classic mode)."""

    def values(name):
        return set(query[name][0].split(",")) if name in query else None

    wanted = {
        "reporterCode": values("reporterCode"),
        "partnerCode": values("partnerCode"),
        "period": values("period"),
        "flowCode": values("flowCode"),
        "cmdCode": values("cmdCode"),
    }
    out = [
        r for r in RECORDS
        if all(v is None or str(r[k]) in v for k, v in wanted.items())
    ]  # fmt: skip
    return out[: int(query.get("maxRecords", ["500"])[0])]


class Api:
    """The imitation server: scripted answers first, then the fixture's records."""

    def __init__(self):
        self.requests = []
        self.script = []  # callables (handler) -> None, used in order
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parsed = urllib.parse.urlsplit(self.path)
                api.requests.append(
                    {"path": parsed.path, "query": urllib.parse.parse_qs(parsed.query),
                     "raw": self.path, "headers": dict(self.headers)}
                )  # fmt: skip
                if api.script:
                    api.script.pop(0)(self)
                    return
                known = ("/public/v1/preview/C/M/HS", "/public/v1/preview/C/A/HS",
                         "/data/v1/get/C/M/HS", "/data/v1/get/C/A/HS")  # fmt: skip
                if parsed.path not in known:
                    reply(self, 404, {"statusCode": 404, "message": "Resource not found"})
                    return
                reply(self, 200, _envelope(_matching(api.requests[-1]["query"])))

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def reply(handler, status, payload, headers=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    server = Api()
    yield server
    server.close()


class Sleeps(list):
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


def _fetch(api, tmp_path, *, sleeps=None, logs=None, **kwargs):
    options = {"reporters": ["KAZ"], "partners": ["AFG"], "frequency": "M",
               "start": "2019-01", "end": "2019-12", "flows": ["M", "X"],
               "commodities": ["TOTAL", "8602", "1101", "1001"]}  # fmt: skip
    options.update(out_dir=tmp_path / "raw", base_url=api.url, timeout=2.0, retries=3,
                   min_interval=0.0, sleep=sleeps if sleeps is not None else Sleeps(),
                   log=(logs.append if logs is not None else lambda _line: None))  # fmt: skip
    options.update(kwargs)
    return comtrade.fetch(**options)


def _today_folder(tmp_path):
    return tmp_path / "raw" / dt.datetime.now(dt.UTC).date().isoformat()


# --- success ------------------------------------------------------------------------------


def test_preview_endpoint_success_saves_raw_response_and_metadata(api, tmp_path):
    result = _fetch(api, tmp_path)
    (request,) = api.requests
    assert request["path"] == "/public/v1/preview/C/M/HS"
    query = {k: v[0] for k, v in request["query"].items()}
    assert query["reporterCode"] == "398" and query["partnerCode"] == "4"
    assert query["period"] == ",".join(f"2019{m:02d}" for m in range(1, 13))
    assert query["flowCode"] == "M,X" and query["cmdCode"] == "TOTAL,8602,1101,1001"
    assert query["maxRecords"] == "500" and query["partner2Code"] == "0"
    assert "Ocp-Apim-Subscription-Key" not in request["headers"]
    expected = _matching(request["query"])
    assert result.records == len(expected) > 0
    (saved,) = result.responses
    assert saved.path.parent == _today_folder(tmp_path)
    assert json.loads(saved.path.read_text())["data"] == expected
    meta = json.loads(saved.metadata.read_text())
    assert meta["request_url"].startswith(api.url + "/public/v1/preview/C/M/HS?")
    assert meta["sha256"] == hashlib.sha256(saved.path.read_bytes()).hexdigest()
    assert meta["record_count"] == len(expected) and meta["empty"] is False
    assert meta["producer"].startswith("United Nations Statistics Division")
    assert "re-disseminat" in meta["licence_note"]
    accessed = dt.datetime.fromisoformat(meta["accessed"])
    assert abs((dt.datetime.now(dt.UTC) - accessed).total_seconds()) < 120


def test_periods_are_split_into_calls_of_at_most_twelve(api, tmp_path):
    result = _fetch(api, tmp_path, start="2019-01", end="2021-06")
    periods = [r["query"]["period"][0].split(",") for r in api.requests]
    assert [len(p) for p in periods] == [12, 12, 6]
    assert periods[0][0] == "201901" and periods[-1][-1] == "202106"
    assert len(result.responses) == 3 and len({r.path for r in result.responses}) == 3
    assert result.records == sum(len(_matching(r["query"])) for r in api.requests)


def test_an_answer_at_the_record_cap_is_split_until_each_part_fits(api, tmp_path, monkeypatch):
    monkeypatch.setattr(client, "PREVIEW_MAX_RECORDS", 10)
    logs = []
    result = _fetch(api, tmp_path, start="2019-01", end="2019-06", logs=logs)
    truncated = [r for r in result.responses if r.truncated]
    assert truncated and any("splitting the request" in line for line in logs)
    for saved in truncated:
        assert json.loads(saved.metadata.read_text())["truncated"] is True
    # The complete parts hold every record of the selection exactly once.
    everything = _matching(urllib.parse.parse_qs(urllib.parse.urlsplit(
        api.requests[0]["raw"]).query) | {"maxRecords": ["100000"]})  # fmt: skip
    parts = [rec for path in result.files for rec in json.loads(path.read_text())["data"]]
    key = lambda r: (r["period"], r["reporterCode"], r["flowCode"], r["cmdCode"])  # noqa: E731
    assert sorted(map(key, parts)) == sorted(map(key, everything))
    # Importing the fetch folder skips the truncated answers: no figure is counted twice.
    summary = comtrade.import_file(_today_folder(tmp_path), tmp_path / "imported", synthetic=True)
    assert summary.rows_imported == len(everything)


def test_fetched_responses_import_into_observations(api, tmp_path):
    _fetch(api, tmp_path, reporters=["KAZ", "AFG"], partners=["AFG", "KAZ"], start="2023-01",
           end="2023-03")  # fmt: skip
    comtrade.import_file(_today_folder(tmp_path), tmp_path / "imported", synthetic=True)
    observations, sources = comtrade.load_imported(tmp_path / "imported")
    exports = observations[(observations["reporter"] == "KAZ") & (observations["flow"] ==
                           "export") & (observations["commodity"] == "8602")]  # fmt: skip
    assert [str(p) for p in exports["period_start"]] == ["2023-01", "2023-01"]
    value = exports.loc[exports["measure"] == "value", "value"].item()
    assert value == pytest.approx(75.0)  # the fixture's made-up 75 million dollars
    assert sources["source_id"].iloc[0].startswith("synthetic-comtrade-fetch-")


# --- failures -----------------------------------------------------------------------------


def test_429_then_success_waits_as_retry_after_says(api, tmp_path):
    api.script.append(
        lambda h: reply(
            h,
            429,
            {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 3 seconds."},
            {"Retry-After": "3"},
        )
    )
    sleeps, logs = Sleeps(), []
    result = _fetch(api, tmp_path, sleeps=sleeps, logs=logs)
    assert len(api.requests) == 2 and result.records > 0
    assert sleeps == [3.0]
    assert any("HTTP 429: Rate limit is exceeded" in line for line in logs)


def test_500_is_retried_with_backoff_then_fails_clearly(api, tmp_path):
    api.script.extend([lambda h: reply(h, 500, {"message": "Internal server error"})] * 4)
    sleeps = Sleeps()
    with pytest.raises(comtrade.ComtradeFetchError) as caught:
        _fetch(api, tmp_path, sleeps=sleeps)
    assert len(api.requests) == 4  # one try and three retries
    assert sleeps == [2.0, 4.0, 8.0]
    message = str(caught.value)
    assert "gave up after 4 attempt(s); last: HTTP 500: Internal server error" in message
    assert "/public/v1/preview/C/M/HS?" in message


def test_a_timeout_is_retried_then_reported(api, tmp_path):
    api.script.extend([lambda h: api.release.wait(10)] * 2)
    with pytest.raises(comtrade.ComtradeFetchError, match=r"timed out"):
        _fetch(api, tmp_path, retries=1, timeout=0.3)
    assert len(api.requests) == 2


def test_malformed_json_is_saved_for_inspection_and_reported(api, tmp_path):
    api.script.append(lambda h: reply(h, 200, None, raw=b'{"count": 3, "data": [{"oops"'))
    with pytest.raises(comtrade.ComtradeFetchError, match="not valid JSON") as caught:
        _fetch(api, tmp_path)
    saved = next(_today_folder(tmp_path).glob("*.txt"))
    assert str(saved) in str(caught.value)
    meta = json.loads(saved.with_name(saved.stem + ".meta.json").read_text())
    assert "not valid JSON" in meta["error"]


def test_an_empty_answer_is_reported_as_empty_not_zero(api, tmp_path):
    api.script.append(lambda h: reply(h, 200, _envelope([])))
    logs = []
    result = _fetch(api, tmp_path, logs=logs)
    assert result.records == 0 and len(result.empty) == 1
    assert any("EMPTY" in line and "not zero trade" in line for line in logs)
    assert any("EMPTY" in line for line in result.lines())
    meta = json.loads(result.responses[0].metadata.read_text())
    assert meta["empty"] is True and meta["record_count"] == 0
    with pytest.raises(comtrade.ComtradeFormatError, match="not zero trade"):
        comtrade.import_file(_today_folder(tmp_path), tmp_path / "imported")


def test_an_api_error_field_is_an_error(api, tmp_path):
    api.script.append(lambda h: reply(h, 200, {"count": 0, "data": None, "error":
                                               "Invalid parameter period"}))  # fmt: skip
    with pytest.raises(comtrade.ComtradeFetchError, match="Invalid parameter period"):
        _fetch(api, tmp_path)


def test_a_wrong_base_url_is_not_retried(api, tmp_path):
    with pytest.raises(comtrade.ComtradeFetchError, match=r"HTTP 404.*base URL") as caught:
        comtrade.fetch(["KAZ"], ["AFG"], "A", "2019", "2020", out_dir=tmp_path,
                       base_url=api.url + "/nowhere", min_interval=0, sleep=Sleeps(),
                       log=lambda _l: None)  # fmt: skip
    assert len(api.requests) == 1
    assert "Resource not found" in str(caught.value)


def test_bad_arguments_are_refused_before_any_call(api, tmp_path):
    for kwargs, expected in [
        ({"reporters": ["Atlantis"]}, "unknown reporter 'Atlantis'"),
        ({"partners": ["CAS"]}, r"partner 'CAS' \(CAS\) has no UN Comtrade code"),
        ({"commodities": ["101"]}, "HS code '101'"),
        ({"flows": ["Z"]}, "flow 'Z'"),
        ({"start": "2020-01", "end": "2019-12"}, "before start"),
        ({"frequency": "A", "start": "2019-01", "end": "2020"}, "annual data take years"),
    ]:
        with pytest.raises(comtrade.ComtradeFetchError, match=expected):
            _fetch(api, tmp_path, **kwargs)
    assert api.requests == []


def test_saved_responses_are_never_overwritten(api, tmp_path):
    first = _fetch(api, tmp_path).responses[0]
    before = first.path.read_bytes()
    second = _fetch(api, tmp_path).responses[0]
    assert second.path != first.path and second.path.name.endswith("-2.json")
    assert first.path.read_bytes() == before


def test_retry_after_as_an_http_date():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    wait = transport.retry_after(later.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert 25 <= wait <= 31
    assert transport.retry_after("garbage") is None


def test_periods_from_years_and_months():
    assert client.parse_periods("M", "2023", "2023")[::11] == ["202301", "202312"]
    assert client.parse_periods("M", "2023-11", "202402") == ["202311", "202312", "202401",
                                                              "202402"]  # fmt: skip
    assert client.parse_periods("A", "2019", "2021") == ["2019", "2020", "2021"]


# --- the key ------------------------------------------------------------------------------


def test_the_key_goes_in_a_header_and_never_into_any_output(api, tmp_path):
    # The imitation echoes the key back once (in an error) and once in data, to prove that
    # even then nothing saved or printed holds it.
    api.script.append(lambda h: reply(h, 503, {"message": f"busy (key {SECRET})"},
                                      {"Retry-After": "0"}))  # fmt: skip
    echoed = dict(_matching({"period": ["202001"], "cmdCode": ["TOTAL"]})[0], cmdDesc=SECRET)
    api.script.append(lambda h: reply(h, 200, _envelope([echoed])))
    env = {**os.environ, "COMTRADE_API_KEY": SECRET, "KZAF_COMTRADE_BASE_URL": api.url,
           "NO_PROXY": "127.0.0.1,localhost"}  # fmt: skip
    raw, imported = tmp_path / "raw", tmp_path / "imported"
    command = [sys.executable, "-m", "kzaf.cli", "fetch", "comtrade", "--start", "2020-01",
               "--end", "2020-02", "--out-dir", str(raw), "--min-interval", "0", "--import",
               "--import-dir", str(imported)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert api.requests[0]["path"] == "/data/v1/get/C/M/HS"  # the keyed endpoint
    assert all(r["headers"].get("Ocp-Apim-Subscription-Key") == SECRET for r in api.requests)
    assert all(SECRET not in r["raw"] for r in api.requests)  # never in a URL
    assert "keyed endpoint" in result.stdout
    # A failure that quotes the key is redacted too.
    api.script.append(lambda h: reply(h, 401, {"message": f"key {SECRET} is not valid"}))
    failed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == 1 and "HTTP 401: key *** is not valid" in failed.stderr
    printed = result.stdout + result.stderr + failed.stdout + failed.stderr
    assert SECRET not in printed
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 4  # responses, metadata, the import's parquet and JSON
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    meta = json.loads(next(raw.rglob("*.meta.json")).read_text())
    assert meta["endpoint"].startswith("keyed") and "redacted" in meta
