"""Hostile input against what a run publishes: markup from data or parameters never becomes
active in a page, and secrets never survive in any file a run leaves, in any state.

Each test tries one class of attack through the real command on tiny synthetic notebooks
(tests/notebook_factory.py), or calls the mechanism directly where no kernel is needed.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from notebook_factory import make_notebook
from run_env import without_kzaf_variables

from kzaf import cli
from kzaf.redaction import redact_tree
from kzaf.runner import run
from kzaf.runner.publish.latest import move_latest
from kzaf.runner.site.sanitize import sanitize_output_data
from kzaf.text import escape_markdown

pytestmark = pytest.mark.integration  # starts processes: not in test-quick

# A secret that needs escaping in every format a run writes: HTML, JSON, URLs, Markdown.
SECRET = "kz<af>&\"'\\-fixture-secret-55aa"
ATTACKS = (
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(2))",
)


def _env(**extra: str) -> dict[str, str]:
    return without_kzaf_variables(COMTRADE_API_KEY=SECRET, **extra)


def _kzaf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzaf.cli", *args],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, env=_env(), timeout=600,
        check=False,
    )  # fmt: skip


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would run: event attributes, script URLs, scripts that alert."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def _active_markup(page: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(page)
    return parser.found


def _spellings(value: str) -> set[str]:
    return {
        value,
        html.escape(value),
        html.escape(value, quote=False),
        json.dumps(value)[1:-1],
        json.dumps(html.escape(value))[1:-1],
        quote(value, safe=""),
    }


# ---------------------------------------------------------------------------------------------
# Markup


def test_markup_from_data_and_parameters_is_inert_in_every_page(tmp_path):
    notebooks = tmp_path / "notebooks"
    make_notebook(
        notebooks / "01_markup.ipynb",
        'publisher: str = "Ministry"  # a publisher\n'
        'source_policy: str = "official_first"  # policy name',
        [
            "from IPython.display import HTML, Markdown, display\nimport pandas as pd\n"
            "display(Markdown(f'Published by {publisher}, policy {source_policy}.'))\n"
            "display(HTML(f'<p>{publisher}</p>'))\n"
            "display(pd.DataFrame({'publisher': [publisher], 'note': [source_policy]}))",
            "from kzaf import report\n"
            "report.answer(f'The answer cites {publisher}.')\n"
            "report.headline({publisher: 1.0}, title=source_policy)",
        ],
        title="Markup",
    )
    result = _kzaf(
        "run", "--notebooks-dir", str(notebooks), "--reports-dir", str(tmp_path / "reports"),
        "-p", "publisher", ATTACKS[0] + ATTACKS[1] + ATTACKS[2],
        "-p", "source_policy", "<script>alert('policy')</script>",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list((tmp_path / "reports").glob("2*/**/*.html"))
    assert {p.name for p in pages} >= {"index.html", "01_markup.html", "01_markup.code.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        body = text[text.find("<body") :]
        assert _active_markup(body) == [], (page.name, _active_markup(body))
        if page.name == "01_markup.html":
            assert "&lt;script&gt;alert" in body  # shown as text, not dropped silently


@pytest.mark.parametrize("attack", ATTACKS)
def test_sanitizer_leaves_no_active_markup_in_markdown_or_html_outputs(attack):
    for mime in ("text/markdown", "text/html"):
        clean = sanitize_output_data({mime: f"Publisher: {attack}", "text/plain": "x"})
        assert _active_markup(clean["text/html"]) == []


def test_script_outputs_and_scripted_svg_are_dropped():
    data = {
        "application/javascript": "alert(1)",
        "image/svg+xml": '<svg onload="alert(1)"></svg>',
        "text/plain": "x",
    }
    assert set(sanitize_output_data(data)) == {"text/plain"}


def test_escape_markdown_makes_data_pieces_literal():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for attack in ATTACKS:
        rendered = markdown2html_mistune(f"Publisher: {escape_markdown(attack)}")
        assert _active_markup(rendered) == [], rendered


# ---------------------------------------------------------------------------------------------
# Secrets


def test_every_spelling_of_a_secret_is_redacted_in_text_files_and_names(tmp_path):
    folder = tmp_path / "run"
    (folder / "figures").mkdir(parents=True)
    for i, form in enumerate(sorted(_spellings(SECRET))):
        (folder / f"file{i}.txt").write_text(f"before {form} after", encoding="utf-8")
    (folder / "figures" / f"chart-{quote(SECRET, safe='')}.png").write_bytes(b"\x89PNG")
    (folder / "figures" / "leaky.png").write_bytes(b"\x89PNG\x00\xff" + SECRET.encode())
    redact_tree(folder, {"COMTRADE_API_KEY": SECRET})
    for path in folder.rglob("*"):
        assert not any(form in path.name for form in _spellings(SECRET)), path.name
        if path.is_file():
            data = path.read_bytes()
            assert not any(form.encode() in data for form in _spellings(SECRET)), path
    assert not (folder / "figures" / "leaky.png").exists()  # binary with a secret: removed
    assert "[redacted $COMTRADE_API_KEY]" in (folder / "file0.txt").read_text(encoding="utf-8")


def test_interrupted_run_leaves_no_secret_in_its_partial_folder(tmp_path):
    notebooks = tmp_path / "notebooks"
    make_notebook(
        notebooks / "01_leak.ipynb",
        "seconds: float = 120.0  # how long to sleep",
        [
            'import os, pathlib\nkey = os.environ["COMTRADE_API_KEY"]\nprint(key)\n'
            'pathlib.Path("figures").mkdir(exist_ok=True)\n'
            'pathlib.Path("figures/key.txt").write_text(key)',
            'import os, pathlib\npathlib.Path("kernel.pid").write_text(str(os.getpid()))',
            "import time\ntime.sleep(seconds)",
        ],
        title="Leaks, then hangs",
    )
    reports = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(notebooks),
         "--reports-dir", str(reports)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(reports.glob(".incomplete-*/**/kernel.pid")):
        time.sleep(0.2)
    time.sleep(1.0)  # papermill saves the notebook after each cell: let it write the leak
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == run.EXIT_SIGTERM, err
    (partial,) = reports.glob(".incomplete-*")
    files = [p for p in partial.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in files)  # the partial notebook is kept
    for path in files:
        data = path.read_bytes()
        assert not any(form.encode() in data for form in _spellings(SECRET)), path
    assert SECRET not in err


def test_a_secret_shown_as_a_python_value_leaves_no_trace(tmp_path):
    """A notebook's last expression shows ``repr(key)``: quotes and backslashes escaped again,
    then JSON-escaped in the notebook and HTML-escaped in the pages."""
    make_notebook(
        tmp_path / "nb" / "01_repr.ipynb",
        "n: int = 1  # a number",
        ['import os\nkey = os.environ["COMTRADE_API_KEY"]\nprint(repr(key))', "key", "[key]"],
        title="Shows the key as a value",
    )
    reports = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(tmp_path / "nb"),
         "--reports-dir", str(reports)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, check=False,
        env=_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = repr(SECRET)[1:-1]
    forms = _spellings(shown) | {json.dumps(html.escape(shown, quote=False))[1:-1]}
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".html" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not [f for f in forms if f.encode() in data], path


def test_number_parameter_spelling_a_secret_is_refused(tmp_path, monkeypatch, capsys):
    make_notebook(tmp_path / "nb/01_n.ipynb", "n: int = 1  # a number", ["n"])
    monkeypatch.setenv("KZAF_DEPLOY_TOKEN", "8675309123")
    args = ["run", "--notebooks-dir", str(tmp_path / "nb"), "--reports-dir", str(tmp_path / "r")]
    assert cli.main([*args, "-p", "n", "8675309123"]) == run.EXIT_INPUT
    err = capsys.readouterr().err
    assert "8675309123" not in err and "secret" in err
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


# ---------------------------------------------------------------------------------------------
# A user's mistakes on the command line: one line, a documented status, nothing written


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--timeout", "0"], "--timeout: must be a positive number of seconds"),
        (["--timeout", "-5"], "--timeout: must be a positive number of seconds"),
        (["--jobs", "0"], "--jobs: must be at least 1"),
        (["--log", "/proc/no-such-folder/run.log"], "cannot write the log file"),
        (["--reports-dir", "/etc/hostname/reports"], "is not a folder"),
        (["99"], "no notebook '99'"),
    ],
)
def test_command_line_mistakes_exit_2_with_one_line(option, message):
    result = _kzaf("run", *option, "--dry-run")
    assert result.returncode == run.EXIT_INPUT, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_table_content_stops_the_run_before_any_kernel(data_copy, tmp_path, monkeypatch):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",474.3,", ",-474.3,")  # a negative trade value
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("KZAF_DATA_DIR", str(data_copy))
    assert cli.main(["data", "rehash"]) == 0  # the checksum matches: only the content is bad
    make_notebook(tmp_path / "nb/01_n.ipynb", "n: int = 1  # a number", ["n"])
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "--notebooks-dir", str(tmp_path / "nb"),
         "--reports-dir", str(tmp_path / "reports")],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, check=False,
        env={**_env(), "KZAF_DATA_DIR": str(data_copy)},
    )  # fmt: skip
    assert result.returncode == run.EXIT_INPUT, result.stdout + result.stderr
    assert "observations.csv" in result.stderr and "value" in result.stderr
    assert not (tmp_path / "reports").exists()


# ---------------------------------------------------------------------------------------------
# The Comtrade client on a hostile network (loopback servers only)


@pytest.fixture
def servers(monkeypatch):
    """Two imitation hosts: 127.0.0.1 (the API) and localhost (somewhere else)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    seen: list[dict] = []
    started = []

    def serve(host, respond):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append({"host": host, "path": self.path, "headers": dict(self.headers)})
                respond(self)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server.server_address[1]

    yield serve, seen
    for server in started:
        server.shutdown()
        server.server_close()


def _ok(handler, body=b'{"count": 0, "data": [], "error": ""}'):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _comtrade_fetch(base_url, out_dir):
    from kzaf import comtrade

    return comtrade.fetch(
        reporters=["KAZ"], partners=["AFG"], frequency="A", start="2020", end="2020",
        flows=["X"], commodities=["TOTAL"], out_dir=out_dir, base_url=base_url, timeout=5.0,
        retries=0, min_interval=0.0, sleep=lambda s: None, log=lambda line: None,
    )  # fmt: skip


def test_the_key_is_not_sent_to_another_host_on_redirect(servers, tmp_path, monkeypatch):
    serve, seen = servers
    monkeypatch.setenv("COMTRADE_API_KEY", "k3y-fixture-0123")
    elsewhere = serve("localhost", _ok)

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", f"http://localhost:{elsewhere}/landing")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    api = serve("127.0.0.1", redirect)
    result = _comtrade_fetch(f"http://127.0.0.1:{api}", tmp_path / "raw")
    first, second = seen
    assert first["headers"].get("Ocp-Apim-Subscription-Key") == "k3y-fixture-0123"
    assert second["host"] == "localhost"
    assert "Ocp-Apim-Subscription-Key" not in second["headers"]
    (saved,) = result.responses
    meta = json.loads(saved.metadata.read_text(encoding="utf-8"))
    assert meta["final_url"] == f"http://localhost:{elsewhere}/landing"


def test_an_oversized_answer_is_refused_and_nothing_is_left(servers, tmp_path, monkeypatch):
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    from kzaf.comtrade.importer import ComtradeError

    serve, _ = servers
    monkeypatch.setattr("kzaf.comtrade.transport.MAX_RESPONSE_BYTES", 1000)
    api = serve("127.0.0.1", lambda h: _ok(h, b'{"data": [], "pad": "' + b"x" * 5000 + b'"}'))
    with pytest.raises(ComtradeError, match="1,000 bytes"):
        _comtrade_fetch(f"http://127.0.0.1:{api}", tmp_path / "raw")
    assert not [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]


def test_a_gzip_bomb_is_refused(servers, tmp_path, monkeypatch):
    import gzip

    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    from kzaf.comtrade.importer import ComtradeError

    serve, _ = servers
    monkeypatch.setattr("kzaf.comtrade.transport.MAX_DECOMPRESSED_BYTES", 10_000)
    bomb = gzip.compress(b'{"data": [], "pad": "' + b"0" * 1_000_000 + b'"}')

    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    api = serve("127.0.0.1", respond)
    with pytest.raises(ComtradeError, match="unpacks to more than"):
        _comtrade_fetch(f"http://127.0.0.1:{api}", tmp_path / "raw")
    assert not [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]


def test_the_timeout_bounds_a_whole_attempt_against_a_dripping_server(servers, tmp_path):
    """Each read is quick, the answer never ends: the attempt stops at the timeout anyway."""
    from kzaf.comtrade.importer import ComtradeError

    serve, _ = servers
    body = b'{"count": 0, "data": [], "error": "", "pad": "' + b"x" * 1000 + b'"}'

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        stop = time.monotonic() + 8
        for byte in body:
            if time.monotonic() > stop:
                return
            try:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.05)

    api = serve("127.0.0.1", drip)
    from kzaf import comtrade

    started = time.monotonic()
    with pytest.raises(ComtradeError, match=r"timed out|timeout"):
        comtrade.fetch(
            reporters=["KAZ"], partners=["AFG"], frequency="A", start="2020", end="2020",
            flows=["X"], commodities=["TOTAL"], out_dir=tmp_path / "raw",
            base_url=f"http://127.0.0.1:{api}", timeout=1.0, retries=0, min_interval=0.0,
            sleep=lambda s: None, log=lambda line: None,
        )  # fmt: skip
    assert time.monotonic() - started < 3.0
    assert not [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]


def test_a_failing_metadata_write_leaves_no_answer_that_looks_complete(
    servers, tmp_path, monkeypatch
):
    """An import takes a saved answer without metadata as complete: none may be left."""
    from kzaf.comtrade import client

    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    serve, _ = servers
    api = serve("127.0.0.1", _ok)
    real_dumps = json.dumps

    def disk_full_for_metadata(value, *args, **kwargs):
        if kwargs.get("indent") == 2:  # the metadata file
            raise OSError(28, "No space left on device")
        return real_dumps(value, *args, **kwargs)

    monkeypatch.setattr(client.json, "dumps", disk_full_for_metadata)
    with pytest.raises(client.ComtradeFetchError, match="No space left"):
        _comtrade_fetch(f"http://127.0.0.1:{api}", tmp_path / "raw")
    assert not [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]


# ---------------------------------------------------------------------------------------------
# Concurrent runs


def test_a_run_never_moves_latest_back_past_a_newer_run_and_says_so(tmp_path):
    reports = tmp_path / "reports"
    older, newer = run.new_run_id(), None
    time.sleep(0.01)
    newer = run.new_run_id()
    for run_id in (older, newer):
        (reports / run_id).mkdir(parents=True)
    assert move_latest(reports, newer) == (None, newer)
    # The older run finishes last: latest stays with the newer one, and the older run knows.
    assert move_latest(reports, older) == (None, newer)
    assert os.readlink(reports / "latest") == newer


@pytest.mark.notebook
def test_markup_in_the_data_is_inert_on_every_page_of_a_real_run(data_copy, tmp_path):
    """A publisher, a source title and a note carrying markup, through the real notebooks."""
    import csv as csv_module

    def poison(table, column, rows=3):
        path = data_copy / table
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv_module.DictReader(handle)
            fields, records = reader.fieldnames, list(reader)
        for record in records[:rows]:
            record[column] = record[column] + " " + ATTACKS[0] + ATTACKS[1]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv_module.DictWriter(handle, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)

    poison("sources.csv", "publisher", rows=500)
    poison("sources.csv", "title", rows=500)
    poison("observations.csv", "note", rows=500)
    env = {**_env(), "KZAF_DATA_DIR": str(data_copy)}
    rehash = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "data", "rehash"], env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert rehash.returncode == 0, rehash.stderr
    reports = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "kzaf.cli", "run", "00", "01", "--reports-dir", str(reports)],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list(reports.glob("2*/**/*.html"))
    assert len(pages) == 5
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _active_markup(text[text.find("<body") :]) == [], page.name
        shown += text.count("&lt;script&gt;alert")
    assert shown > 0  # the poisoned text reaches the pages, as text


def test_the_audit_answer_paragraph_escapes_its_publishers():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from kzaf import audit, data

    tables = data.load()
    tables.sources["publisher"] = f"{ATTACKS[0]} {ATTACKS[2]}"
    years = (2005, 2025)
    text = audit.answer_text(tables, audit.all_figures(tables), years)
    assert "according to" in text  # the sentence naming publishers was built
    assert _active_markup(markdown2html_mistune(text)) == []


def test_escaped_markdown_keeps_apostrophes_and_quotes_readable():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(escape_markdown('Kazakhstan\'s "southern" route & <b>'))
    assert "Kazakhstan's" in rendered and "&quot;southern&quot;" in rendered
    assert "&amp;" in rendered and "&lt;b&gt;" in rendered and "x27" not in rendered
