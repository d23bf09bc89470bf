"""The worker writes a running notebook at most once a second, and always when it ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notebook_factory import make_notebook
from papermill import engines

from kzaf.runner.execute import worker

pytestmark = pytest.mark.notebook


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cells had run at each write of the output notebook (the class's own save is
    restored after the test: the throttle patches it for the whole process)."""
    monkeypatch.setattr(
        engines.NotebookExecutionManager, "save", engines.NotebookExecutionManager.save
    )
    seen: list[int] = []
    original = engines.write_ipynb

    def counting(nb, path):
        seen.append(sum(1 for c in nb.cells if c.get("execution_count")))
        return original(nb, path)

    monkeypatch.setattr(engines, "write_ipynb", counting)
    return seen


def _job(path: Path, folder: Path) -> dict:
    return {"input": str(path), "parameters": {}, "kernel": "python3", "timeout": 120}


def _executed(output: Path) -> list[dict]:
    cells = json.loads(output.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def test_forty_quick_cells_are_written_a_few_times_and_completely_at_the_end(tmp_path, writes):
    path = make_notebook(
        tmp_path / "quick.ipynb", "n: int = 1  # unused", [f"print({i})" for i in range(40)]
    )
    output = tmp_path / "out" / "quick.ipynb"
    output.parent.mkdir()
    assert worker._execute(_job(path, tmp_path), output, output.parent) is None
    assert len(writes) <= 6, f"papermill would write about 80 times; the worker wrote {len(writes)}"
    assert writes[-1] == 41  # the last write holds every executed cell (parameters included)
    cells = _executed(output)
    # A print may arrive as several stream messages ("37", then "\n"): joined, as shown.
    printed = ["".join("".join(o.get("text", "")) for o in c["outputs"]) for c in cells[1:]]
    assert printed == [f"{i}\n" for i in range(40)]


def test_a_failing_notebook_is_written_with_its_error(tmp_path, writes):
    path = make_notebook(
        tmp_path / "boom.ipynb",
        "n: int = 1  # unused",
        ["x = 1", "raise ValueError('boom')", "y = 2"],
    )
    output = tmp_path / "out" / "boom.ipynb"
    output.parent.mkdir()
    error = worker._execute(_job(path, tmp_path), output, output.parent)
    assert error is not None and "boom" in str(error)
    failed = [
        c for c in _executed(output) if any(o.get("ename") == "ValueError" for o in c["outputs"])
    ]
    assert len(failed) == 1


def test_a_job_in_a_thread_closes_the_event_loop_papermill_left_there(tmp_path: Path):
    """In a Dask worker's thread, papermill's synchronous calls leave an event loop nobody
    closes; the garbage collector's ResourceWarning then fails whatever test runs next."""
    import threading

    from jupyter_core.utils import ensure_event_loop, run_sync

    async def nothing() -> None:
        return None

    seen = []

    def job() -> None:
        run_sync(nothing)()  # as nbclient does
        seen.append(ensure_event_loop())
        worker._close_thread_event_loop()

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert seen[0].is_closed()
