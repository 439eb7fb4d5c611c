"""The deposit folder: render its pieces, check it against a profile, bundle it, and the Word/Excel templates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Probleme
from ..model import Projet
from ..profiles import Profil

if TYPE_CHECKING:
    from ..bundle import InfoArchive
    from ..checklist import ResultatChecklist
    from ..render.pieces import RapportRendu

__all__ = ["construire_archive", "exporter_modeles", "lister_modeles", "rendre_dossier", "verifier_dossier",
           "verifier_modeles"]


def rendre_dossier(projet: Projet, sortie: Path, **options) -> RapportRendu:
    """Render the project's pieces (Word, Excel, PDF with ``pdf=True``) into the folder ``sortie``.

    Options: ``selection`` (names of pieces), ``pdf``, ``force`` (replace pieces already there),
    ``modeles`` (folder of modified templates), ``entrees`` (input files an output must never replace),
    ``progression`` (called with each piece's name). Returns the ``RapportRendu`` (files written, the
    markers « à compléter », notes). Raises SortieExistante, DossierError (nothing half-written)."""
    from ..render.pieces import rendre_dossier as rendre

    return rendre(projet, sortie, **options)


def verifier_dossier(dossier: Path, profil: Profil, projet: Projet | None = None,
                     projet_dir: Path | None = None) -> ResultatChecklist:
    """Check a deposit folder against a profile (pieces present, readable, signed where needed);
    ``projet`` decides conditional pieces, its ``pieces`` map is relative to ``projet_dir``.

    Returns the ``ResultatChecklist`` (``complet``, each check, ``to_json()``). Raises DossierError when
    the folder does not exist."""
    from ..checklist import verifier_dossier as verifier

    return verifier(dossier, profil, projet, projet_dir)


def construire_archive(dossier: Path, sortie: Path, profil: Profil, projet: Projet | None = None,
                       projet_dir: Path | None = None, *, force: bool = False, incomplet: bool = False,
                       format: str = "pdf", fichier_projet: Path | None = None) -> InfoArchive:
    """Check ``dossier`` and write the deposit zip ``sortie`` atomically (one numbered file per piece,
    manifest, bordereau); ``format`` is pdf, office or les-deux.

    Returns the ``InfoArchive`` (path, size, sha256, entries, checks failed when ``incomplet``). Raises
    DossierError when the folder is incomplete (its ``resultat`` attribute holds the checklist) unless
    ``incomplet``, SortieExistante when the archive exists and ``force`` is false."""
    from ..bundle import construire_archive as construire

    return construire(dossier, sortie, profil, projet, projet_dir, force=force, incomplet=incomplet,
                      format=format, fichier_projet=fichier_projet)


def lister_modeles() -> list[tuple[str, str]]:
    """Return the shipped templates as (file name, piece it makes). Never raises."""
    from ..render.modeles import lister_modeles as lister

    return lister()


def exporter_modeles(dest: Path, force: bool = False) -> list[Path]:
    """Copy the shipped templates into the folder ``dest`` to modify them; returns the copies. Raises
    SortieExistante when a copy exists and ``force`` is false."""
    from ..render.modeles import exporter_modeles as exporter

    return exporter(Path(dest), force)


def verifier_modeles(rep: Path | None = None) -> list[Probleme]:
    """Check templates (the shipped ones by default): Jinja syntax, unknown fields, split tags. Returns
    every problem (empty: valid). Raises DossierError when the folder cannot be read."""
    from ..render.modeles import verifier_modeles as verifier

    return verifier(Path(rep) if rep else None)
