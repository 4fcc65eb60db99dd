"""Bundled sample graphs, authored by us, with cards."""
