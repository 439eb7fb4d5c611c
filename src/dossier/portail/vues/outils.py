"""Shared pieces of the views: reading an upload into a version, download responses, project of a version."""

from __future__ import annotations

import mimetypes
import tempfile
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.http import FileResponse

from ... import api
from ...errors import Probleme
from .. import stockage
from ..ecriture import transaction_d_ecriture
from ..journal import consigner
from ..models import Version

TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".json": "application/json",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
}
EXTENSIONS_PROJET = (".json", ".xlsx")


class EnvoiRefuse(Exception):
    """An upload refused before reading (French message)."""


def nom_affiche(nom: str) -> str:
    """A file name as a label: no path, no control characters, at most 200 characters."""
    nom = Path(str(nom).replace("\\", "/")).name
    nom = "".join(c for c in nom if unicodedata.category(c)[0] != "C")
    return nom[:200] or "fichier"


def extension(nom: str) -> str:
    return Path(nom).suffix.lower()


def verifier_envoi(envoi, extensions: tuple[str, ...]) -> str:
    """The upload's extension, or EnvoiRefuse (absent, empty, too big, wrong extension)."""
    if envoi is None:
        raise EnvoiRefuse("aucun fichier choisi")
    ext = extension(envoi.name)
    if ext not in extensions:
        raise EnvoiRefuse(f"format non accepté ({ext or 'sans extension'}) : formats acceptés {', '.join(extensions)}")
    if envoi.size == 0:
        raise EnvoiRefuse("le fichier est vide")
    if envoi.size > settings.TAILLE_MAX_FICHIER:
        raise EnvoiRefuse(f"le fichier dépasse {settings.TAILLE_MAX_FICHIER // (1024 * 1024)} Mo")
    return ext


def lire_version_stockee(sha256: str, ext: str, nom: str) -> api.ProjetLu:
    """Read a stored project file through the library (bounded readers) from a working copy."""
    with tempfile.TemporaryDirectory(prefix="dossier-lecture-") as tmp:
        copie = stockage.copier_vers(sha256, Path(tmp) / f"projet{ext}")
        return api.lire_projet(copie, nom)


def problemes_json(problemes: list[Probleme]) -> list[dict]:
    return [{"chemin": p.chemin, "message": p.message} for p in problemes]


def enregistrer_version(projet, utilisateur, sha256: str, taille: int, ext: str, nom: str, lu: api.ProjetLu,
                        origine: str = "") -> Version:
    """A new version (the file is already stored and fsynced), journaled, in one transaction.

    Everything computed from the file (reading, validation) is done by the caller before: the
    transaction only numbers and writes, so that it holds the database's write lock (SQLite) or the
    project's row (PostgreSQL) as briefly as possible while other uploads wait for it. The version's
    ``resume`` is left empty: the home page reads the portfolio's rows, and the project page computes
    the état itself (computing it here cost about 8 ms of CPU per upload for nothing)."""
    problemes = problemes_json(lu.problemes)
    detail = f" ({nom}, sha256 {sha256[:12]}…)" + (f" ; {origine}" if origine else "")
    if lu.projet is not None:
        projet.intitule = lu.projet.intitule[:500]
        projet.region = api.region_de_depot(lu.projet)
        projet.campagne = str(lu.projet.campagne)
    with transaction_d_ecriture():
        type(projet).objects.select_for_update().filter(pk=projet.pk).first()  # two uploads: numbered one after the other
        numero = (Version.objects.filter(projet=projet).aggregate(n=Max("numero"))["n"] or 0) + 1
        version = Version.objects.create(
            projet=projet, numero=numero, auteur=utilisateur, sha256=sha256, taille=taille, nom_original=nom,
            format=ext.lstrip("."), contenu=lu.donnees, problemes=problemes, cellules=lu.cellules, origine=origine)
        if lu.projet is not None:
            projet.save(update_fields=["intitule", "region", "campagne"])
        consigner(utilisateur, "version", f"version {numero}{detail}", projet)
    return version


def projet_de_version(version: Version):
    """The validated project of a valid version (from its canonical JSON), else None."""
    if version is None or version.problemes or not version.contenu:
        return None
    from ...errors import ProjetInvalide
    from ...model import valider

    try:
        return valider(version.contenu, version.nom_original)
    except ProjetInvalide:
        return None


def telechargement(sha256: str, nom: str, type_: str | None = None) -> FileResponse:
    """A stored file as an attachment under ``nom`` with its type (never rendered inline)."""
    type_ = type_ or TYPES.get(extension(nom)) or mimetypes.guess_type(nom)[0] or "application/octet-stream"
    reponse = FileResponse(stockage.ouvrir(sha256), as_attachment=True, filename=nom, content_type=type_)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return reponse
