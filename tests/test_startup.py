"""kzaf's processes skip jsonschema's slow optional import, and notebooks still validate."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # starts processes: not in test-quick

CHECK = """
import sys
import {module}
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)  # nbformat's schema still checks, without the "iri" format
print(sys.modules.get("rfc3987_syntax", "absent"))
"""


def _loaded(module: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return done.stdout.strip()


def test_the_worker_and_the_cli_never_load_rfc3987_syntax():
    assert _loaded("kzaf.runner.execute.worker") == "None"
    assert _loaded("kzaf.cli") == "None"


def test_other_processes_are_left_alone():
    # Without kzaf.startup, jsonschema loads it (JupyterLab's dependencies install it).
    assert _loaded("json") != "None"
