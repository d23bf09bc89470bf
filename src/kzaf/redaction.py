"""Keep secrets from the environment out of everything a run writes.

Keys reach code only through the environment (``COMTRADE_API_KEY`` and the like). A notebook
should never print one, but if it does, the executed copy, its HTML, the logs, the manifest and
the index carry ``[redacted $NAME]`` instead. Secret variables are those whose name contains
KEY, TOKEN, SECRET, PASSWORD, PASSWD, CREDENTIAL(S) or AUTH as a ``_``-separated word, plus any
named in ``$KZAF_SECRET_VARS`` (comma-separated); values shorter than 8 characters are not
treated as secrets (they would match ordinary text).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

_SECRET_NAME = re.compile(
    r"(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)", re.I
)
MIN_LENGTH = 8


def secret_variables(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Name -> value of the environment variables that hold secrets."""
    environ = os.environ if environ is None else environ
    extra = {n.strip() for n in environ.get("KZAF_SECRET_VARS", "").split(",") if n.strip()}
    return {
        name: value
        for name, value in environ.items()
        if (name in extra or _SECRET_NAME.search(name)) and len(value) >= MIN_LENGTH
    }


def _spellings(value: str) -> set[str]:
    """Every way a file a run writes may spell ``value``: as is, HTML-escaped (with and without
    quotes, decimal or hex apostrophes), URL-quoted, and each of those JSON-escaped (with and
    without ASCII escapes), since notebooks are JSON and pages embed JSON. The value as Python
    shows it (``repr``: what a notebook's last expression displays, with quotes and backslashes
    escaped) is spelled each of those ways too."""
    html_forms = set()
    for shown in {value, repr(value)[1:-1]}:
        html_forms |= {
            shown,
            html.escape(shown, quote=False),
            html.escape(shown, quote=True),
            html.escape(shown, quote=True).replace("&#x27;", "&#39;"),
            html.escape(shown, quote=False).replace('"', "&#34;").replace("'", "&#39;"),
            quote(shown, safe=""),
            quote_plus(shown, safe=""),
        }
    forms = set(html_forms)
    for form in html_forms:
        forms.add(json.dumps(form)[1:-1])
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
        forms.add(json.dumps(json.dumps(form)[1:-1])[1:-1])  # JSON inside a JSON string
    return {form for form in forms if form}


def _forms(secrets: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each secret in each of its spellings, longest first (so no spelling is cut in half)."""
    pairs: list[tuple[str, str]] = []
    for name, value in secrets.items():
        mark = f"[redacted ${name}]"
        pairs.extend((form, mark) for form in _spellings(value))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def redact_text(text: str, secrets: Mapping[str, str]) -> str:
    for form, mark in _forms(secrets):
        text = text.replace(form, mark)
    return text


def redact_object(value: Any, secrets: Mapping[str, str]) -> Any:
    """Every string inside a JSON-like structure (a notebook), redacted."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [redact_object(v, secrets) for v in value]
    if isinstance(value, dict):
        return type(value)((k, redact_object(v, secrets)) for k, v in value.items())
    return value


def redact_file(path: Path, secrets: Mapping[str, str], strict: bool = False) -> bool:
    """Redact a text file in place; True if anything was replaced. ``strict``: raise
    UnicodeDecodeError for a file that is not UTF-8 text instead of passing its bytes through."""
    if not secrets or not path.is_file():
        return False
    errors = "strict" if strict else "surrogateescape"
    text = path.read_text(encoding="utf-8", errors=errors)
    clean = redact_text(text, secrets)
    if clean == text:
        return False
    path.write_text(clean, encoding="utf-8", errors="surrogateescape")
    return True


def redact_tree(folder: Path, secrets: Mapping[str, str]) -> list[str]:
    """Redact every file and file name below ``folder``, whatever state the run is in.

    Text files are redacted in place; a file or folder whose name spells a secret is renamed;
    a binary file (an image) whose bytes contain a secret cannot be edited without breaking it,
    so it is removed. Returns what was changed, as lines for the log (names already redacted).
    """
    changed: list[str] = []
    if not secrets or not folder.is_dir():
        return changed
    raw = [form.encode("utf-8") for form, _ in _forms(secrets)]
    # Deepest first, so renaming a folder never invalidates a path still to be visited.
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(form in data for form in raw):
                try:
                    redact_file(path, secrets, strict=True)
                    changed.append(f"redacted {redact_text(str(path), secrets)}")
                except UnicodeDecodeError:
                    path.unlink()
                    name = redact_text(str(path), secrets)
                    changed.append(f"removed {name} (binary, held a secret)")
                    continue
        clean = redact_text(path.name, secrets)
        if clean != path.name:
            target = path.with_name(clean.replace("/", "_"))
            path.rename(target)
            changed.append(f"renamed to {target}")
    return changed
