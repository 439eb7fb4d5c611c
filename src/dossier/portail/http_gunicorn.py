"""Hooks of gunicorn's processes for ``dossier serve`` (given to gunicorn as ``--config python:dossier.portail.http_gunicorn``;
gunicorn reads only the names it knows, here ``post_worker_init``)."""

from __future__ import annotations

import gc

#: Python's default first threshold (700 allocations) runs a young collection about 15 times per upload
#: of a 50-ESSMS fiche (openpyxl makes hundreds of thousands of short-lived objects): about 10 ms of
#: collection per upload, 4 ms with 10 000.
SEUIL_GC = 10_000


def regler_gc() -> None:
    """What is already imported (Django, the library) is moved out of the collector's generations (it is
    never garbage), and the young generation is collected less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(SEUIL_GC, *gc.get_threshold()[1:])


def post_worker_init(worker) -> None:
    """In each HTTP process, once the application is loaded."""
    regler_gc()
