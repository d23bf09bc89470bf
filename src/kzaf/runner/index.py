"""The run's ``index.html``: every notebook with its parameters, status, duration, outputs,
headline numbers and claim verdicts. Every piece of text is escaped: titles, numbers and
verdicts come from data and notebooks, and a source title may hold anything."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.5em 0 .3em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; }
.ok { color: #176117; font-weight: 600; } .failed, .interrupted { color: #a11; font-weight: 600; }
.reused { color: #555; font-weight: 400; }
.meta { color: #555; } code { background: #f4f4f4; padding: 0 .2em; }
.notebook { border-top: 2px solid #ccc; margin-top: 1.5em; }
.caption { font-weight: 600; margin: .6em 0 .1em; }
pre { white-space: pre-wrap; background: #fbf3f3; padding: .5em; font-size: .85em; }
"""

VERDICT_COLUMNS = ["claim_id", "verdict", "statement", "evidence", "sources"]


def _e(value: Any) -> str:
    return html.escape(value if isinstance(value, str) else _plain(value), quote=True)


def _plain(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.10g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _href(path: str) -> str:
    target, _, fragment = path.partition("#")
    return html.escape(quote(target) + (f"#{quote(fragment)}" if fragment else ""), quote=True)


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    if not rows:
        return ""
    columns = list(columns or {k: None for row in rows for k in row})
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _payloads(payloads: Any, columns: Sequence[str] | None = None) -> str:
    parts = []
    for payload in payloads or []:
        if not isinstance(payload, Mapping):
            parts.append(f"<p>{_e(payload)}</p>")
            continue
        rows = [r for r in payload.get("rows", []) if isinstance(r, Mapping)]
        order = payload.get("columns") if isinstance(payload.get("columns"), list) else columns
        present = [c for c in order if any(c in r for r in rows)] if order else None
        parts.append(f'<div class="caption">{_e(payload.get("title", ""))}</div>')
        parts.append(_table(rows, present or None))
    return "".join(parts)


def _status(entry: Mapping[str, Any]) -> str:
    status = entry.get("status") or "not run"
    css = re.sub(r"[^a-z]", "", status)
    text = f'<span class="{css}">{_e(status)}</span>'
    if entry.get("reused_from"):
        text += f' <span class="reused">(reused from run {_e(entry["reused_from"])})</span>'
    return text


def _error(entry: Mapping[str, Any]) -> str:
    error = entry.get("error")
    if not error:
        return ""
    where = []
    if error.get("cell") is not None:
        where.append(f"cell {error['cell']}")
    if error.get("execution_count") is not None:
        where.append(f"In [{error['execution_count']}]")
    place = ", ".join(where)
    line = f" <code>{_e(error['line'])}</code>" if error.get("line") else ""
    head = f"{_e(place)}{line}: " if place or line else ""
    ename, evalue = _e(error.get("ename", "")), _e(error.get("evalue", ""))
    return f"<p>Failed at {head}<b>{ename}</b>: {evalue}</p>"


def _links(entry: Mapping[str, Any]) -> str:
    outputs = entry.get("outputs") or {}
    names = [("reader", "for readers"), ("analyst", "with code"), ("notebook", "notebook")]
    links = []
    for key, label in names:
        if key in outputs:
            target = outputs[key]
            if key == "analyst" and entry.get("status") == "failed":
                target += "#papermill-error-cell"
                label = "with code, at the error"
            elif key == "notebook" and entry.get("status") == "failed":
                label = "executed notebook with the error"
            links.append(f'<a href="{_href(target)}">{_e(label)}</a>')
    return " · ".join(links) or "no output"


def _parameters(entry: Mapping[str, Any]) -> str:
    overrides = entry.get("overrides") or {}
    rows = [
        {"name": k, "value": v, "from": (entry.get("override_sources") or {}).get(k, "default")}
        for k, v in (entry.get("parameters") or {}).items()
    ]
    set_here = ", ".join(f"{k} = {_plain(v)}" for k, v in overrides.items()) or "defaults"
    return (
        f"<details><summary>Parameters: {_e(set_here)}</summary>"
        f"{_table(rows, ['name', 'value', 'from'])}</details>"
    )


def render(manifest: Mapping[str, Any], results: Mapping[str, Mapping[str, Any]]) -> str:
    """The page. ``results`` maps ``set/stem`` to the worker's result (headline, verdicts)."""
    code = manifest.get("code", {})
    commit = (code.get("commit") or "unknown")[:12]
    dirty = " (with uncommitted changes)" if code.get("dirty") else ""
    entries = manifest.get("notebooks", [])
    failed = [e for e in entries if e.get("status") != "ok"]
    status = manifest.get("status", "")
    summary_rows = []
    sections = []
    for entry in entries:
        label = f"{entry['set']}/{entry['notebook']}"
        anchor = "nb-" + re.sub(r"[^A-Za-z0-9_-]", "-", label)
        result = results.get(label, {})
        duration = entry.get("duration_s")
        duration_text = f"{duration:.1f} s" if isinstance(duration, int | float) else "–"
        summary_rows.append(
            f'<tr><td><a href="#{anchor}">{_e(entry.get("title"))}</a><br>'
            f'<span class="meta">{_e(label)}</span></td>'
            f"<td>{_status(entry)}</td><td>{_e(duration_text)}</td><td>{_links(entry)}</td></tr>"
        )
        sections.append(
            f'<section class="notebook" id="{anchor}">'
            f"<h3>{_e(entry.get('title'))} <span class='meta'>{_e(label)}</span></h3>"
            f"<p>{_status(entry)} · {_e(duration_text)} · {_links(entry)}</p>"
            f"{_error(entry)}{_parameters(entry)}"
            f"{_payloads(result.get('headline'))}"
            f"{_payloads(result.get('verdicts'), VERDICT_COLUMNS)}"
            "</section>"
        )
    headline = (
        f"All {len(entries)} notebook runs succeeded."
        if status == "ok"
        else f"{len(failed)} of {len(entries)} notebook runs did not succeed."
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kzaf run {_e(manifest.get("run_id"))}</title><style>{STYLE}</style></head>
<body>
<h1>kzaf run {_e(manifest.get("run_id"))}</h1>
<p class="{_e(re.sub(r"[^a-z]", "", status))}">{_e(headline)}</p>
<p class="meta">Started {_e(manifest.get("started"))} · ended {_e(manifest.get("ended"))} ·
code {_e(commit)}{_e(dirty)} · {_e(len(manifest.get("data", {}).get("files", {})))} data files ·
<a href="manifest.json">manifest</a> · <a href="run.log">log</a></p>
<table><thead><tr><th>notebook</th><th>status</th><th>duration</th><th>outputs</th></tr></thead>
<tbody>{"".join(summary_rows)}</tbody></table>
{"".join(sections)}
</body></html>
"""
