"""The portal's data folder: where it is, and making it ready (folder, secret key, Django, migrations).

Every portal command (``serve``, ``comptes``, ``portail …``) goes through ``preparer``: the folder is
created (owner only) and migrated on first use, so a fresh folder works at once.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import DossierError, raison_systeme

VARIABLE = "DOSSIER_DONNEES"
MODULE_REGLAGES = "dossier.portail.settings"
CLE_SECRETE = "cle-secrete"

AIDE_DONNEES = (
    "Dossier des données du portail (base SQLite, fichiers déposés et générés, clé secrète). "
    "Par défaut : la variable DOSSIER_DONNEES, sinon le dossier de données de l'utilisateur "
    "($XDG_DATA_HOME/dossier, soit ~/.local/share/dossier). Créé et mis à jour au premier usage."
)


def dossier_utilisateur() -> Path:
    """The user's data folder for dossier: ``$XDG_DATA_HOME/dossier``, else ``~/.local/share/dossier``."""
    base = os.environ.get("XDG_DATA_HOME", "")
    if base and os.path.isabs(base):  # the XDG spec: a relative value is ignored
        return Path(base) / "dossier"
    return Path.home() / ".local" / "share" / "dossier"


def dossier_donnees(option: str | os.PathLike | None) -> Path:
    """The data folder: ``--donnees`` if given, else ``$DOSSIER_DONNEES``, else the user's data folder."""
    if option:
        return Path(option).expanduser().absolute()
    if os.environ.get(VARIABLE):
        return Path(os.environ[VARIABLE]).expanduser().absolute()
    return dossier_utilisateur()


def creer_cle_secrete(donnees: Path) -> Path:
    """Write ``cle-secrete`` (0600) if it does not exist yet; an existing key is never replaced.

    Created with O_EXCL: two commands starting at once on a fresh folder cannot write two keys."""
    chemin = donnees / CLE_SECRETE
    try:
        fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if chemin.stat().st_size == 0:
            raise DossierError(f"{chemin} est vide : le supprimer pour qu'une nouvelle clé secrète soit créée") from None
        return chemin
    try:
        os.write(fd, (secrets.token_urlsafe(50) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return chemin


def creer_dossier(donnees: Path) -> None:
    """Create the folder (0700, owner only) and its secret key; refuse a path that is not a folder."""
    if donnees.exists() and not donnees.is_dir():
        raise DossierError(f"{donnees} n'est pas un dossier : choisir un autre dossier de données (--donnees)")
    try:
        nouveau = not donnees.exists()
        donnees.mkdir(mode=0o700, parents=True, exist_ok=True)
        if nouveau:
            os.chmod(donnees, 0o700)  # mkdir's mode goes through the umask
        creer_cle_secrete(donnees)
    except OSError as e:
        raise DossierError(f"dossier de données {donnees} inutilisable : {raison_systeme(e)}") from None


def configurer(donnees: Path) -> None:
    """Point Django at this data folder (environment read by ``dossier.portail.settings``) and set it up."""
    os.environ[VARIABLE] = str(donnees)
    os.environ["DJANGO_SETTINGS_MODULE"] = MODULE_REGLAGES
    import django

    django.setup()


def migrer(verbeux: bool = False) -> None:
    """Apply the database migrations (nothing to do on an up-to-date database)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbeux else 0)


def preparer(donnees: Path) -> None:
    """Create the folder and its secret key on first use, set up Django on it, apply the migrations."""
    creer_dossier(donnees)
    configurer(donnees)
    try:
        migrer()
    except Exception as e:  # noqa: BLE001 - a database that cannot be reached: one French line
        from django.db import DatabaseError

        if isinstance(e, (DatabaseError, OSError)):
            raise DossierError(f"base de données du portail inaccessible : {e}".strip()) from None
        raise
