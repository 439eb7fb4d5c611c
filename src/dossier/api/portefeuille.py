"""The consultant's portfolio: every project of a folder at a glance, its workbook, its rendering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

__all__ = ["decouvrir_portefeuille", "ecrire_classeur_portefeuille", "lire_portefeuille", "portefeuille_en_json",
           "rendre_portefeuille"]


def decouvrir_portefeuille(dossier: str | Path) -> list:
    """The project files of ``dossier`` and its sub-folders (JSON and fiches), each with its deposit folder
    and measures when it is alone in its folder. Returns a list of ``portefeuille.EntreeProjet``. Raises
    nothing for an unreadable file (it becomes an entry whose row carries the error)."""
    from ..portefeuille import decouvrir

    return decouvrir(Path(dossier))


def lire_portefeuille(entrees: list, aujourdhui: dt.date | None = None, *, tri: str | None = None,
                      dossier: str | Path | None = None, processus: int | None = None):
    """One row per project (validity, recevabilité, amounts, deadline, pieces, usages, next action), sorted by
    ``tri`` (``echeance``, ``region``, ``statut``). Returns a ``portefeuille.Portefeuille``. Raises nothing for
    a project that cannot be read: its row carries the error. ``processus=1`` in a threaded server."""
    from ..portefeuille import portefeuille_de

    return portefeuille_de(entrees, aujourdhui, processus, tri=tri, dossier=Path(dossier) if dossier else None)


def portefeuille_en_json(portefeuille) -> dict:
    """The portfolio as ``{"date", "projets": [...], "totaux": {...}}`` (README « Portefeuille »). Returns a
    dict of JSON values. Raises nothing."""
    from ..portefeuille import portefeuille_json

    return portefeuille_json(portefeuille)


def ecrire_classeur_portefeuille(portefeuille, dest: str | Path) -> None:
    """Write the portfolio workbook (« Projets » with filters and colours, « Totaux »). Returns None. Raises
    DossierError when it cannot be written (atomic write: nothing half-written)."""
    from ..portefeuille.classeur import ecrire_classeur

    ecrire_classeur(portefeuille, Path(dest))


def rendre_portefeuille(entrees: list, lignes: list, sortie: str | Path, *, pdf: bool = False, force: bool = False,
                        progression=None) -> list:
    """Render every valid project into ``sortie/<projet>/`` on both cores, one warm LibreOffice for the PDFs.
    Returns a list of ``portefeuille.rendu.ProjetRendu`` (one per project, failed ones with their message).
    Raises DossierError when ``sortie`` cannot be used; a project that fails does not stop the others."""
    from ..portefeuille.rendu import rendre_portefeuille as rendre

    return rendre(entrees, lignes, Path(sortie), pdf=pdf, force=force, progression=progression)
