"""Run the notebook collection: ``kzaf run`` and ``kzaf params``.

- :mod:`kzaf.runner.parameter_values`  parameter values: parsing, type checks, per-notebook values
- :mod:`kzaf.runner.plan`        notebooks, run files and parameter sets -> jobs
- :mod:`kzaf.runner.cache`       fingerprints of inputs; reuse of unchanged notebook runs
- :mod:`kzaf.runner.pool`        worker processes fed from a queue, stopped on interrupt
- :mod:`kzaf.runner.worker`      papermill execution and HTML rendering (in a worker process)
- :mod:`kzaf.runner.manifest`    the run manifest (code, data, packages, per-notebook status)
- :mod:`kzaf.runner.index`       the run's index.html
- :mod:`kzaf.runner.redact`      secrets from the environment kept out of every output
- :mod:`kzaf.runner.run`         the whole run: check, reuse, execute, publish

Importing this package is cheap; papermill and nbconvert load only in worker processes.
"""

from kzaf.runner.run import main, show_parameters

__all__ = ["main", "show_parameters"]
