"""Exclusive locks: of the project files a command rewrites (``essms import --ecrire``, ``finess completer
--ecrire``, ``finess chercher --ajouter``) and of the output folder ``render`` writes in (``verrou``).

The lock is an advisory ``flock`` on a hidden file beside the project (``.<nom>.verrou``), removed on
release. A second writer waits up to ``ATTENTE_VERROU`` seconds, then gives up in French (exit 2);
a command that holds the lock reads the project under it, so two writers never lose each other's update.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .affichage import nom_affichable
from .errors import DossierError, raison_systeme

ATTENTE_VERROU = 5.0  # seconds, as render's lock of an output folder


def chemin_verrou(projet: Path) -> Path:
    return projet.with_name(f".{projet.name}.verrou")


def _meme_fichier(chemin: Path, fd: int) -> bool:
    try:
        return os.stat(chemin).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _ouvrir(chemin: Path, inaccessible: str) -> int:
    try:
        return os.open(chemin, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise DossierError(f"{inaccessible} : {raison_systeme(e)}") from None


@contextmanager
def verrou(chemin: Path, *, occupe: str, inaccessible: str, attente: float | None = None) -> Iterator[None]:
    """Hold the exclusive ``flock`` of the lock file ``chemin`` (created, removed on release).

    Waits up to ``attente`` seconds (ATTENTE_VERROU) for the holder, then raises DossierError(``occupe``);
    a lock file that cannot be created raises DossierError(``inaccessible`` : the system's reason)."""
    limite = time.monotonic() + (ATTENTE_VERROU if attente is None else attente)
    fd = _ouvrir(chemin, inaccessible)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # the file stays open while waiting: the holder's release wakes us
            if time.monotonic() >= limite:
                os.close(fd)
                raise DossierError(occupe) from None
            time.sleep(0.1)
            continue
        if _meme_fichier(chemin, fd):
            break
        os.close(fd)  # the previous holder removed the file meanwhile: lock the new one
        fd = _ouvrir(chemin, inaccessible)
    try:
        yield
    finally:
        chemin.unlink(missing_ok=True)
        os.close(fd)


def verrou_fichier(projet: Path | str, attente: float | None = None):
    """Hold the exclusive lock of the project file ``projet`` (waits, then a French DossierError)."""
    projet = Path(projet)
    return verrou(chemin_verrou(projet), attente=attente,
                  occupe=f"projet en cours de modification par une autre commande : {nom_affichable(projet)} ; "
                         "relancer quand elle sera terminée",
                  inaccessible=f"écriture impossible de {nom_affichable(projet)}")


def verrou_projet(projet: str | Path, ecrire: bool = True):
    """The exclusive lock of a project file a command rewrites (nothing when it only reads)."""
    return verrou_fichier(Path(projet)) if ecrire else contextlib.nullcontext()
