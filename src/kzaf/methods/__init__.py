"""Methods: how far the project's intervals can be trusted, measured on simulated data.

- :mod:`kzaf.methods.simulate`   series whose truth is known (independent or AR(1) errors)
- :mod:`kzaf.methods.benchmark`  each estimator's actual coverage against its nominal level
- :mod:`kzaf.methods.narrative`  the page's key points and table titles
- :mod:`kzaf.methods.build`      everything the methods notebook shows
"""

from kzaf.methods.build import PARAMETERS, Methods, build

__all__ = ["PARAMETERS", "Methods", "build"]
