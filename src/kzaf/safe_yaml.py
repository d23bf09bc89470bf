"""YAML from users, read with limits: no anchors or aliases, bounded size and nesting.

``yaml.safe_load`` refuses Python tags, but not the two things that make a small YAML text
hostile: an alias repeats a node without repeating its text, so a few hundred bytes can stand
for billions of values ("billion laughs": a dry run busy for minutes, a run writing 100+ MB);
and brackets nested thousands deep exhaust Python's recursion limit (a traceback instead of an
error). Every YAML text the project reads from a user (parameter files ``-f``, ``-y`` and
``-p`` values, run files) goes through :func:`load` or :func:`load_file`, which check size
first, then walk the parser's events (a flat loop, no recursion) for anchors, aliases and
depth, and only then build the value. Parameter files and run files are short and flat, so
the limits are far above anything real and give each refusal one line naming the source.

Nothing here imports the rest of kzaf: anything may use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# A run file or parameter file is a few hundred bytes; a -y/-p value a few dozen.
MAX_FILE_BYTES = 1 << 20
MAX_VALUE_BYTES = 64 << 10
# The deepest real structure is a run file's set -> parameters -> a dict-valued parameter ->
# a list: five or six levels.
MAX_DEPTH = 20
_SHOWN = 40  # characters of an inline value quoted in a message


class YamlInputError(ValueError):
    """YAML refused before it was read: too large, too deep, anchors/aliases, or not text.

    The message is one line and names its source (a file, or an option and its value).
    Syntax errors stay :class:`yaml.YAMLError`, as ``yaml.safe_load`` raises them."""


def read_file(path: Path | str, what: str = "YAML file", max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a YAML file, refused past ``max_bytes`` before it is read whole.

    A missing file raises FileNotFoundError as ``open`` does (callers name it in their own
    words); any other problem is a :class:`YamlInputError` naming the file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            content = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlInputError(f"{path}: the {what} cannot be read ({exc.strerror})") from None
    if len(content) > max_bytes:
        raise YamlInputError(
            f"{path}: the {what} is larger than {max_bytes:,} bytes; refused unread"
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlInputError(f"{path}: the {what} is not UTF-8 text (byte {exc.start})") from None


def load(
    text: str,
    source: str,
    *,
    inline: bool = False,
    max_bytes: int | None = None,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """``yaml.safe_load(text)`` after the limits are checked.

    ``source`` names where the text came from: a file path, or an option (``-y``, ``-p``)
    when ``inline``, in which case the message also quotes the start of the value."""
    where = f"{source} value {_shorten(text)}" if inline else source
    limit = max_bytes if max_bytes is not None else MAX_VALUE_BYTES if inline else MAX_FILE_BYTES
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limit:
        raise YamlInputError(f"{where}: {size:,} bytes of YAML, over the limit of {limit:,}")
    _check_events(text, where, max_depth)
    try:
        return yaml.safe_load(text)
    except (ValueError, OverflowError) as exc:  # a date such as 2023-02-30, a 5,000-digit int
        raise YamlInputError(f"{where}: a value YAML cannot read ({exc})") from None


def load_file(path: Path | str, what: str = "YAML file") -> Any:
    """:func:`read_file` then :func:`load`."""
    return load(read_file(path, what), str(path))


def _check_events(text: str, where: str, max_depth: int) -> None:
    """Walk the parser's events: refuse anchors and aliases, and nesting past ``max_depth``.
    Syntax errors pass through as yaml.YAMLError."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlInputError(
                f"{where}: YAML anchors and aliases (&name, *name) are not accepted "
                f"({_at(event)}); write each value out"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise YamlInputError(
                    f"{where}: nested deeper than {max_depth} levels ({_at(event)})"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def syntax_error(exc: yaml.YAMLError) -> str:
    """A YAML syntax error in one line: what the parser expected and where (PyYAML's own
    message spans several lines and quotes the text back)."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if not problem:
        return " ".join(str(exc).split())
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{problem}{where}"


def _at(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "here"


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _SHOWN else flat[:_SHOWN] + "…")
