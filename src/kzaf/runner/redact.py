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


def _forms(secrets: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each secret as it may appear: plain, JSON-escaped and HTML-escaped."""
    pairs = []
    for name, value in secrets.items():
        mark = f"[redacted ${name}]"
        for form in {value, json.dumps(value)[1:-1], html.escape(value)}:
            pairs.append((form, mark))
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


def redact_file(path: Path, secrets: Mapping[str, str]) -> bool:
    """Redact a text file in place; True if anything was replaced."""
    if not secrets or not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    clean = redact_text(text, secrets)
    if clean == text:
        return False
    path.write_text(clean, encoding="utf-8", errors="surrogateescape")
    return True
