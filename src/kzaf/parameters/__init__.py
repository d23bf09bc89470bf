"""The parameter contract: one place that says what a notebook's parameters are and which
values they accept, read alike by ``kzaf params``, ``kzaf run`` (and ``--dry-run``), papermill
and the notebook itself.

- :mod:`kzaf.parameters.cell`     the ``parameters`` cell: names, types, defaults, comments
- :mod:`kzaf.parameters.rules`    the ``parameter-rules`` cell: ranges and relations, in a small
  grammar evaluated without ``eval`` (helpers read :mod:`kzaf.vocabulary`)
- :mod:`kzaf.parameters.types`    declared types and values read as them
- :mod:`kzaf.parameters.values`   where a run's values come from and which notebook gets which
- :mod:`kzaf.parameters.listing`  what ``kzaf params`` prints

Light: importing it loads no pandas, nbformat or papermill (a notebook's rules cell and the
CLI's checks before a run both import it).
"""

from kzaf.parameters.rules import ParameterRuleError, broken, check, rules_of

__all__ = ["ParameterRuleError", "broken", "check", "rules_of"]
