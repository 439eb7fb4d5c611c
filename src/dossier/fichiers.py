"""Atomic file writing: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import DossierError, raison_systeme
from .interruption import a_nettoyer


@contextmanager
def fichier_temporaire(cible: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``cible``; rename it onto ``cible`` on success, remove it on failure."""
    cible.parent.mkdir(parents=True, exist_ok=True)
    fd, nom = tempfile.mkstemp(prefix=f".{cible.name}.", suffix=".tmp", dir=cible.parent)
    os.close(fd)
    tmp = Path(nom)
    try:
        with a_nettoyer(chemin=tmp):
            yield tmp
            os.replace(tmp, cible)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise DossierError(f"écriture impossible de {cible} : {raison_systeme(e)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def ecrire_atomique(cible: Path, contenu: bytes) -> None:
    with fichier_temporaire(cible) as tmp:
        tmp.write_bytes(contenu)
