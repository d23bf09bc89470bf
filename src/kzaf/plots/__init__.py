"""Charts (figures only). Shared look and captions in ``common``; one module per notebook."""

from kzaf.plots.common import finish, save, source_caption, use_style

__all__ = ["finish", "save", "source_caption", "use_style"]
