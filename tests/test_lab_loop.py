"""JupyterLab, driven in headless Chromium (tools/lab_loop.py): `make lab` opens at the
repository's root, and notebooks 01 and 02 run, then run again in the same kernel after a
parameter edit, without error, their heading following the pair. (tools/lab_loop.py without
arguments does the same for every notebook.)"""

from __future__ import annotations

import sys

import pytest

from kzaf.paths import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


def test_run_all_edit_and_run_all_again_in_jupyterlab(capsys):
    sys.path.insert(0, str(PROJECT_ROOT / "tools"))
    try:
        import lab_loop
    finally:
        sys.path.remove(str(PROJECT_ROOT / "tools"))
    code = lab_loop.main(["01", "02"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count(": ok (") == 4, out
    assert "last heading: The trajectory of Kazakhstan–Kyrgyzstan trade" in out
    assert "from Kazakhstan to Uzbekistan" in out
