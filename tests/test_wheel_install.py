"""A wheel install finds its data in the folder it runs from: build kzaf's wheel, install it
with the lock's pins of its runtime dependencies (no test or lab extras) into a fresh venv,
and run a notebook with `kzaf run` from a folder holding only data/ and notebooks/."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from run_env import without_kernel_server

from kzaf.paths import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

UV = Path(sys.executable).parent / "uv"  # installed by `make env`


def _run(*args, cwd=None, env=None, timeout=600):
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{args[:3]}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.skipif(not UV.exists(), reason="uv comes with `make env`")
def test_wheel_runs_a_notebook_from_a_folder_with_data(tmp_path):
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    shutil.copytree(
        PROJECT_ROOT / "src", source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )  # fmt: skip
    # --offline: from uv's cache, which `make env` filled (no network in the tests).
    _run(UV, "build", "--wheel", "--offline", "--out-dir", tmp_path / "dist", source)
    (wheel,) = (tmp_path / "dist").glob("kzaf-*.whl")
    venv = tmp_path / "venv"
    _run(UV, "venv", "--offline", "--python", sys.executable, venv)
    _run(UV, "pip", "install", "--offline", "--python", venv / "bin" / "python", wheel,
         "-c", PROJECT_ROOT / "requirements.lock")  # fmt: skip
    listed = _run(UV, "pip", "freeze", "--python", venv / "bin" / "python").stdout
    installed = {line.split("==")[0].lower() for line in listed.splitlines()}
    assert not installed & {"nbval", "jupyterlab", "pytest", "distributed"}  # runtime only

    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", project / "data", ignore=shutil.ignore_patterns("raw"))
    shutil.rmtree(project / "data" / "imported", ignore_errors=True)
    (project / "notebooks").mkdir()
    shutil.copy(PROJECT_ROOT / "notebooks" / "00_data_audit.ipynb", project / "notebooks")
    # Nothing of this environment's kzaf (the installed one starts its own kernel server).
    env = without_kernel_server()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    kzaf = venv / "bin" / "kzaf"
    _run(kzaf, "run", "--jobs", "1", cwd=project, env=env, timeout=900)

    manifest = json.loads((project / "reports" / "latest" / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "ok"
    assert Path(manifest["data"]["directory"]) == project / "data"
    folder = project / "reports" / "latest" / "default" / "00_data_audit"
    assert (folder / "00_data_audit.html").is_file() and list(folder.glob("figures/*.svg"))

    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    failed = subprocess.run(
        [str(kzaf), "data", "validate"], cwd=elsewhere, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert failed.returncode == 2 and "no data folder" in failed.stderr
    assert str(elsewhere / "data") in failed.stderr and "KZAF_DATA_DIR" in failed.stderr
