"""Atomic file writing: a temporary file in the same folder, then a rename.

Temporary names are short (a hash of the target's name): a legal file name of up to 255 bytes never
becomes too long once decorated. The file gets the permissions the user's umask gives a new file
(``mkstemp`` alone would leave it readable by its owner only).

A writer killed with ``kill -9`` (or whose supervisor was) leaves its temporary beside the target:
the next write into that folder removes such leftovers, recognised by the tool's own temporary name
(``NOM_TEMPORAIRE``), owned by the user, untouched for ``DELAI_PERIME`` seconds (a
write in progress, even a long one, keeps touching its file).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import DossierError, raison_systeme
from .interruption import a_nettoyer


def prefixe_temporaire(nom: str) -> str:
    """``.<12 hex>-``: a short, hidden prefix for the temporary files of ``nom``."""
    return f".{hashlib.sha256(nom.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}-"


#: ``fichier_temporaire``'s names (files, and the report's folders), and the FINESS index's temporary
#: (``.<extract>.index.<pid>.tmp``).
NOM_TEMPORAIRE = re.compile(r"\.[0-9a-f]{12}-[a-z0-9_]{8}\.tmp|\..+\.index\.\d+\.tmp", re.DOTALL)
DELAI_PERIME = 3600.0  # seconds without a change after which a temporary of the tool is stale


def nettoyer_temporaires_perimes(dossier: Path, delai: float = DELAI_PERIME) -> list[Path]:
    """Remove the stale temporary files and folders of the tool's writers in ``dossier`` (see the
    module docstring); returns what was removed. Never fails: a leftover stays for the next run."""
    retires = []
    limite = time.time() - delai
    try:
        entrees = list(os.scandir(dossier))
    except OSError:
        return retires
    for entree in entrees:
        if not NOM_TEMPORAIRE.fullmatch(entree.name):
            continue
        try:
            etat = entree.stat(follow_symlinks=False)
            if etat.st_uid != os.getuid() or etat.st_mtime >= limite:
                continue
            if stat.S_ISDIR(etat.st_mode):
                shutil.rmtree(entree.path)
            elif stat.S_ISREG(etat.st_mode):
                os.unlink(entree.path)
            else:
                continue
        except OSError:
            continue
        retires.append(Path(entree.path))
    return retires


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
        nettoyer_temporaires_perimes(cible.parent)
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
