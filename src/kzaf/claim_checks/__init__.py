"""Checks of the source article's claims, one module per topic (see ``kzaf.claims``)."""
