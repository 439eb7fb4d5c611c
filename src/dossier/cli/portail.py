"""Portal commands: ``serve``, ``comptes creer``, ``portail sauvegarder|restaurer|worker``.

Django is imported only when one of them runs (the other commands start as fast as before). Every
command takes ``--donnees`` and creates and migrates the data folder on first use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..affichage import nom_affichable
from ..errors import DossierError
from ..identifiers import REGIONS

ROLES = ("administrateur", "consultant", "porteur", "relecteur")
MOT_DE_PASSE_MAX = 4096


def _option_donnees(aide: str | None = None):
    from ..portail.donnees import AIDE_DONNEES

    return click.option("--donnees", metavar="DOSSIER", type=click.Path(file_okay=False), default=None,
                         help=aide or AIDE_DONNEES)


def _preparer(option: str | None) -> Path:
    from ..portail.donnees import dossier_donnees, preparer

    donnees = dossier_donnees(option)
    preparer(donnees)
    return donnees


def _dire(texte: str) -> None:
    click.echo(texte)
    sys.stdout.flush()


def enregistrer(cli: click.Group, groupe: type[click.Group], option_aide) -> None:
    """Add the portal commands to the ``dossier`` command line (called once by cli.py)."""

    @cli.command("serve", help="Démarrer le portail web : serveur HTTP de production et worker des tâches "
                 "(génération des pièces). Applique d'abord les migrations de la base. Arrêt : Ctrl-C.")
    @click.option("--hote", default="127.0.0.1", show_default=True, metavar="ADRESSE",
                  help="Adresse d'écoute (127.0.0.1 : cette machine seulement ; derrière un proxy HTTPS, le laisser).")
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute.")
    @_option_donnees()
    @option_aide
    def serve(hote: str, port: int, donnees: str | None) -> None:
        from ..portail.serveur import servir, verifier_port_libre

        verifier_port_libre(hote, port)
        dossier = _preparer(donnees)
        _conseiller_premier_compte(dossier)
        servir(dossier, hote, port, _dire)
        _sortir_vite()


    @cli.group("comptes", cls=groupe, help="Comptes du portail (administrateur, consultant, porteur, relecteur).")
    @option_aide
    def comptes() -> None:
        pass

    @comptes.command("creer", help="Créer un compte du portail. Le mot de passe est demandé au terminal (deux fois), "
                     "ou lu sur l'entrée standard (première ligne) quand elle n'est pas un terminal ; jamais en argument.")
    @click.argument("email")
    @click.option("--role", required=True, type=click.Choice(ROLES), help="Rôle du compte.")
    @click.option("--region", "regions", multiple=True, metavar="RÉGION", type=click.Choice(list(REGIONS), case_sensitive=False),
                  help="Région dont le compte relit les projets transmis (relecteur GRADeS/ARS) ; répétable.")
    @_option_donnees()
    @option_aide
    def creer(email: str, role: str, regions: tuple[str, ...], donnees: str | None) -> None:
        if role == "relecteur" and not regions:
            raise click.UsageError("un relecteur relit les projets d'au moins une région : ajouter --region")
        mot_de_passe = _lire_mot_de_passe()
        dossier = _preparer(donnees)
        from ..portail.comptes import creer_compte

        try:
            creer_compte(email, role, list(regions), mot_de_passe)
        except DossierError:
            raise
        except Exception as e:  # noqa: BLE001 - Django's ValidationError / IntegrityError: one French line
            raise DossierError(f"compte {email} non créé : {_message(e)}") from None
        suite = f" (régions : {', '.join(regions)})" if regions else ""
        _dire(f"compte créé : {email}, rôle {role}{suite} — données : {nom_affichable(dossier)}")

    @cli.group("portail", cls=groupe, help="Exploitation du portail : sauvegarde, restauration, worker supplémentaire.")
    @option_aide
    def portail() -> None:
        pass

    @portail.command("sauvegarder", help="Écrire une sauvegarde cohérente du portail (base et fichiers) dans ARCHIVE "
                     "(.tar.gz), même pendant qu'il fonctionne.")
    @click.argument("archive", type=click.Path(dir_okay=False))
    @click.option("--force", is_flag=True, help="Remplacer ARCHIVE si elle existe.")
    @_option_donnees()
    @option_aide
    def sauvegarder(archive: str, force: bool, donnees: str | None) -> None:
        from ..portail.sauvegarde import sauvegarder as _sauvegarder

        cible = Path(archive)
        if cible.exists() and not force:
            raise DossierError(f"{nom_affichable(cible)} existe déjà : choisir un autre nom ou ajouter --force")
        dossier = _preparer(donnees)
        manifeste = _sauvegarder(dossier, cible, force)
        base = "SQLite" if manifeste["moteur"] == "sqlite" else "PostgreSQL"
        _dire(f"sauvegarde écrite : {nom_affichable(cible)} (base {base}, {manifeste['fichiers']} fichier(s))")

    @portail.command("restaurer", help="Restaurer une sauvegarde dans le dossier de données DOSSIER (--donnees). "
                     "Un dossier non vide n'est remplacé qu'avec --force. Pour une sauvegarde PostgreSQL, "
                     "la base DOSSIER_BASE est remplacée.")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    @_option_donnees("Dossier de données à remplir (obligatoire).")
    @click.option("--force", is_flag=True, help="Remplacer un dossier de données non vide (et la base PostgreSQL).")
    @option_aide
    def restaurer(archive: str, donnees: str | None, force: bool) -> None:
        if not donnees:
            raise click.UsageError("indiquer le dossier de données à restaurer avec --donnees DOSSIER")
        from ..portail.donnees import dossier_donnees
        from ..portail.sauvegarde import restaurer as _restaurer

        dossier = dossier_donnees(donnees)
        url = os.environ.get("DOSSIER_BASE") or None
        manifeste = _restaurer(Path(archive), dossier, force, url)
        _preparer(str(dossier))  # a backup from an older version gets the newer migrations
        _dire(f"sauvegarde du {manifeste['date']} restaurée dans {nom_affichable(dossier)} ; démarrer : dossier serve --donnees {nom_affichable(dossier)}")

    @portail.command("worker", help="Lancer seulement le worker des tâches (génération des pièces), sans serveur HTTP : "
                     "pour une seconde machine qui partage la base PostgreSQL (DOSSIER_BASE) du portail.")
    @click.option("--identifiant", default=None, help="Identifiant du worker, unique et stable (par défaut : nom de la machine et empreinte du dossier de données).")
    @_option_donnees()
    @option_aide
    def worker(identifiant: str | None, donnees: str | None) -> None:
        from ..portail.serveur import travailler

        travailler(_preparer(donnees), _dire, identifiant)
        _sortir_vite()


def _conseiller_premier_compte(dossier: Path) -> None:
    """On a portal without any account, say how to create the first one (nobody could log in)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    try:
        if not get_user_model().objects.exists():
            _dire(f"Aucun compte pour l'instant : créer le premier avec « dossier comptes creer VOUS@EXEMPLE.FR "
                  f"--role administrateur --donnees {nom_affichable(dossier)} » (mot de passe demandé)")
    finally:
        connections.close_all()


def _sortir_vite() -> None:
    """Exit at once once the children are stopped: finalizing Django and the rest takes longer than the
    second the command line's supervisor grants after Ctrl-C/SIGTERM (nothing is left to clean up)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _lire_mot_de_passe() -> str:
    """From the terminal (hidden, typed twice) or the first line of stdin; never empty."""
    if sys.stdin.isatty():
        mot_de_passe = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmer le mot de passe")
    else:
        mot_de_passe = sys.stdin.readline(MOT_DE_PASSE_MAX + 1).rstrip("\r\n")
        if len(mot_de_passe) > MOT_DE_PASSE_MAX:
            raise DossierError(f"mot de passe trop long (au plus {MOT_DE_PASSE_MAX} caractères)")
    if not mot_de_passe:
        raise DossierError("mot de passe vide : le saisir au terminal ou sur la première ligne de l'entrée standard")
    return mot_de_passe


def _message(e: Exception) -> str:
    messages = getattr(e, "messages", None)
    if messages:
        return " ; ".join(str(m) for m in messages)
    return str(e) or type(e).__name__
