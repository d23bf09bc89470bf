"""JupyterLab as an analyst uses it, driven in headless Chromium: open each notebook, Run All,
edit a parameter in its parameters cell, Run All again in the same kernel, and report errors.

    .venv/bin/python tools/lab_loop.py [NOTEBOOK ...]      (default: every notebook)

It starts `make lab` (JupyterLab on 127.0.0.1 at the repository's root) on a free port with a
one-off token, with autosave off and its workspace and runtime files in a temporary folder, so
the committed notebooks are never written; drives it with Playwright (Debian's chromium); and
stops it by process id. Prints one line per run of each notebook; exits 1 if any run fails or
a notebook file changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kzaf.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from kzaf.runner.site.browser import CHROMIUM_ARGS, chromium_path

# One edit per notebook, as an analyst types it in the parameters cell: (old text, new text).
EDITS = {
    "00_data_audit": [("end_year: int = 2025", "end_year: int = 2023")],
    "01_trade_trajectory": [('partner: str = "AFG"', 'partner: str = "Kyrgyz-Republic"')],
    "02_locomotive_effect": [('partner: str = "AFG"', 'partner: str = "Uzbekistan"')],
    "03_risk_assessment": [("n_paths: int = 100_000", "n_paths: int = 2_000")],
    "04_methods": [("n_simulations: int = 400", "n_simulations: int = 60")],
}
RUN_LIMIT_S = 600

# In the page: the current notebook's cells, as Lab's model holds them.
CELLS_JS = """() => {
  const model = window.jupyterapp.shell.currentWidget.content.model;
  const cells = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const outputs = cell.type === 'code' ? cell.outputs.toJSON() : [];
    cells.push({type: cell.type, count: cell.type === 'code' ? cell.executionCount : 0,
                source: cell.sharedModel.getSource(), outputs: outputs});
  }
  return cells;
}"""
RUN_ALL_JS = """async (limit) => {
  const run = window.jupyterapp.commands.execute('notebook:run-all-cells');
  const late = new Promise(done => setTimeout(() => done('timeout'), limit));
  return String(await Promise.race([run, late]));
}"""
KERNEL_JS = """() => {
  const context = window.jupyterapp.shell.currentWidget.sessionContext;
  return context.session && context.session.kernel ? context.session.kernel.status : 'none';
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_lab(port: int, token: str, scratch: Path) -> subprocess.Popen[bytes]:
    settings = scratch / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
    }
    options = (
        f"--ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
        " --LabApp.expose_app_in_browser=True"  # window.jupyterapp: Lab's own commands
    )
    log = (scratch / "lab.log").open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_OPTIONS={options}"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: make and JupyterLab stop together
    )  # fmt: skip
    log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            raise RuntimeError((scratch / "lab.log").read_text())
        time.sleep(0.5)
    stop_lab(process)
    raise RuntimeError("JupyterLab did not start within 120 s")


def stop_lab(process: subprocess.Popen[bytes], grace_s: float = 30) -> None:
    """SIGTERM to the process group we started (make and JupyterLab, which shuts its kernels
    down), then wait until the whole group is gone; SIGKILL if it stays past ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait()  # make
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anyone left in the group?
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def run_all(page) -> tuple[float, list[str], list[int]]:
    """Lab's Run All (the command the Run menu calls; its promise settles when the last cell
    has run or one has failed): the time it took, the errors cells raised, their counts."""
    start = time.monotonic()
    outcome = page.evaluate(RUN_ALL_JS, RUN_LIMIT_S * 1000)
    page.wait_for_function(f"() => ({KERNEL_JS})() === 'idle'", timeout=60_000)
    cells = [c for c in page.evaluate(CELLS_JS) if c["type"] == "code"]
    errors = [
        f"cell {i}: {o['ename']}: {o['evalue']}"
        for i, c in enumerate(cells)
        for o in c["outputs"]
        if o.get("output_type") == "error"
    ]
    if outcome == "timeout":
        errors.append(f"not finished within {RUN_LIMIT_S} s")
    return time.monotonic() - start, errors, [c["count"] or 0 for c in cells]


def edit_parameters(page, stem: str) -> str:
    """Type the edit into the parameters cell's editor: select all, insert the new text."""
    cells = page.evaluate(CELLS_JS)
    (index,) = [i for i, c in enumerate(cells) if EDITS[stem][0][0] in c["source"]]
    source = cells[index]["source"]
    for old, new in EDITS[stem]:
        assert old in source, (stem, old)
        source = source.replace(old, new)
    editor = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")
    typed = page.evaluate(CELLS_JS)[index]["source"]
    assert typed == source, f"{stem}: the editor holds {typed!r}"
    return source


def headings(page) -> list[str]:
    """The notebook's H1 headings as Lab holds them: its written title, then the title for the
    parameters in force (an output of its set-up cell)."""
    found = []
    for cell in page.evaluate(CELLS_JS):
        texts = [cell["source"]] if cell["type"] == "markdown" else []
        texts += [_text(o.get("data", {}).get("text/markdown", "")) for o in cell["outputs"]]
        lines = [line for text in texts for line in text.splitlines() if line[:2] == "# "]
        found += [re.sub(r"\\(.)", r"\1", line[2:]) for line in lines]  # Markdown escapes
    return found


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def drive(notebooks: list[Path]) -> int:
    from playwright.sync_api import sync_playwright

    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in notebooks}
    port, token = free_port(), secrets.token_hex(16)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="kzaf-lab-") as scratch:
        lab = start_lab(port, token, Path(scratch))
        where = f"127.0.0.1:{port}, root {PROJECT_ROOT.name}/"
        print(f"JupyterLab (pid {lab.pid}) on {where}", flush=True)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                try:
                    for path in notebooks:
                        failures += _notebook(browser, port, token, path)
                finally:
                    browser.close()
        finally:
            stop_lab(lab)
            print(f"JupyterLab (pid {lab.pid}) stopped")
    for path, digest in before.items():
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            print(f"{path.name}: the file changed on disk")
            failures += 1
    return 1 if failures else 0


def _notebook(browser, port: int, token: str, path: Path) -> int:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    relative = path.relative_to(PROJECT_ROOT).as_posix()
    # ?reset: a fresh workspace (no notebook reopened from the previous page).
    page.goto(f"http://127.0.0.1:{port}/lab/tree/{relative}?reset&token={token}")
    opened = f"""() => window.jupyterapp && window.jupyterapp.shell.currentWidget
        && window.jupyterapp.shell.currentWidget.context
        && window.jupyterapp.shell.currentWidget.context.path === {json.dumps(relative)}"""
    page.wait_for_function(opened, timeout=120_000)
    page.wait_for_function(f"() => ({KERNEL_JS})() === 'idle'", timeout=120_000)
    failures, last = 0, 0
    for label in ("Run All", "edit, Run All again"):
        if label.startswith("edit"):
            edit_parameters(page, path.stem)
        took, errors, counts = run_all(page)
        if not errors and min(counts) <= last:
            errors.append(f"not every cell ran again (execution counts {counts})")
        last = max(counts)
        title = (headings(page) or ["?"])[-1]
        status = "ok" if not errors else "FAILED " + "; ".join(errors)
        print(f"{path.stem}: {label}: {status} ({took:.0f} s; cells run {min(counts)}-{last}; "
              f"last heading: {title})", flush=True)  # fmt: skip
        failures += bool(errors)
    page.close()
    return failures


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    paths = [next(NOTEBOOKS_DIR.glob(f"{name}*.ipynb")) for name in names]
    return drive(paths)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
