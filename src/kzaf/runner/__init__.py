"""Run the notebook collection: ``kzaf run``, ``kzaf sweep`` and ``kzaf params``.

- :mod:`kzaf.runner.plan`        notebooks, run files and parameter sets -> jobs
- :mod:`kzaf.runner.cache`       fingerprints of inputs; reuse of unchanged notebook runs
- :mod:`kzaf.runner.sweep`       a grid of parameter values -> parameter sets
- :mod:`kzaf.runner.engines`     where jobs run: the local pool, a Dask LocalCluster or scheduler
- :mod:`kzaf.runner.pool`        the local pool: long-lived worker processes as an Executor
- :mod:`kzaf.runner.worker`      papermill execution and HTML rendering (in a worker process)
- :mod:`kzaf.runner.manifest`    the run manifest (code, data, packages, per-notebook status)
- :mod:`kzaf.runner.index`       the run's index.html
- :mod:`kzaf.runner.compare`     compare.html: the parameter sets side by side, with a chart
- :mod:`kzaf.runner.redact`      secrets from the environment kept out of every output
- :mod:`kzaf.runner.run`         the whole run: check, reuse, execute, publish

Parameter values, types and rules are :mod:`kzaf.parameters`. Importing this package is
cheap; papermill and nbconvert load only in worker processes.
"""

from kzaf.runner.run import main, show_parameters

__all__ = ["main", "show_parameters"]
