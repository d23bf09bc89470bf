"""A wheel install finds its data in the folder it runs from: build kzaf's wheel, install it
with the lock's pins of its runtime dependencies (no test or lab extras) into a fresh venv,
and run a notebook with `kzaf run` from a folder holding only data/ and notebooks/.

Offline, from the uv cache `make env` filled and nothing else (a fresh machine's: `.ci/run`
starts from an empty cache to prove it)."""

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
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


def runtime_pins(lock: Path) -> list[str]:
    """kzaf's runtime dependencies and theirs (no extras), each at the lock's version.

    Read from the metadata of this environment's installed packages, which `make env`
    installed from the lock."""
    pinned = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split(";", 1)[0].split("==")
            pinned[canonicalize_name(name)] = version.strip()
    needed: set[tuple[str, str]] = set()  # (package, extra asked for it: "" for none)
    todo = [(Requirement(r), "") for r in metadata.requires("kzaf") or []]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue  # an extra's nobody asked for (kzaf's lab, dask, test) or another platform's
        name = canonicalize_name(requirement.name)
        for wanted in ["", *sorted(requirement.extras)]:  # nbconvert asks for bleach[css]
            if (name, wanted) not in needed:
                needed.add((name, wanted))
                todo += [(Requirement(r), wanted) for r in metadata.requires(name) or []]
    return sorted({f"{name}=={pinned[name]}" for name, _ in needed})


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
    # The runtime dependencies at the lock's pins, installed as `make env` installs (a sync,
    # no resolution: a resolve needs registry metadata that a sync never caches), then kzaf.
    pins = tmp_path / "runtime.txt"
    pins.write_text("\n".join(runtime_pins(PROJECT_ROOT / "requirements.lock")) + "\n", "utf-8")
    python = venv / "bin" / "python"
    _run(UV, "pip", "sync", "--offline", "--python", python, pins)
    _run(UV, "pip", "install", "--offline", "--no-deps", "--python", python, wheel)
    _run(UV, "pip", "check", "--offline", "--python", python)  # nothing missing
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
