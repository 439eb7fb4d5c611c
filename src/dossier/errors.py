"""Error types of dossier; every message is in French and meant for the user."""

from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem of a project file: the path of the faulty field and a French message."""

    chemin: str
    message: str

    def __str__(self) -> str:
        return f"{self.chemin} : {self.message}" if self.chemin else self.message


class DossierError(Exception):
    """An error that stops a command: printed as one French message, exit code 2."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ProjetInvalide(DossierError):
    """The project file is unreadable or rejected by the model; carries every problem at once."""

    def __init__(self, fichier: str, problemes: list[Probleme]):
        self.fichier = fichier
        self.problemes = problemes
        n = len(problemes)
        super().__init__(f"projet invalide ({fichier}) : {n} problème{'s' if n > 1 else ''}")


class MontantsInconnus(DossierError):
    """The campaign data has no amount for the case: the tool refuses rather than guess."""


class SortieExistante(DossierError):
    """The output already exists and ``--force`` was not given."""


class LibreOfficeIndisponible(DossierError):
    """PDF conversion asked for, but LibreOffice is missing, hangs or fails."""


_RAISONS_SYSTEME = {
    errno.ENOSPC: "plus d'espace disponible sur le disque",
    errno.EDQUOT: "quota disque dépassé",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.EBUSY: "ressource occupée",
    errno.ENXIO: "pas un fichier ordinaire (socket ou périphérique absent)",
    errno.ELOOP: "boucle de liens symboliques",
    errno.EFBIG: "fichier trop grand pour le système de fichiers",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EAGAIN: "ressource temporairement indisponible",
    errno.ETXTBSY: "fichier en cours d'utilisation",
    errno.EINVAL: "argument invalide (nom de fichier non accepté ?)",
}


def raison_systeme(e: OSError) -> str:
    """The reason of an operating-system error, in French (the errno name when not translated)."""
    if e.errno in _RAISONS_SYSTEME:
        return _RAISONS_SYSTEME[e.errno]
    if e.errno:
        return f"erreur système {errno.errorcode.get(e.errno, e.errno)}"
    return "erreur système"
