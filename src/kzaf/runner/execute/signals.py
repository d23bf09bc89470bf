"""SIGTERM and SIGINT during a run: raised as :class:`Interrupted` where the run can stop
cleanly (its workers ended, its partial folder kept)."""

from __future__ import annotations

import contextlib
import signal
from typing import Any


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) during a run."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(signum)


def set_handlers(on_term: Any, on_int: Any) -> dict[int, Any]:
    """Install handlers (``None``: keep); return the previous ones. Outside the main thread
    (an embedding scheduler) signals stay as they are."""
    previous: dict[int, Any] = {}
    for signum, handler in ((signal.SIGTERM, on_term), (signal.SIGINT, on_int)):
        if handler is None:
            continue
        with contextlib.suppress(ValueError, TypeError):
            previous[signum] = signal.signal(signum, handler)
    return previous


def restore_handlers(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signum, handler)
