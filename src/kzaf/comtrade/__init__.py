"""UN Comtrade adapter: fetch from the API, import exports, load what was imported.

It sits beside :mod:`kzaf.data` and produces the same observations table (and one sources row
per import), so nothing above it needs to know where a figure came from except through its
source record.

* ``kzaf fetch comtrade`` / :func:`fetch` — query the API (public preview without a key, the
  keyed endpoint with ``$COMTRADE_API_KEY``), save each raw response with its metadata under
  ``data/raw/comtrade/<YYYY-MM-DD>/``.
* ``kzaf import comtrade FILE`` / :func:`import_file` — normalise a Comtrade CSV export (or
  saved responses) into ``data/imported/comtrade/<name>.parquet`` plus ``<name>.json``.
* :func:`load_imported` — the imported observations and sources, in the columns and dtypes of
  ``kzaf.data.load()``; ``.synthetic`` says when they come from the test fixture.
* :func:`yearly_totals` — complete calendar years (and turnover) summed from the monthly
  figures, labelled as derived, to set beside published annual figures.
"""

from kzaf.comtrade.client import ComtradeFetchError, ComtradeQueryError, FetchResult, fetch
from kzaf.comtrade.derive import yearly_totals
from kzaf.comtrade.errors import ComtradeError, ComtradeFormatError, ComtradeImportError
from kzaf.comtrade.imported import ImportedData, import_metadata, load_imported
from kzaf.comtrade.importer import import_csv, import_file, import_responses
from kzaf.comtrade.schema import imported_dir
from kzaf.comtrade.writing import ImportSummary

__all__ = [
    "ComtradeError",
    "ComtradeFetchError",
    "ComtradeFormatError",
    "ComtradeImportError",
    "ComtradeQueryError",
    "FetchResult",
    "ImportSummary",
    "ImportedData",
    "fetch",
    "import_csv",
    "import_file",
    "import_metadata",
    "import_responses",
    "imported_dir",
    "load_imported",
    "yearly_totals",
]
