"""kzaf.report: headline and verdict payloads round numbers and can be read back."""

import nbformat
import pandas as pd

from kzaf import report


def test_rounded_records_are_stable_and_json_ready():
    table = pd.DataFrame(
        {
            "year": [2022],
            "value": [987.9123],
            "gap": [float("nan")],
            "period": [pd.Period("2023-01", "M")],
        }
    )
    assert report.rounded_records(table, 1) == [
        {"year": 2022, "value": 987.9, "gap": None, "period": "2023-01"}
    ]


def test_rounding_never_shows_negative_zero():
    [row] = report.rounded_records(pd.DataFrame({"g": [-0.0004]}), 1)
    assert str(row["g"]) == "0.0"


def test_headline_payload_is_found_in_an_executed_notebook(capsys):
    bundle = report._bundle(pd.DataFrame({"x": [1.234]}), report.HEADLINE_MIME, "T", 2)
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "", outputs=[nbformat.v4.new_output("display_data", data=bundle)]
            )
        ]
    )
    assert report.read_outputs(notebook, report.HEADLINE_MIME) == [
        {"title": "T", "columns": ["x"], "rows": [{"x": 1.23}]}
    ]
    assert "<b>T</b>" in bundle["text/html"]


def test_title_is_escaped_in_html():
    bundle = report._bundle(pd.DataFrame({"x": [1]}), report.HEADLINE_MIME, "<script>", 1)
    assert "<script>" not in bundle["text/html"]


def test_the_title_for_the_parameters_heads_the_notebook_once_and_the_page_once(monkeypatch):
    """JupyterLab shows the pair's title as the notebook's heading; the reader page shows it
    in place of the written title, and not a second time below."""
    from kzaf.runner.site import pages

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw: shown.append(bundle))
    report.title("The trajectory of Kyrgyzstan–*Afghanistan* trade")
    (bundle,) = shown
    assert bundle["text/markdown"] == r"# The trajectory of Kyrgyzstan–\*Afghanistan\* trade"
    output = nbformat.v4.new_output("display_data", data=bundle)
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# The trajectory of a country pair's trade\n\nWhy."),
            nbformat.v4.new_code_cell("report.title(...)", outputs=[output]),
        ]
    )
    title = report.read_outputs(notebook, report.TITLE_MIME)[0]["text"]
    reader = pages.for_readers(notebook, title)
    assert reader.cells[0].source.startswith(r"# The trajectory of Kyrgyzstan–\*Afghanistan\*")
    assert reader.cells[1].outputs == []


def _fixture_ledger():
    return pd.DataFrame(
        [
            {
                "claim_id": "C7",
                "statement": "fixture <claim>",
                "verdict": "partly confirmed",
                "evidence": "(a) ...",
                "sources": "s1",
                "parts": [
                    {"part": "in <b>September</b>", "verdict": "confirmed", "evidence": "EV-1",
                     "tolerance": "none"},
                    {"part": "under a month", "verdict": "contradicted", "evidence": "42 days",
                     "tolerance": "none"},
                ],
            }
        ]
    )  # fmt: skip


def test_verdicts_show_each_part_with_its_evidence_and_the_rule(monkeypatch):
    from kzaf import claims

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw: shown.append(bundle))
    report.verdicts(_fixture_ledger(), title="T")
    (bundle,) = shown
    assert "under a month" in bundle["text/plain"] and "42 days" in bundle["text/plain"]
    assert claims.RULE in bundle["text/plain"]
    html = bundle["text/html"]
    assert "<b>September</b>" not in html and "&lt;b&gt;September&lt;/b&gt;" in html
    assert "42 days" in html and "How a verdict is reached" in html
    payload = bundle[report.VERDICTS_MIME]
    assert [p["verdict"] for p in payload["rows"][0]["parts"]] == ["confirmed", "contradicted"]
    assert payload["rule"] == claims.RULE
    assert "parts" not in payload["columns"]


def test_index_ledger_lists_each_claims_parts_escaped(monkeypatch):
    from kzaf.runner.site import index

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw: shown.append(bundle))
    report.verdicts(_fixture_ledger(), title="T")
    payload = shown[0][report.VERDICTS_MIME]
    manifest = {"status": "ok", "notebooks": []}
    page = index.render(manifest, {"default/00_x": {"verdicts": [payload]}})
    assert (
        '<details class="claim"><summary>fixture &lt;claim&gt; '
        '<span class="verdict">partly confirmed</span>' in page
    )
    assert "<li><b>in &lt;b&gt;September&lt;/b&gt;</b>: confirmed. EV-1" in page
    assert "<b>under a month</b>: contradicted. 42 days (tolerance: none)" in page
    assert "<summary>How a verdict is reached</summary><p>Each claim is split" in page
