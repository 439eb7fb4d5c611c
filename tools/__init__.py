"""Maintenance tools of the repository (run from its root: ``python -m tools.modeles_word``)."""
