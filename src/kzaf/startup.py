"""Process start-up: leave out one optional import that costs most of a worker's start.

jsonschema, which nbformat (hence papermill, nbconvert and nbval) imports, loads
``rfc3987_syntax`` whenever it is installed (JupyterLab's jupyter-events brings it), and that
module builds an Earley parser as it is imported: 0.9 s of papermill's 1.3 s import, paid by
every worker, test process and ``kzaf run``. It serves one string format, "iri", which no
schema a kzaf process validates uses (nbformat's and the data package's do not), so kzaf's
processes mark it absent and jsonschema skips that one check.

Imported for that effect by the runner's worker processes and the CLI, and loaded first by
pytest (``-p kzaf.startup`` in pyproject.toml), before nbval imports nbformat.
"""

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Before jsonschema is imported: make its optional ``rfc3987_syntax`` import fail fast."""
    if "jsonschema" not in sys.modules:
        for name in SKIPPED:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


skip_slow_optional_imports()
