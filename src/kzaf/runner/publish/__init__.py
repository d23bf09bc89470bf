"""The publish wing: what a run records and how its folder becomes visible.

- :mod:`~kzaf.runner.publish.fingerprints`  data, library, lock and Python fingerprints
- :mod:`~kzaf.runner.publish.cache`         the record of notebook runs that can be reused
- :mod:`~kzaf.runner.publish.files`         files written anew and renamed into place
- :mod:`~kzaf.runner.publish.manifest`      the run manifest (code, data, packages, status)
- :mod:`~kzaf.runner.publish.latest`        the ``latest`` link, moved atomically, never back
- :mod:`~kzaf.runner.publish.store`         reports uploaded to a store addressed by URL

It uses :mod:`kzaf.redaction` and the site wing (the pages it writes), nothing of plan or
execute.
"""
