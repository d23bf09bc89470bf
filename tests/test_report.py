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
