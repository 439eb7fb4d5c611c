"""Finding the projects of a portfolio folder: project files, their deposit folder and measures file.

Rules (README « Portefeuille »): every ``.json`` and every fiche ``.xlsx``/``.xlsm`` of the folder and
its sub-folders is a project file (hidden files, Office lock files ``~$…`` and ``depot/`` folders are
skipped; an ``.xlsx`` that is not a fiche, e.g. a measures workbook, is ignored). When a project file is
the only project file of its folder, that folder's ``depot/`` is its deposit folder and its
``mesures.csv`` or ``mesures.xlsx`` its usage measures.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..lecture import TAILLE_MAX_TABLEAU, LectureRefusee, ouvrir, probleme_zip
from ..model import Projet

DEPOT = "depot"
MESURES = ("mesures.csv", "mesures.xlsx")
EXTENSIONS = (".json", ".xlsx", ".xlsm")
FEUILLES_FICHE = ("Porteur", "ESSMS")  # sheets every fiche projet has (fiche/disposition.py)
MAX_FICHIERS = 10_000  # project files considered in one portfolio
TAILLE_WORKBOOK_XML = 1 << 20


@dataclass(frozen=True)
class EntreeProjet:
    """One project of a portfolio: its file (``fichier``: the name shown, relative to the folder), and
    optionally the project already loaded (portal: a stored version), its deposit folder and measures."""

    fichier: str
    chemin: Path | None = None
    projet: Projet | None = None
    depot: Path | None = None
    mesures: Path | None = None


def est_fiche_projet(chemin: Path) -> bool | None:
    """True for a fiche projet workbook, False for another workbook, None when it cannot be opened."""
    try:
        with ouvrir(chemin, TAILLE_MAX_TABLEAU) as f, zipfile.ZipFile(f) as archive:
            if probleme_zip(archive):
                return None  # kept as a project: its reader reports the refusal on its row
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > TAILLE_WORKBOOK_XML:
                return False
            texte = archive.read(info).decode("utf-8", "replace")
    except (OSError, LectureRefusee, KeyError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return None
    feuilles = set(re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', texte))
    return all(f in feuilles for f in FEUILLES_FICHE)


def decouvrir(dossier: Path) -> list[EntreeProjet]:
    """The projects of ``dossier`` in path order (see the module's rules)."""
    dossier = Path(dossier)
    par_dossier: dict[Path, list[Path]] = {}
    for racine, sous_dossiers, fichiers in os.walk(dossier):
        sous_dossiers[:] = sorted(d for d in sous_dossiers if not d.startswith(".") and d != DEPOT)
        for nom in sorted(fichiers):
            chemin = Path(racine) / nom
            if nom.startswith((".", "~$")) or nom.lower() in MESURES or chemin.suffix.lower() not in EXTENSIONS:
                continue
            if chemin.is_symlink() or not chemin.is_file():
                continue
            if chemin.suffix.lower() != ".json" and est_fiche_projet(chemin) is False:
                continue
            par_dossier.setdefault(Path(racine), []).append(chemin)
    entrees = []
    for parent, chemins in sorted(par_dossier.items()):
        seul = len(chemins) == 1
        for chemin in chemins:
            depot = parent / DEPOT if seul and (parent / DEPOT).is_dir() else None
            mesures = next((parent / m for m in MESURES if seul and (parent / m).is_file()), None)
            entrees.append(EntreeProjet(chemin.relative_to(dossier).as_posix(), chemin, None, depot, mesures))
    entrees.sort(key=lambda e: e.fichier)
    return entrees[:MAX_FICHIERS]
