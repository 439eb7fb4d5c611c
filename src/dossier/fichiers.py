"""Atomic file writing: a temporary file in the same folder, then a rename.

Temporary names are short (a hash of the target's name): a legal file name of up to 255 bytes never
becomes too long once decorated. The file gets the permissions the user's umask gives a new file
(``mkstemp`` alone would leave it readable by its owner only).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import DossierError, raison_systeme
from .interruption import a_nettoyer


def prefixe_temporaire(nom: str) -> str:
    """``.<12 hex>-``: a short, hidden prefix for the temporary files of ``nom``."""
    return f".{hashlib.sha256(nom.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}-"


def masque_utilisateur() -> int:
    """The current umask (read by setting it, then putting it back)."""
    masque = os.umask(0o022)
    os.umask(masque)
    return masque


def mode_par_defaut(dossier: bool = False) -> int:
    """Permissions of a new file (0644 under the usual 022) or folder (0755) under the current umask."""
    return (0o777 if dossier else 0o666) & ~masque_utilisateur()


@contextmanager
def fichier_temporaire(cible: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``cible``; rename it onto ``cible`` on success, remove it on failure."""
    tmp = None
    try:
        cible.parent.mkdir(parents=True, exist_ok=True)
        fd, nom = tempfile.mkstemp(prefix=prefixe_temporaire(cible.name), suffix=".tmp", dir=cible.parent)
        tmp = Path(nom)
        os.fchmod(fd, mode_par_defaut())
        os.close(fd)
        with a_nettoyer(chemin=tmp):
            yield tmp
            os.replace(tmp, cible)
    except OSError as e:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise DossierError(f"écriture impossible de {cible} : {raison_systeme(e)}") from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def ecrire_atomique(cible: Path, contenu: bytes) -> None:
    with fichier_temporaire(cible) as tmp:
        tmp.write_bytes(contenu)
