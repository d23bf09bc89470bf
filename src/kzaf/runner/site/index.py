"""The run's ``index.html``, for readers: what the project is and which article it checks,
every notebook's question, short answer and links, the claims ledger in brief; the run's
details (status, timings, parameters, commit) in the footer. Headline numbers stay on the
notebooks' pages.

The page comes from a jinja2 template with autoescape on (``templates/index.html.j2``), so every
value from data, notebooks, parameters or the environment is escaped by default; nothing here
builds HTML by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from kzaf.runner.site.references import CLAIM_ID, cite_sources
from kzaf.runner.site.shell import LICENCE, environment, href, plain, site_css
from kzaf.text.words import count, date_words, words_in


def _error(entry: Mapping[str, Any]) -> str:
    error = entry.get("error")
    if not error:
        return ""
    where = [f"cell {error['cell']}"] if error.get("cell") is not None else []
    if error.get("execution_count") is not None:
        where.append(f"In [{error['execution_count']}]")
    place = ", ".join(where)
    return f"Failed at {place}: {error.get('ename', '')}: {error.get('evalue', '')}".strip()


def _links(entry: Mapping[str, Any]) -> list[dict[str, str]]:
    outputs = entry.get("outputs") or {}
    failed = entry.get("status") == "failed"
    labels = [
        ("reader", "for readers"),
        ("analyst", "with code, at the error" if failed else "with code"),
        ("notebook", "executed notebook with the error" if failed else "notebook"),
    ]
    links = []
    for key, label in labels:
        if key in outputs:
            target = outputs[key] + ("#papermill-error-cell" if key == "analyst" and failed else "")
            links.append({"href": href(target), "label": label})
    return links or [{"href": "#", "label": "no output"}]


_MARKDOWN_MARKS = re.compile(r"(\*\*|__|`|\\(?=[\\`*_{}\[\]()#+!|~-]))")


def _unmarkdown(text: str) -> str:
    """Markdown emphasis and escapes removed: the index shows the answer as plain text."""
    return _MARKDOWN_MARKS.sub("", text).strip()


def _card(entry: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    label = f"{entry['set']}/{entry['notebook']}"
    status = entry.get("status") or "not run"
    duration = entry.get("duration_s")
    overrides = entry.get("overrides") or {}
    sources = entry.get("override_sources") or {}
    answers = [a.get("text", "") for a in result.get("answer") or [] if isinstance(a, Mapping)]
    points = [
        str(p)
        for payload in result.get("key_points") or []
        if isinstance(payload, Mapping)
        for p in payload.get("points", [])
    ]
    title = plain(result.get("title") or entry.get("title"))
    short_title = entry["notebook"].split("_", 1)[-1].replace("_", " ")
    return {
        "anchor": "nb-" + re.sub(r"[^A-Za-z0-9_-]", "-", label),
        "title": title,
        "short_title": short_title,
        "label": short_title + (f" ({entry['set']})" if entry["set"] != "default" else ""),
        "set_label": entry["set"] if entry["set"] != "default" else "",
        "changed": (
            "changed from the defaults: "
            + ", ".join(f"{k} = {plain(v)}" for k, v in overrides.items())
            if overrides
            else ""
        ),
        "question": plain(result.get("question")) if result.get("question") else "",
        # The notebook's first answer only: later ones belong to their sections.
        "answer": _unmarkdown(answers[0]) if answers and not points else "",
        "points": points,
        "status": status,
        "status_class": re.sub(r"[^a-z]", "", status),
        "reused_from": entry.get("reused_from") or "",
        "error": _error(entry),
        "duration": f"{duration:.1f} s" if isinstance(duration, int | float) else "–",
        "links": _links(entry),
        "reader_href": href((entry.get("outputs") or {}).get("reader", "")) or None,
        "set_here": ", ".join(f"{k} = {plain(v)}" for k, v in overrides.items()) or "defaults",
        "parameters": [
            {"name": k, "value": plain(v), "source": sources.get(k, "default")}
            for k, v in (entry.get("parameters") or {}).items()
        ],
    }


PART_KEYS = ("part", "verdict", "evidence", "tolerance")


def _parts(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """A claim's parts as the template lists them (part, verdict, evidence, tolerance)."""
    parts = row.get("parts")
    if not isinstance(parts, list):
        return []
    return [
        {k: words_in(plain(part.get(k))) if part.get(k) else "" for k in PART_KEYS}
        for part in parts
        if isinstance(part, Mapping)
    ]


def _ledger(results: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """Every claim once (the first notebook that rates it), with its parts and a count per
    verdict, and the rule that derives a claim's verdict from its parts (carried by the
    notebooks' payloads, so the runner needs no analysis code)."""
    claims: dict[str, dict[str, Any]] = {}
    rule = ""
    for result in results.values():
        for payload in result.get("verdicts") or []:
            if not isinstance(payload, Mapping):
                continue
            rule = rule or plain(payload.get("rule") or "")
            for row in payload.get("rows", []):
                if isinstance(row, Mapping) and row.get("statement"):
                    key = plain(row.get("claim_id") or row.get("statement"))
                    claims.setdefault(
                        key,
                        {
                            "statement": words_in(plain(row["statement"])),
                            "verdict": plain(row.get("verdict")),
                            "parts": _parts(row),
                        },
                    )
    if not claims:
        return None
    counts = Counter(c["verdict"] for c in claims.values())
    summary = f"{len(claims)} claims checked against the record: " + ", ".join(
        f"{n} {verdict}" for verdict, n in counts.most_common()
    )
    return {"summary": summary + ".", "rows": list(claims.values()), "rule": rule}


def render(
    manifest: Mapping[str, Any],
    results: Mapping[str, Mapping[str, Any]],
    catalogue: Mapping[str, Any] | None = None,
    compare: str | None = None,
) -> str:
    """The page. ``results`` maps ``set/stem`` to the worker's result (headline, verdicts);
    with ``catalogue`` (:func:`kzaf.runner.site.references.source_catalogue`) the article the
    notebooks check is named, and record ids in answers and claims become numbered references
    to their sources; ``compare`` links the comparison page of a run with several parameter
    sets."""
    code = manifest.get("code", {})
    entries = manifest.get("notebooks", [])
    cards = [_card(e, results.get(f"{e['set']}/{e['notebook']}", {})) for e in entries]
    run_date = date_words(plain(manifest.get("started"))[:10])
    page = (
        environment()
        .get_template("index.html.j2")
        .render(
            css=site_css(),
            licence=LICENCE,
            meta={
                "title": "kzaf · Kazakhstan–Afghanistan trade, sourced and reproducible",
                "description": DESCRIPTION,
                "type": "website",
            },
            run_id=plain(manifest.get("run_id")),
            run_date=run_date,
            status_sentence=_status_sentence(manifest, entries),
            commit=(code.get("commit") or "unknown")[:12],
            dirty=" (with uncommitted changes)" if code.get("dirty") else "",
            data_files=len(manifest.get("data", {}).get("files", {})),
            cards=cards,
            ledger=_ledger(results),
            article=article(catalogue or {}),
            compare=href(compare) if compare else None,
        )
    )
    if not catalogue:
        return page
    body, _, rest = page.partition("</main>")
    body, references = cite_sources(body, dict(catalogue))
    listing = environment().get_template("references.html.j2").render(references=references)
    return body + listing + "</main>" + rest


DESCRIPTION = (
    "Open research notebooks on Kazakhstan's trade with Afghanistan and the trans-Afghan "
    "corridor: every figure sourced, disagreements shown, the claims of one article checked."
)


def _status_sentence(manifest: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> str:
    failed = [e for e in entries if e.get("status") != "ok"]
    if manifest.get("status") == "ok":
        return f"all {count(len(entries), 'notebook run')} succeeded"
    return f"{len(failed)} of {count(len(entries), 'notebook run')} did not succeed"


_AUTHOR = re.compile(r"\bauthors?\s+([^;)]+)")


def article(catalogue: Mapping[str, Any]) -> dict[str, str] | None:
    """The article the claims come from (the source the claims table cites most), named for
    readers: author, title, publication, month and link."""
    claim_sources = Counter(
        source
        for record, source in (catalogue.get("records") or {}).items()
        if CLAIM_ID.fullmatch(record)
    )
    if not claim_sources:
        return None
    row = (catalogue.get("sources") or {}).get(claim_sources.most_common(1)[0][0])
    if not row:
        return None
    publisher = row.get("publisher", "")
    author = _AUTHOR.search(publisher)
    return {
        "author": author[1].strip() if author else "",
        "title": row.get("title", ""),
        "publication": publisher.split(" (")[0],
        "date": date_words(row.get("publication_date", "")),
        "url": row.get("url", ""),
    }
