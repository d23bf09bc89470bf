"""The environment handed to the commands under test."""

import os

from kzaf.runner.execute import kernel_server


def without_kzaf_variables(**extra: str) -> dict[str, str]:
    """The environment minus every ``KZAF_*`` variable (so none leaks into a command under
    test), except the session's kernel server, which only makes kernels start faster."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KZAF_") or k == kernel_server.SERVER_ENV
    }
    env.update(extra)
    return env


def without_kernel_server(**extra: str) -> dict[str, str]:
    """The environment minus every ``KZAF_*`` variable and ``JUPYTER_PATH`` (where the test
    run's kernel server puts its spec): a command under test that must start its own kernels,
    or its own server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZAF_") and k != "JUPYTER_PATH"}
    env.update(extra)
    return env
