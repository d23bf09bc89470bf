"""What a notebook hands to its readers and to the runner: the answer, headline numbers, verdicts.

Notebooks call :func:`answer`, :func:`headline`, :func:`verdicts` and :func:`show` instead
of printing or branching on what the data hold. Each displays a readable table (and is what
nbval checks, rounded so it is stable) and also carries a machine-readable copy under a kzaf
MIME type, which the runner reads from executed notebooks to build the run's index page.
Nothing here computes a finding.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kzaf.text.escape import escape_html
from kzaf.text.tables import Shown, reader_table
from kzaf.text.words import words_in

if TYPE_CHECKING:  # imported where used: the runner reads payloads without loading pandas
    import pandas as pd

HEADLINE_MIME = "application/vnd.kzaf.headline+json"
VERDICTS_MIME = "application/vnd.kzaf.verdicts+json"
ANSWER_MIME = "application/vnd.kzaf.answer+json"
KEY_POINTS_MIME = "application/vnd.kzaf.key-points+json"
TITLE_MIME = "application/vnd.kzaf.title+json"


def _clean(value: Any, decimals: int) -> Any:
    import pandas as pd

    if isinstance(value, float):
        # + 0.0 turns -0.0 (a tiny negative rounded away) into 0.0, so no table shows "-0".
        return None if math.isnan(value) else round(value, decimals) + 0.0
    if isinstance(value, pd.Period | pd.Timestamp):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item(), decimals)
    if isinstance(value, list | tuple):
        return [_clean(v, decimals) for v in value]
    return value


def rounded_records(table: pd.DataFrame, decimals: int = 1) -> list[dict[str, Any]]:
    return [
        {str(k): _clean(v, decimals) for k, v in row.items()} for row in table.to_dict("records")
    ]


def _bundle(table: pd.DataFrame, mime: str, title: str, decimals: int) -> dict[str, Any]:
    import pandas as pd

    records = rounded_records(table, decimals)
    shown = pd.DataFrame(records, columns=[str(c) for c in table.columns])
    return {
        "text/plain": shown.to_string(index=False),
        # Readers get the table the reader's way (words, units, "–"); the plain text that
        # nbval compares stays pandas' own.
        "text/html": f"<p><b>{escape_html(words_in(title), quote=False)}</b></p>"
        + reader_table(shown, download=False),
        # "columns" keeps the table's order: nbformat sorts JSON keys, so rows alone lose it.
        mime: json.loads(
            json.dumps({"title": title, "columns": list(shown.columns), "rows": records})
        ),
    }


def show(*parts: Shown) -> None:
    """Show a notebook's parts in order: a table as a table, a sentence (Markdown, from the
    analysis: kzaf.text.tables.table_or) in place of an empty one, nothing for None. The one
    "table or message" rule, so notebooks never branch on what their data hold."""
    from IPython.display import Markdown, display

    from kzaf.text.tables import register

    register()  # a table shown here reads as a reader's table, whatever else the notebook set
    for part in parts:
        if part is None:
            continue
        display(Markdown(words_in(part)) if isinstance(part, str) else part)


def headline(table: pd.DataFrame | Mapping[str, Any] | str, title: str, decimals: int = 1) -> None:
    """Show the notebook's headline numbers (a small table, or a mapping name -> value), or
    the sentence an analysis gives in place of an empty table."""
    import pandas as pd
    from IPython.display import display

    if isinstance(table, str):
        show(table)
        return
    if isinstance(table, Mapping):
        table = pd.DataFrame({"quantity": list(table), "value": list(table.values())})
    display(_bundle(table, HEADLINE_MIME, title, decimals), raw=True)


PART_COLUMNS = ("claim_id", "claim_words", "part", "verdict", "evidence", "tolerance")
# The part's own key for a column whose name says more to a reader.
_PART_KEYS = {"claim_words": "wording"}


def claim_parts(ledger: pd.DataFrame) -> pd.DataFrame:
    """One row per part of every claim in a ledger from :func:`kzaf.claims.evaluate`: the
    claim's words each part tests, the part, its verdict, evidence and tolerance."""
    import pandas as pd

    rows = [
        {
            "claim_id": claim["claim_id"],
            **{k: part.get(_PART_KEYS.get(k, k), "") for k in PART_COLUMNS[1:]},
        }
        for claim in ledger.to_dict("records")
        for part in claim.get("parts") or []
    ]
    return pd.DataFrame(rows, columns=list(PART_COLUMNS))


def verdicts(
    ledger: pd.DataFrame | str, title: str = "The article's claims against the data"
) -> None:
    """Show claim verdicts from :func:`kzaf.claims.evaluate`: one row per claim, then each
    claim's parts with their verdict, evidence and tolerance, then the rule that joins them;
    or the sentence an analysis gives where the claims do not apply.

    The payload's rows carry their parts too, so the run's index can show them."""
    from IPython.display import display

    from kzaf.claims import RULE

    if isinstance(ledger, str):
        show(ledger)
        return

    columns = [c for c in ("claim_id", "statement", "verdict", "sources") if c in ledger]
    bundle = _bundle(ledger[columns], VERDICTS_MIME, title, 1)
    if "parts" in ledger:
        parts = claim_parts(ledger)
        for row, claim in zip(
            bundle[VERDICTS_MIME]["rows"], ledger.to_dict("records"), strict=True
        ):
            row["parts"] = json.loads(json.dumps(claim["parts"]))
        bundle["text/plain"] += "\n\nEach claim's parts:\n" + parts.to_string(index=False)
        bundle["text/html"] += (
            f"<p><b>{escape_html('Each claim, part by part', quote=False)}</b></p>"
            + reader_table(parts, download=False)
        )
    bundle[VERDICTS_MIME]["rule"] = RULE
    note = f"How a verdict is reached: {RULE}"
    bundle["text/plain"] += "\n\n" + note
    # Folded on the page: the rule is the same for every claim (and printed pages open it).
    bundle["text/html"] += (
        "<details><summary>How a verdict is reached</summary>"
        f'<p class="table-note">{escape_html(RULE, quote=False)}</p></details>'
    )
    display(bundle, raw=True)


def answer(text: str) -> None:
    """Show the notebook's answer paragraph, generated from the data, as Markdown.

    A copy under :data:`ANSWER_MIME` lets the run's index quote the answer beside the link.
    """
    from IPython.display import display

    if not text:  # nothing to say (an analysis's optional note): nothing shown
        return
    text = words_in(text)  # words where the analysis left a code (kzaf.text.words)
    display({"text/markdown": text, ANSWER_MIME: {"text": text}}, raw=True)


def title(text: str) -> None:
    """The title for the parameters in force ("The trajectory of Uzbekistan–Afghanistan
    trade"), shown as the notebook's heading where it is called (JupyterLab's table of contents
    lists it, so the notebook is titled for its pair, not only its page). The runner puts it on
    the reader page and the index in place of the notebook's written title, which names no
    pair, and leaves this heading off the reader page (it would say the title twice)."""
    from IPython.display import display

    from kzaf.text.escape import escape_markdown

    heading = f"# {escape_markdown(text)}"
    display({"text/markdown": heading, "text/plain": text, TITLE_MIME: {"text": text}}, raw=True)


def key_points(points: list[str], title: str = "In short") -> None:
    """Show the answer in three to five plain sentences, first thing on the reader page (and,
    through :data:`KEY_POINTS_MIME`, on the index). Data pieces inside are escaped."""
    from IPython.display import display

    from kzaf.text.escape import escape_markdown

    points = [words_in(p) for p in points]  # words where the analysis left a code
    markdown = f"**{title}**\n\n" + "\n".join(f"- {escape_markdown(p)}" for p in points)
    # On the page, the answer box the index shows too (the site's stylesheet: .answer).
    items = "".join(f"<li>{escape_html(p, quote=False)}</li>" for p in points)
    html = (
        f'<div class="answer"><p class="answer-label">{escape_html(title, quote=False)}</p>'
        f"<ul>{items}</ul></div>"
    )
    bundle = {"text/markdown": markdown, "text/html": html, KEY_POINTS_MIME: {"points": points}}
    display(bundle, raw=True)


def question(notebook: Mapping[str, Any]) -> str:
    """The notebook's question: the first paragraph of its opening Markdown cell after the
    title, without Markdown emphasis (for the index, beside the link)."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
        body = [p for p in paragraphs if not p.startswith("#")]
        if body:
            text = " ".join(body[0].split())
            return text.replace("**Question.**", "").replace("**", "").strip()
        return ""
    return ""


def read_outputs(notebook: Mapping[str, Any], mime: str) -> list[dict[str, Any]]:
    """Every payload of ``mime`` in an executed notebook (a nbformat node or its JSON)."""
    found = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found
