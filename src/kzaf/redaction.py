"""Keep secrets from the environment out of everything a run writes.

Keys reach code only through the environment (``COMTRADE_API_KEY`` and the like). A notebook
should never print one, but if it does, the executed copy, its HTML, the logs, the manifest and
the index carry ``[redacted $NAME]`` instead. Secret variables are those whose name contains
KEY, TOKEN, SECRET, PASSWORD, PASSWD, CREDENTIAL(S) or AUTH as a ``_``-separated word, plus any
named in ``$KZAF_SECRET_VARS`` (comma-separated); values shorter than 8 characters are not
treated as secrets (they would match ordinary text).

A printout need not show a secret whole: pandas cuts a long cell to its first characters and
``...``, ``reprlib`` keeps its head and tail, a wrapped line splits it. So beyond every escaped
spelling of the whole value, any run of :data:`FRAGMENT` or more of its characters (in any of
those spellings) is redacted too. And the user name and password of a URL
(``s3://user:password@bucket``) never pass, whether or not a variable holds them.

This module sits below logging and the runner and imports neither.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from kzaf import atomic

_SECRET_NAME = re.compile(
    r"(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)", re.I
)
MIN_LENGTH = 8
FRAGMENT = 10  # this many characters of a secret in a row are redacted wherever they appear
# The user information of a URL: ``scheme://user:password@`` or ``scheme://token@``.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@'\"<>\\]+@")
URL_CREDENTIALS_MARK = "[redacted credentials]"


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
    # As is; as Python's repr and ascii() show it; as the repr of its UTF-8 bytes.
    shown_forms = {value, repr(value)[1:-1], ascii(value)[1:-1], repr(value.encode())[2:-1]}
    for shown in shown_forms:
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


def strip_credentials(text: str) -> str:
    """``text`` with the user information of every URL in it replaced by a mark."""
    return _URL_CREDENTIALS.sub(rf"\1{URL_CREDENTIALS_MARK}@", text)


def url_secrets(url: str) -> dict[str, str]:
    """The password (or token) a URL carries, as a secret to redact in every spelling."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(url)
        found = {"URL_PASSWORD": parts.password, "URL_USER": parts.username}
    except ValueError:
        return {}
    return {name: unquote(v) for name, v in found.items() if v and len(v) >= MIN_LENGTH}


@dataclass(frozen=True)
class _Redactor:
    """Each secret in each of its spellings, longest first (so no spelling is cut in half),
    and the blocks that find its fragments."""

    whole: tuple[tuple[str, str], ...]  # (spelling, mark)
    fragments: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...]  # (spelling, mark, blocks)


@functools.lru_cache(maxsize=16)
def _redactor(secrets: tuple[tuple[str, str], ...]) -> _Redactor:
    pairs: list[tuple[str, str]] = []
    for name, value in secrets:
        mark = f"[redacted ${name}]"
        pairs.extend((form, mark) for form in _spellings(value))
    pairs.sort(key=lambda pair: -len(pair[0]))
    # Any run of FRAGMENT characters of a spelling holds one whole block of FRAGMENT // 2
    # characters starting at a multiple of it: the blocks are what is searched for.
    size = FRAGMENT // 2
    fragments = tuple(
        (
            form,
            mark,
            tuple((at, form[at : at + size]) for at in range(0, len(form) - size + 1, size)),
        )
        for form, mark in pairs
        if len(form) > FRAGMENT
    )
    return _Redactor(tuple(pairs), fragments)


def _fragment_spans(text: str, redactor: _Redactor) -> list[tuple[int, int, str]]:
    """Where ``text`` holds FRAGMENT or more characters in a row of a secret's spelling."""
    spans = []
    for form, mark, blocks in redactor.fragments:
        for offset, block in blocks:
            found = text.find(block)
            while found >= 0:
                start, begin = found, offset
                while start > 0 and begin > 0 and text[start - 1] == form[begin - 1]:
                    start, begin = start - 1, begin - 1
                end, stop = found + len(block), offset + len(block)
                while end < len(text) and stop < len(form) and text[end] == form[stop]:
                    end, stop = end + 1, stop + 1
                if end - start >= FRAGMENT:
                    spans.append((start, end, mark))
                found = text.find(block, found + 1)
    return spans


def redact_text(text: str, secrets: Mapping[str, str], urls: bool = True) -> str:
    """``text`` with every spelling of every secret, any run of :data:`FRAGMENT` characters
    of one, and (``urls``) the credentials of every URL replaced by marks."""
    if urls:
        text = strip_credentials(text)
    if not secrets:
        return text
    redactor = _redactor(tuple(sorted(secrets.items())))
    for form, mark in redactor.whole:
        if form in text:
            text = text.replace(form, mark)
    merged: list[tuple[int, int, str]] = []
    for start, end, mark in sorted(_fragment_spans(text, redactor)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, mark))
    pieces, at = [], 0
    for start, end, mark in merged:
        pieces += [text[at:start], mark]
        at = end
    return "".join([*pieces, text[at:]])


def redact_object(value: Any, secrets: Mapping[str, str]) -> Any:
    """Every string inside a JSON-like structure (a notebook), redacted."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [redact_object(v, secrets) for v in value]
    if isinstance(value, dict):
        return type(value)((k, redact_object(v, secrets)) for k, v in value.items())
    return value


def redact_file(path: Path, secrets: Mapping[str, str], strict: bool = False) -> bool:
    """Redact a text file; True if anything was replaced. The redacted text is written anew
    and renamed over the file, never written into it: a hard link to it (an earlier run's
    file) keeps what it had, and a kill leaves the old file or the new one, never half.
    ``strict``: raise UnicodeDecodeError for a file that is not UTF-8 text instead of
    passing its bytes through."""
    if not path.is_file():
        return False
    errors = "strict" if strict else "surrogateescape"
    text = path.read_text(encoding="utf-8", errors=errors)
    clean = redact_text(text, secrets)
    if clean == text:
        return False
    atomic.write_text(path, clean, errors="surrogateescape")
    return True


def redact_tree(folder: Path, secrets: Mapping[str, str]) -> list[str]:
    """Redact every file and file name below ``folder``, whatever state the run is in.

    Text files are redacted (each written anew and renamed into place); a file or folder
    whose name spells a secret is renamed; a binary file (an image) whose bytes contain a
    secret cannot be edited without breaking it, so it is removed, and so is a file that
    held a secret but could not be rewritten (a full disk: removing it frees space and the
    secret with it). Returns what was changed, as lines for the log (names already redacted).
    """
    changed: list[str] = []
    if not folder.is_dir():
        return changed
    # Deepest first, so renaming a folder never invalidates a path still to be visited.
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_file() and not path.is_symlink() and not _redact_one(path, secrets, changed):
            continue
        clean = redact_text(path.name, secrets)
        if clean != path.name:
            target = path.with_name(clean.replace("/", "_"))
            path.rename(target)
            changed.append(f"renamed to {target}")
    return changed


def _redact_one(path: Path, secrets: Mapping[str, str], changed: list[str]) -> bool:
    """Redact one file, written anew; False when it had to be removed instead."""
    data = path.read_bytes()
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:  # an image: only a secret's bytes count (no URL pattern in binary noise)
        loose = data.decode("utf-8", "surrogateescape")
        if redact_text(loose, secrets, urls=False) == loose:
            return True
        why = "binary, held a secret"
    else:
        clean = redact_text(text, secrets)
        if clean == text:
            return True
        try:
            atomic.write_text(path, clean)
            changed.append(f"redacted {redact_text(str(path), secrets)}")
            return True
        except OSError as exc:
            why = f"held a secret and could not be rewritten: {exc.strerror}"
    path.unlink()
    changed.append(f"removed {redact_text(str(path), secrets)} ({why})")
    return False
