"""The plan wing: what a run will do, decided before anything runs.

- :mod:`~kzaf.runner.plan.options`    the command line's options, resolved once into settings
- :mod:`~kzaf.runner.plan.notebooks`  the collection's notebooks, their parameters and rules
- :mod:`~kzaf.runner.plan.run_files`  run files and parameter files (YAML)
- :mod:`~kzaf.runner.plan.sets`       parameter sets
- :mod:`~kzaf.runner.plan.sweep`      a grid of values -> parameter sets
- :mod:`~kzaf.runner.plan.jobs`       one job per notebook per set, checked and keyed
- :mod:`~kzaf.runner.plan.prepare`    the whole plan: settings, jobs, data, what is reused

It may use the execute wing (engine choice), the publish wing (fingerprints, the reuse record,
stores) and the site wing; none of them imports it.
"""
