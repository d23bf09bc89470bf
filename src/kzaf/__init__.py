"""kzaf: sourced data and parameterized notebooks on Kazakhstan–Afghanistan trade.

Layers (data flows down; imports point down only): ``kzaf.data`` loads and validates the
tables in ``data/``; ``kzaf.series`` turns observations into reconciled series;
``kzaf.inputs`` is the one loader at the edge (tables plus any imported UN Comtrade figures);
``kzaf.text`` formats what readers see; analysis packages (``kzaf.trajectory``,
``kzaf.event``, ``kzaf.risk``, ``kzaf.audit``, the ledger ``kzaf.claims`` and its checks
``kzaf.claim_checks``) compute from tables and parameters, each with a ``build``;
``kzaf.plots`` and ``kzaf.report`` draw and show; ``kzaf.runner`` and ``kzaf.cli`` run the
notebooks. README.md ("How it fits together") has the picture.
"""

from kzaf.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR

__version__ = "0.1.0"
__all__ = ["DATA_DIR", "NOTEBOOKS_DIR", "PROJECT_ROOT", "REPORTS_DIR", "__version__"]
