"""The site wing: the pages a run publishes, from data already decided (it imports nothing of
the other wings).

- :mod:`~kzaf.runner.site.shell`       the templates' environment, stylesheet, cell text, links
- :mod:`~kzaf.runner.site.sanitize`    notebook outputs made inert before rendering
- :mod:`~kzaf.runner.site.references`  sources as numbered references; the data's access date
- :mod:`~kzaf.runner.site.pages`       a notebook's reader and analyst pages
- :mod:`~kzaf.runner.site.index`       the run's index.html
- :mod:`~kzaf.runner.site.compare`     compare.html: parameter sets side by side, with a chart
- :mod:`~kzaf.runner.site.browser`     the pages checked in headless Chromium
"""
