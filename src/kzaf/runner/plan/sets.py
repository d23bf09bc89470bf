"""A parameter set: a name, the notebooks it runs (or the run's), and its values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kzaf.parameters.values import Assignments

DEFAULT_SET = "default"
SET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_SET_NAME = 120  # a set names a folder: well inside a file system's 255-byte names


@dataclass(frozen=True)
class ParameterSet:
    name: str
    notebooks: list[str] | None  # references; None: the run's notebooks
    assignments: Assignments = field(default_factory=Assignments)
