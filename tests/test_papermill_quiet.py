"""A scheduled papermill run prints nothing on success: ipykernel's notice about unencrypted
local TCP is dropped by the kernel configuration `make env` installs
(etc/ipython/ipython_kernel_config.py), so a cron job that mails stderr mails only failures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from run_env import without_kernel_server, without_kzaf_variables

from kzaf.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook

PAPERMILL = Path(sys.executable).parent / "papermill"
INSTALLED = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


@pytest.mark.parametrize("server", [False, True], ids=["fresh kernel", "kzaf kernel server"])
def test_plain_papermill_prints_nothing_on_stderr_when_it_succeeds(tmp_path, server):
    assert INSTALLED.is_file(), f"{INSTALLED} is missing: run make env"
    env = without_kzaf_variables() if server else without_kernel_server()
    result = subprocess.run(
        [PAPERMILL, "--log-level", "WARNING", "--no-progress-bar", "-k", "python3",
         NOTEBOOKS_DIR / "00_data_audit.ipynb", tmp_path / "out.ipynb", "--cwd", tmp_path],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
