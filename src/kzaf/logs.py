"""Logging and progress for kzaf: the standard ``logging`` tree, a progress bar on a terminal.

Library modules log to ``logging.getLogger("kzaf.<module>")`` (``kzaf.runner``,
``kzaf.comtrade``, ...) and print nothing; an application embedding kzaf configures logging
as it likes. The ``kzaf`` command calls :func:`configure`: progress lines as plain text on
stdout, warnings and errors on stderr, ``-q`` keeping only those, ``-v`` adding debug lines.

On a terminal (stderr a TTY) long work also shows a tqdm progress bar: a run's notebooks
(with an estimate from the durations of earlier runs), the Comtrade import (bytes read) and
fetches (requests). Without a terminal (cron, systemd, Airflow, a pipe) there is no bar and
the plain lines are all there is, one per event, as schedulers and log files want them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = "kzaf"
_bars: list[Any] = []  # the tqdm bars being shown: console lines are written above them


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ConsoleHandler(logging.Handler):
    """Plain lines: below WARNING to stdout, the rest to stderr (looked up at each line, so a
    replaced ``sys.stdout`` is honoured), above any progress bar; a closed stream is skipped."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # pragma: no cover - logging's own convention
            self.handleError(record)
            return
        stream = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if _bars:
                from tqdm import tqdm

                tqdm.write(text, file=stream)
            else:
                print(text, file=stream, flush=True)


class StampedFormatter(logging.Formatter):
    """Every line of a message with the UTC time in front (log files)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = _stamp()
        return "\n".join(f"{stamp} {line}" for line in record.getMessage().splitlines() or [""])


def configure(verbosity: int = 0) -> logging.Logger:
    """Set up the ``kzaf`` logger for the command line (idempotent): ``verbosity`` -1 quiet
    (warnings and errors only), 0 progress lines, 1 or more debug lines too."""
    logger = logging.getLogger(ROOT)
    for handler in [h for h in logger.handlers if isinstance(h, ConsoleHandler)]:
        logger.removeHandler(handler)
    console = ConsoleHandler()
    console.setFormatter(logging.Formatter("%(message)s"))
    console.setLevel(
        logging.WARNING if verbosity < 0 else logging.DEBUG if verbosity > 0 else logging.INFO
    )
    logger.addHandler(console)
    logger.setLevel(logging.DEBUG if verbosity > 0 else logging.INFO)
    logger.propagate = False
    return logger


def _console_level() -> int:
    handlers = [h for h in logging.getLogger(ROOT).handlers if isinstance(h, ConsoleHandler)]
    return min((h.level for h in handlers), default=logging.INFO)


def on_terminal() -> bool:
    """Whether a progress bar belongs on stderr: a terminal, and not ``-q``."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and _console_level() <= logging.INFO


@contextlib.contextmanager
def progress_bar(total: float | None, description: str, unit: str = "it") -> Iterator[Any]:
    """A tqdm bar on a terminal; elsewhere an object whose ``update`` does nothing."""
    if not on_terminal():
        yield _NoBar()
        return
    from tqdm import tqdm

    scale = unit == "B"
    bar = tqdm(
        total=total, desc=description, unit=unit, unit_scale=scale, file=sys.stderr, leave=False
    )
    _bars.append(bar)
    try:
        yield bar
    finally:
        _bars.remove(bar)
        bar.close()


class _NoBar:
    total: float | None = None

    def update(self, n: float = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def refresh(self) -> None:
        pass

    def reset(self, total: float | None = None) -> None:
        pass


# A run's line for a finished notebook: "  ok      <label>  12.3 s  [3/8]" (or FAILED).
_FINISHED = re.compile(r"^\s+(?:ok|FAILED)\s+(?P<label>\S(?:.*?\S)?)\s{2}.*\[\d+/\d+\]")


class _LogFile(logging.FileHandler):
    """A log file that remembers the first write it could not make (a full disk, /dev/full)
    instead of printing logging's traceback, and writes nothing more."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.failure: OSError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.failure is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        self.failure = error if isinstance(error, OSError) else OSError(str(error))


class RunLog:
    """``kzaf run``'s progress lines: each goes to the ``kzaf.runner`` logger (the console,
    with secrets redacted) and to the run's log files, stamped; on a terminal a progress bar
    follows the finished notebooks, with the time left estimated from earlier runs."""

    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        if secrets is None:
            from kzaf.redaction import secret_variables

            secrets = secret_variables()
        self._secrets = dict(secrets)
        if not logging.getLogger(ROOT).handlers and not logging.getLogger().handlers:
            configure()  # called as a library with logging unset: the lines still show
        self._logger = logging.getLogger(f"{ROOT}.runner")
        self._files: list[_LogFile] = []
        self._history: list[str] = []
        self._bar: contextlib.ExitStack | None = None
        self._progress: Any = None
        self._expected: dict[str, float] = {}
        self._slots = 1

    def attach(self, path: Path, replay: bool = True, header: str | None = None) -> None:
        """Also append every line to ``path`` (with the lines so far, if ``replay``; after a
        ``header`` line, if given, which also proves the file writable now). Raises OSError
        when the file cannot be written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if replay and self._history:
            with path.open("a", encoding="utf-8") as earlier:  # before the handler's lines
                earlier.writelines(self._history)
        handler = _LogFile(path)
        handler.setFormatter(StampedFormatter())
        handler.setLevel(logging.DEBUG)
        if header is not None:
            handler.handle(self._record(logging.INFO, self._redact(header)))
            if handler.failure is not None:
                handler.close()
                raise handler.failure
        self._logger.addHandler(handler)
        self._files.append(handler)

    def _record(self, level: int, text: str) -> logging.LogRecord:
        return self._logger.makeRecord(self._logger.name, level, __file__, 0, text, (), None)

    def _redact(self, text: str) -> str:
        from kzaf.redaction import redact_text

        return redact_text(text, self._secrets)

    def add_secrets(self, secrets: Mapping[str, str]) -> None:
        """More values to redact from every line from now on (a store URL's password)."""
        self._secrets.update(secrets)

    def detail(self, text: str) -> None:
        """Lines for the log files only (a traceback), whatever the console's level."""
        record = self._record(logging.DEBUG, self._redact(text))
        for handler in self._files:
            handler.handle(record)
        self._check_files()

    def _check_files(self) -> None:
        """A log file that failed a write is dropped, with one line saying so."""
        for handler in list(self._files):
            if handler.failure is None:
                continue
            self._files.remove(handler)
            self._logger.removeHandler(handler)
            handler.close()
            why = handler.failure.strerror or handler.failure
            self._logger.error(
                f"kzaf: cannot write the log file {handler.baseFilename} ({why}); "
                "its lines are shown here only"
            )

    def expect(self, durations: Mapping[str, float | None], slots: int) -> None:
        """The notebooks about to execute (label -> seconds an earlier run took, if known):
        starts the progress bar on a terminal."""
        if not durations or not on_terminal():
            return
        known = [d for d in durations.values() if d]
        typical = sum(known) / len(known) if known else 60.0
        self._expected = {label: d or typical for label, d in durations.items()}
        self._slots = max(1, min(slots, len(durations)))
        self._bar = contextlib.ExitStack()
        self._progress = self._bar.enter_context(
            progress_bar(len(durations), "notebooks", unit="nb")
        )
        self._show_estimate()

    def _show_estimate(self) -> None:
        left = sum(self._expected.values()) / self._slots
        self._progress.set_postfix_str(f"about {left:.0f} s left (earlier runs)")

    def __call__(self, text: str, error: bool = False) -> None:
        text = self._redact(text)
        self._logger.log(logging.ERROR if error else logging.INFO, text)
        self._check_files()
        stamp = _stamp()
        self._history.append("".join(f"{stamp} {line}\n" for line in text.splitlines() or [""]))
        finished = _FINISHED.match(text)
        if finished and self._progress is not None:
            self._expected.pop(finished["label"], None)
            self._progress.update(1)
            self._show_estimate()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar, self._progress = None, None
        for handler in self._files:
            self._logger.removeHandler(handler)
            handler.close()
        self._files = []
