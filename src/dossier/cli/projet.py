"""Commands on the project file: init, schema, validate, check, financement, campagnes."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..affichage import nom_affichable
from ..errors import ProjetInvalide
from ..identifiers import REGIONS
from ..sorties import (
    afficher_a_completer,
    afficher_campagnes,
    afficher_check,
    afficher_financement,
    afficher_problemes,
    afficher_profil,
    check_json,
    financement_json,
)
from .commun import console, imprimer_json, option_aide


@click.command(help="Écrire un squelette de projet à remplir (ou l'exemple de référence avec --exemple). N'écrase jamais un fichier existant.")
@click.argument("fichier", type=click.Path(dir_okay=False))
@click.option("--exemple", is_flag=True, help="Écrire l'exemple de référence (Normandie 2023, 17 ESSMS) au lieu du squelette.")
@click.option("--region", type=click.Choice(list(REGIONS), case_sensitive=False), metavar="RÉGION",
              help="Région du porteur : choisit le profil de dépôt de son ARS quand elle en a un ("
              + ", ".join(f"{region} : {profil}" for region, profil in api.profils_regionaux().items()) + ").")
@click.option("--fiche", is_flag=True, help="Écrire une fiche projet Excel (FICHIER .xlsx) à faire remplir par le porteur.")
@option_aide
def init(fichier: str, exemple: bool, region: str | None, fiche: bool) -> None:
    chemin = Path(fichier)
    if exemple and region and not chemin.exists():  # an existing file is said first (creer_projet)
        raise click.UsageError("--region ne s'applique qu'au squelette, pas à l'exemple (--exemple)")
    profil = api.creer_projet(chemin, exemple, region, fiche)
    if fiche:
        console.print(f"fiche projet écrite : {nom_affichable(chemin)} (profil de dépôt {profil}) — la faire remplir puis lancer "
                      f"« dossier fiche import {nom_affichable(chemin)} -o projet.json »", markup=False)
        return
    if exemple:
        console.print(f"exemple complet écrit : {nom_affichable(chemin)} (profil de dépôt {profil}) — lancer "
                      f"« dossier validate {nom_affichable(chemin)} », puis « dossier render {nom_affichable(chemin)} -o out »",
                      markup=False)
        return
    console.print(f"projet écrit : {nom_affichable(chemin)} (profil de dépôt {profil}) — le compléter (chaque champ est "
                  "décrit dans le schéma qu'écrit « dossier schema projet.schema.json »), puis lancer "
                  f"« dossier validate {nom_affichable(chemin)} »", markup=False)


@click.command(help="Écrire le schéma JSON du fichier projet (chaque champ, son type et sa description) dans FICHIER.")
@click.argument("fichier", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Remplacer le fichier existant.")
@option_aide
def schema(fichier: str, force: bool) -> None:
    chemin = api.ecrire_schema(fichier, force)
    console.print(f"schéma du fichier projet écrit : {nom_affichable(chemin)}", markup=False)


@click.command(help="Valider le fichier projet (JSON ou fiche Excel) : structure, types, identifiants FINESS/SIRET, cohérence.")
@click.argument("projet", type=click.Path(dir_okay=False))
@option_aide
@click.pass_context
def validate(ctx: click.Context, projet: str) -> None:
    try:
        validation = api.valider_projet(projet)
    except ProjetInvalide as e:
        console.print(e.message, style="bold red", markup=False)
        afficher_problemes(console, e.problemes)
        ctx.exit(1)
    p = validation.projet
    console.print(f"projet valide : {len(p.essms)} ESSMS, {len(p.organismes)} organisme{'s' if len(p.organismes) > 1 else ''}",
                  style="green", markup=False)
    afficher_profil(console, p)
    afficher_a_completer(console, validation.a_completer)


@click.command(help="Contrôler la recevabilité du projet (règles de l'appel à projets) ; PROJET : fichier projet (JSON ou fiche Excel).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
@click.pass_context
def check(ctx: click.Context, projet: str, en_json: bool) -> None:
    controles = api.controles_du_projet(api.charger_projet(projet))
    if en_json:
        imprimer_json(check_json(controles))
    else:
        afficher_check(console, controles)
    ctx.exit(0 if api.recevable(controles) else 1)


@click.command(help="Calculer le guichet et les montants (forfaits, petits OG, proratisation SAAD, avance et solde) ; PROJET : fichier projet (JSON ou fiche Excel).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON (le JSON seul sur la sortie standard).")
@option_aide
@click.pass_context
def financement(ctx: click.Context, projet: str, en_json: bool) -> None:
    fin = api.financement_du_projet(api.charger_projet(projet))
    if en_json:
        imprimer_json(financement_json(fin))
    else:
        afficher_financement(console, fin)
    ctx.exit(0 if fin.recevable else 1)


@click.command(help="Lister les campagnes connues, l'état de leurs données et leurs sources.")
@click.option("--sources", "avec_sources", is_flag=True,
              help="Afficher chaque valeur (montant, seuil, date) avec le texte dont elle provient et l'extrait qui la contient.")
@option_aide
def campagnes(avec_sources: bool) -> None:
    afficher_campagnes(console, avec_sources)


COMMANDES = (init, schema, validate, check, financement, campagnes)
