"""kzaf: sourced data and parameterized notebooks on Kazakhstan–Afghanistan trade.

Layers (data flows down): ``kzaf.data`` loads and validates the tables in ``data/``;
``kzaf.series`` turns observations into reconciled series; analysis modules
(``kzaf.trajectory``, ``kzaf.event``, ``kzaf.risk``, ``kzaf.claims``) compute; ``kzaf.plots``
draws; ``kzaf.runner`` and ``kzaf.cli`` run the notebooks.
"""

from kzaf.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR

__version__ = "0.1.0"
__all__ = ["DATA_DIR", "NOTEBOOKS_DIR", "PROJECT_ROOT", "REPORTS_DIR", "__version__"]
