"""The hostile suite: kzaf's threat model, one attack per test, tried through the real command.

Who attacks, and what must hold whatever they do:

- **Text in data, parameters or outputs** (a publisher's name, a parameter value, an output's
  HTML or metadata) never becomes active in a page: no script, event handler or frame runs,
  nothing loads from another host, nothing takes over the page's anchors, and every page
  carries a Content-Security-Policy that Chromium enforces should something slip through.
  (test_pages.py; test_hostile_publishing.py)
- **A careless notebook** printing a key, whole or cut down (pandas' ``...``, ``reprlib``, a
  key split across lines, a Python ``repr``), or a password in a store URL: no secret lands
  in any file, name, log or upload, whatever way the run ends (done, failed, interrupted,
  crashed). (test_secrets.py; test_hostile_publishing.py)
- **An unlucky operator**: a kill or a full disk mid-run, a damaged earlier run. A later run
  never changes an earlier one, a damaged folder is never reused, and a failed run never
  overwrites a good report. (test_run_folders.py)
- **A mistaken command line or input file**: one line on stderr and exit status 2, nothing
  written. (test_exit_status.py; test_hostile_publishing.py)
- **A cluster that is not what it seems**: a port that is not Dask, a scheduler that dies,
  workers that see other data. (test_dask.py)
- **A hostile network** for the Comtrade client: redirects, oversized or endless answers,
  gzip bombs. (test_hostile_publishing.py)

Each test failed on the code before the fix it guards (see the commit that added it).
"""
