"""Repository hygiene: the lock holds no URLs, no registry host is committed, CI = README."""

import re
import subprocess

from kzaf.paths import PROJECT_ROOT

# Built from pieces so that this file does not itself name a registry host.
REGISTRY_HOSTS = [
    "py" + "pi.org",
    "files." + "pythonhosted.org",
    "registry." + "npmjs.org",
    "deb." + "debian.org",
    "security." + "debian.org",
]


def _tracked_files():
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [PROJECT_ROOT / name for name in listing.split("\0") if name]


def test_lock_exists_and_holds_no_urls():
    lock = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^pandas==", lock, re.M)
    assert not re.search(r"(https?|file)://", lock)
    assert not (PROJECT_ROOT / "uv.lock").exists()


def test_no_registry_host_in_any_tracked_file():
    offenders = []
    for path in _tracked_files():
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        offenders += [f"{path.relative_to(PROJECT_ROOT)}: {h}" for h in REGISTRY_HOSTS if h in text]
    assert offenders == []


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(make \w+)\s*$", readme.split("\n## ")[0], re.M)
    assert commands[:2] == ["make run", "make test"], commands
    assert "set -euo pipefail" in ci
    assert re.search(r"^make test$", ci, re.M)


def test_property_tests_are_deterministic_and_untimed():
    """tests/conftest.py's profile: the same examples every run, no per-example deadline (a
    loaded machine once failed a deadline for reasons unrelated to the code)."""
    from hypothesis import settings

    assert settings().deadline is None and settings().derandomize
