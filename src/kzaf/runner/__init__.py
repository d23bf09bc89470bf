"""Run the notebook collection: ``kzaf run``, ``kzaf sweep`` and ``kzaf params``.

Four wings, imports pointing one way (plan -> execute -> publish -> site), joined by the core:

- :mod:`kzaf.runner.plan`     options resolved once; notebooks, run files, parameter sets,
  sweeps -> checked jobs, keyed for reuse
- :mod:`kzaf.runner.execute`  engines (local pool, Dask), workers, kernel server and launcher
- :mod:`kzaf.runner.publish`  fingerprints, manifest, reuse record, files written anew and
  renamed, ``latest``, stores
- :mod:`kzaf.runner.site`     templates, reader/analyst pages, index, comparison, browser check
- :mod:`kzaf.runner.run`      the core: plan -> execute -> publish, interrupts, exit statuses
- :mod:`kzaf.runner.errors`   the one bad-input error the wings share

Parameter values, types and rules are :mod:`kzaf.parameters`. Secrets (:mod:`kzaf.redaction`)
and logging (:mod:`kzaf.logs`) sit below the runner. Importing
this package is cheap; papermill and nbconvert load only in worker processes.
"""

from __future__ import annotations

from typing import Any


def main(options: Any) -> int:
    """``kzaf run`` / ``kzaf sweep`` with :class:`kzaf.runner.plan.options.RunOptions`."""
    from kzaf.runner.run import main as run_main

    return run_main(options)


def show_parameters(notebook: str, notebooks_dir: str | None, as_json: bool) -> int:
    from kzaf.runner.run import show_parameters as show

    return show(notebook, notebooks_dir, as_json)


__all__ = ["main", "show_parameters"]
