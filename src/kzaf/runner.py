"""Execute notebooks with papermill and render them to HTML (first cut; see issue 7)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from kzaf.paths import NOTEBOOKS_DIR, REPORTS_DIR


def discover(names: list[str] | None = None) -> list[Path]:
    if names:
        return [Path(n) for n in names]
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def main(args: argparse.Namespace) -> int:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    notebooks = discover(args.notebooks)
    if not notebooks:
        print(f"no notebooks in {NOTEBOOKS_DIR}")
        return 0
    run_dir = REPORTS_DIR / dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir.mkdir(parents=True)
    failed = []
    for path in notebooks:
        out = run_dir / path.name
        print(f"running {path.name} ...", flush=True)
        try:
            papermill.execute_notebook(
                str(path), str(out), cwd=str(path.parent), progress_bar=False
            )
        except papermill.PapermillExecutionError as exc:
            failed.append(f"{path.name}: {exc.ename}: {exc.evalue}")
        if out.exists():
            body, _ = HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
            out.with_suffix(".html").write_text(body, encoding="utf-8")
    for line in failed:
        print(f"FAILED {line}")
    print(f"reports written to {run_dir}")
    return 1 if failed else 0
