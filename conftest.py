"""The whole test run's set-up, for the tests in tests/ and nbval's notebooks in notebooks/.

One kernel server per test process: every kernel the tests start (nbval's, papermill's, those
of the ``kzaf run`` commands they call, which reuse it) is forked warm instead of importing
pandas, matplotlib and statsmodels again (:mod:`kzaf.runner.execute.kernel_server`). Hooks
rather than a fixture, because nbval's notebook items use no fixtures. It preloads in the background
(about 3 CPU-seconds), and even the fast tier starts dozens of kernels.
"""

import contextlib
import os

import pytest

from kzaf.runner.execute import kernel_server

_SERVER = contextlib.ExitStack()


# The marks of tests that start kernels; a run without them (make test-quick) starts no server.
KERNEL_MARKS = {"notebook", "integration", "slow"}


def _starts_kernels(item: pytest.Item) -> bool:
    return item.path.suffix == ".ipynb" or any(m.name in KERNEL_MARKS for m in item.iter_markers())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if kernel_server.in_use() or not any(_starts_kernels(item) for item in items):
        return
    env = _SERVER.enter_context(kernel_server.running())
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)

    @_SERVER.callback
    def _restore() -> None:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pytest_unconfigure() -> None:
    _SERVER.close()
