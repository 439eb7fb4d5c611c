"""Files of the portal, stored under ``$DOSSIER_DONNEES/fichiers/`` by their sha256, never under a name
a user chose. A file is written, fsynced and renamed into place before the row naming it is committed."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable

from django.conf import settings


def racine() -> Path:
    return Path(settings.FICHIERS)


def chemin(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("empreinte invalide")
    return racine() / sha256[:2] / sha256


def _fsync_dossier(dossier: Path) -> None:
    fd = os.open(dossier, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stocker_morceaux(morceaux: Iterable[bytes]) -> tuple[str, int]:
    """Store a content given in chunks; returns (sha256, size). Idempotent."""
    racine().mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    taille = 0
    fd, tmp = tempfile.mkstemp(prefix=".envoi-", dir=racine())
    try:
        with os.fdopen(fd, "wb") as f:
            for morceau in morceaux:
                h.update(morceau)
                taille += len(morceau)
                f.write(morceau)
            f.flush()
            os.fsync(f.fileno())
        sha = h.hexdigest()
        cible = chemin(sha)
        if cible.exists():
            os.unlink(tmp)
        else:
            cible.parent.mkdir(exist_ok=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, cible)
            _fsync_dossier(cible.parent)
        return sha, taille
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def stocker(contenu: bytes) -> tuple[str, int]:
    return stocker_morceaux([contenu])


def stocker_fichier(source: Path | str) -> tuple[str, int]:
    with open(source, "rb") as f:
        return stocker_morceaux(iter(lambda: f.read(1 << 20), b""))


def stocker_envoi(envoi) -> tuple[str, int]:
    """Store an uploaded file (Django ``UploadedFile``)."""
    return stocker_morceaux(envoi.chunks())


def copier_vers(sha256: str, dest: Path) -> Path:
    """Copy a stored file to ``dest`` (a working copy for the library, which reads paths)."""
    shutil.copyfile(chemin(sha256), dest)
    return dest


def ouvrir(sha256: str) -> BinaryIO:
    return open(chemin(sha256), "rb")
