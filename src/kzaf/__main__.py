"""``python -m kzaf``: the same command as ``kzaf``."""

from kzaf.cli import main

raise SystemExit(main())
