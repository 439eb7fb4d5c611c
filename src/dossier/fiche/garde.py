"""Outputs of ``fiche import`` and ``fiche export``: an output never replaces an input, whatever ``--force`` says."""

from __future__ import annotations

import os
from pathlib import Path

from ..affichage import nom_affichable
from ..errors import DossierError, SortieExistante


def meme_fichier(a: Path, b: Path) -> bool:
    """Same file: same resolved path, or same device and inode (a hard link, a symbolic link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        ea, eb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (ea.st_dev, ea.st_ino) == (eb.st_dev, eb.st_ino)


def verifier_sortie(sortie: Path, entree: Path, force: bool) -> None:
    """Refuse (exit 2) an output that is the input file; an existing output needs ``force``."""
    if meme_fichier(sortie, entree):
        raise DossierError(f"{nom_affichable(sortie)} est le fichier lu ({nom_affichable(entree)}) : "
                           "choisir un autre nom de sortie (--force ne remplace jamais un fichier d'entrée)")
    if os.path.lexists(sortie) and not force:
        raise SortieExistante(f"{nom_affichable(sortie)} existe déjà : ajouter --force pour le remplacer")
