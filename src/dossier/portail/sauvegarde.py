"""Backup and restore of a portal: its database and its data folder in one archive (tar.gz).

``sauvegarder`` runs while the portal serves: the database first (SQLite's online backup API, or
``pg_dump`` for PostgreSQL), then the files. Files are stored by content hash and written before the
version that names them is committed, so every file the copied database names is already on disk;
a file written after the copy is harmless. The archive is written beside its target and renamed
(never half an archive), owner-only (it holds the secret key and personal data).

``restaurer`` extracts into a new folder beside the target and renames it into place; a non-empty
target is replaced only with ``--force``. For PostgreSQL, ``pg_restore --clean`` into DOSSIER_BASE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import DossierError, SortieExistante, raison_systeme
from ..fichiers import fichier_temporaire

RACINE = "portail"
MANIFESTE = f"{RACINE}/sauvegarde.json"
FICHIERS = f"{RACINE}/donnees"
BASE_SQLITE = f"{RACINE}/base.sqlite3"
BASE_PG = f"{RACINE}/base.pgdump"
FORMAT = 1
SUFFIXES_SQLITE = ("", "-wal", "-shm", "-journal")


def base_courante() -> dict:
    """The default database Django is set up on: ``{"moteur": "sqlite"|"postgresql", ...}``."""
    from django.conf import settings

    base = settings.DATABASES["default"]
    if "sqlite" in base["ENGINE"]:
        return {"moteur": "sqlite", "chemin": Path(base["NAME"])}
    if "postgresql" in base["ENGINE"]:
        return {"moteur": "postgresql", "reglages": base}
    raise DossierError(f"sauvegarde impossible : moteur de base non pris en charge ({base['ENGINE']})")


def _env_pg(reglages: dict) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore; the password goes through the environment, never the command line."""
    env = dict(os.environ)
    options = []
    for cle, option in (("HOST", "--host"), ("PORT", "--port"), ("USER", "--username")):
        if reglages.get(cle):
            options.append(f"{option}={reglages[cle]}")
    if reglages.get("PASSWORD"):
        env["PGPASSWORD"] = str(reglages["PASSWORD"])
    options.append(f"--dbname={reglages['NAME']}")
    return options, env


def reglages_pg_depuis_url(url: str) -> dict:
    """HOST/PORT/USER/PASSWORD/NAME of a ``postgresql://`` URL (as Django's settings name them)."""
    morceaux = urlsplit(url)
    return {"HOST": unquote(morceaux.hostname or ""), "PORT": morceaux.port or "", "USER": unquote(morceaux.username or ""),
            "PASSWORD": unquote(morceaux.password or ""), "NAME": unquote(morceaux.path.lstrip("/"))}


def url_sans_mot_de_passe(url: str) -> str:
    morceaux = urlsplit(url)
    if morceaux.password is None:
        return url
    hote = morceaux.hostname or ""
    netloc = f"{morceaux.username}@{hote}" + (f":{morceaux.port}" if morceaux.port else "")
    return urlunsplit(morceaux._replace(netloc=netloc))


def _executer(commande: list[str], env: dict[str, str], quoi: str) -> None:
    try:
        resultat = subprocess.run(commande, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise DossierError(f"{commande[0]} introuvable : installer le client PostgreSQL (paquet Debian postgresql-client)") from None
    if resultat.returncode != 0:
        raise DossierError(f"{quoi} a échoué : {resultat.stderr.strip()[-2000:]}")


def copier_sqlite(source: Path, cible: Path) -> None:
    """Consistent copy of a live SQLite database (online backup API), checked with integrity_check."""
    try:
        depart = sqlite3.connect(source, timeout=30)
        try:
            arrivee = sqlite3.connect(cible)
            try:
                depart.backup(arrivee, pages=1024)
                arrivee.execute("PRAGMA journal_mode=DELETE")
                verdict = arrivee.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                arrivee.close()
        finally:
            depart.close()
    except sqlite3.Error as e:
        raise DossierError(f"copie de la base {source} impossible : {e}") from None
    if verdict != "ok":
        raise DossierError(f"la base {source} est endommagée (integrity_check : {verdict})")


def _fichiers_a_copier(donnees: Path, exclus: set[Path]) -> list[Path]:
    """Regular files of the data folder, sorted, without the live database and hidden temporary files."""
    trouves = []
    for dossier, sous_dossiers, noms in os.walk(donnees):
        sous_dossiers[:] = sorted(d for d in sous_dossiers if not d.startswith("."))
        for nom in sorted(noms):
            chemin = Path(dossier) / nom
            if nom.startswith(".") or chemin in exclus or not chemin.is_file() or chemin.is_symlink():
                continue
            trouves.append(chemin)
    return trouves


def sauvegarder(donnees: Path, archive: Path, force: bool = False) -> dict:
    """Write the backup archive of the portal Django is set up on; return its manifest."""
    archive = archive.absolute()
    if archive.exists() and not force:
        raise SortieExistante(f"{archive} existe déjà : choisir un autre nom ou ajouter --force")
    if archive.is_relative_to(donnees):
        raise DossierError(f"{archive} est dans le dossier de données : écrire la sauvegarde ailleurs")
    base = base_courante()
    exclus = set()
    manifeste = {"format": FORMAT, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "moteur": base["moteur"], "fichiers": 0}
    with tempfile.TemporaryDirectory(prefix="dossier-sauvegarde-") as travail:
        copie = Path(travail) / "base"
        if base["moteur"] == "sqlite":
            chemin = base["chemin"].absolute()
            exclus = {Path(f"{chemin}{suffixe}") for suffixe in SUFFIXES_SQLITE}
            if chemin.is_relative_to(donnees):
                manifeste["base_relative"] = str(chemin.relative_to(donnees))
            copier_sqlite(chemin, copie)
        else:
            options, env = _env_pg(base["reglages"])
            _executer(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={copie}", *options], env, "pg_dump")
        fichiers = _fichiers_a_copier(donnees, exclus)
        manifeste["fichiers"] = len(fichiers)
        contenu_manifeste = Path(travail) / "sauvegarde.json"
        contenu_manifeste.write_text(json.dumps(manifeste, ensure_ascii=False, indent=2), encoding="utf-8")
        with fichier_temporaire(archive) as tmp:
            os.chmod(tmp, 0o600)
            with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
                tar.add(contenu_manifeste, MANIFESTE)
                tar.add(copie, BASE_SQLITE if base["moteur"] == "sqlite" else BASE_PG)
                for chemin in fichiers:
                    try:
                        tar.add(chemin, f"{FICHIERS}/{chemin.relative_to(donnees).as_posix()}", recursive=False)
                    except FileNotFoundError:  # removed meanwhile (a project deleted): not in the copied base either
                        continue
            with open(tmp, "rb") as flux:
                os.fsync(flux.fileno())
    return manifeste


def _lire_manifeste(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        membre = tar.extractfile(MANIFESTE)
        manifeste = json.loads(membre.read(1_000_000)) if membre else None
    except (KeyError, ValueError):
        manifeste = None
    if not isinstance(manifeste, dict) or manifeste.get("format") != FORMAT or manifeste.get("moteur") not in ("sqlite", "postgresql"):
        raise DossierError(f"{archive} n'est pas une sauvegarde du portail (dossier portail sauvegarder)")
    return manifeste


def _verifier_membres(tar: tarfile.TarFile, archive: Path) -> None:
    """Only regular files and folders under ``portail/``, no absolute path nor ``..``."""
    for membre in tar.getmembers():
        nom = membre.name
        if not (membre.isfile() or membre.isdir()) or nom.startswith("/") or ".." in Path(nom).parts or \
                not (nom == RACINE or nom.startswith(RACINE + "/")):
            raise DossierError(f"{archive} : entrée refusée dans la sauvegarde ({nom})")


def dossier_non_vide(donnees: Path) -> bool:
    return donnees.exists() and (not donnees.is_dir() or any(donnees.iterdir()))


def restaurer(archive: Path, donnees: Path, force: bool = False, url_base: str | None = None) -> dict:
    """Bring a backup back into ``donnees`` (and into the PostgreSQL base ``url_base`` for such a backup)."""
    if dossier_non_vide(donnees) and not force:
        raise SortieExistante(f"le dossier de données {donnees} n'est pas vide : choisir un dossier vide ou ajouter --force pour le remplacer")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as e:
        raise DossierError(f"{archive} illisible : {raison_systeme(e) if isinstance(e, OSError) else e}") from None
    with tar:
        manifeste = _lire_manifeste(tar, archive)
        if manifeste["moteur"] == "postgresql" and not url_base:
            raise DossierError("cette sauvegarde vient d'un portail sur PostgreSQL : définir DOSSIER_BASE=postgresql://… pour la restaurer")
        if manifeste["moteur"] == "sqlite" and url_base:
            raise DossierError("cette sauvegarde vient d'un portail SQLite : retirer DOSSIER_BASE pour la restaurer")
        _verifier_membres(tar, archive)
        donnees.parent.mkdir(parents=True, exist_ok=True)
        neuf = Path(tempfile.mkdtemp(prefix=".restauration-", dir=donnees.parent))
        try:
            travail = neuf / ".extraction"
            tar.extractall(travail, filter="data")
            racine = travail / RACINE
            fichiers = racine / "donnees"
            if fichiers.is_dir():
                for element in fichiers.iterdir():
                    element.rename(neuf / element.name)
            if manifeste["moteur"] == "sqlite":
                relatif = manifeste.get("base_relative")
                if relatif:
                    cible = neuf / relatif
                    cible.parent.mkdir(parents=True, exist_ok=True)
                    (racine / "base.sqlite3").rename(cible)
            else:
                options, env = _env_pg(reglages_pg_depuis_url(url_base))
                _executer(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                           *options, str(racine / "base.pgdump")], env, "pg_restore")
            shutil.rmtree(travail)
            os.chmod(neuf, 0o700)
            _remplacer(neuf, donnees)
        except BaseException:
            shutil.rmtree(neuf, ignore_errors=True)
            raise
    return manifeste


def _remplacer(neuf: Path, donnees: Path) -> None:
    """Rename ``neuf`` onto ``donnees``; an existing folder is moved aside first, removed after."""
    ancien = None
    if donnees.exists():
        ancien = Path(tempfile.mkdtemp(prefix=".ancien-", dir=donnees.parent))
        os.rmdir(ancien)
        donnees.rename(ancien)
    try:
        neuf.rename(donnees)
    except OSError:
        if ancien is not None:
            ancien.rename(donnees)
        raise
    if ancien is not None:
        shutil.rmtree(ancien, ignore_errors=True)
