"""The execute wing: where and how notebook jobs run.

- :mod:`~kzaf.runner.execute.engines`          any ``concurrent.futures.Executor``: the local
  pool, a Dask LocalCluster or an existing scheduler
- :mod:`~kzaf.runner.execute.pool`             the local pool of long-lived worker processes
- :mod:`~kzaf.runner.execute.worker`           papermill execution and HTML rendering
- :mod:`~kzaf.runner.execute.kernel_server`    kernels forked from one warm process
- :mod:`~kzaf.runner.execute.kernel_launcher`  the kernel spec's command (run by path)
- :mod:`~kzaf.runner.execute.dispatch`         jobs submitted, results collected
- :mod:`~kzaf.runner.execute.signals`          SIGTERM/SIGINT as a clean stop

It uses the publish wing (fingerprints) and the site wing (a worker renders the pages), never
the plan wing: jobs reach it as JSON messages.
"""
