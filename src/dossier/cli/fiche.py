"""Commands on the project's data from outside: fiche (Excel workbook), the porteur's ESSMS list, FINESS."""

from __future__ import annotations

import click

from .. import api
from ..affichage import nom_affichable
from ..errors import DossierError, ProjetInvalide
from ..sorties import afficher_problemes
from .commun import Groupe, afficher_notes, console, option_aide


@click.group(cls=Groupe, help="Fiche projet Excel : l'exporter pour la faire remplir, la relire en fichier projet.")
@option_aide
def fiche() -> None:
    pass


@fiche.command("export", help="Écrire la fiche projet Excel d'un projet (JSON ou fiche).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(dir_okay=False), help="Fiche .xlsx à écrire.")
@click.option("--force", is_flag=True, help="Remplacer la fiche existante.")
@option_aide
def fiche_export(projet: str, sortie: str, force: bool) -> None:
    api.exporter_fiche_projet(projet, sortie, force)
    console.print(f"fiche projet écrite : {nom_affichable(sortie)}", markup=False)


@fiche.command("import", help="Relire une fiche projet Excel et écrire le fichier projet JSON (rien n'est écrit si un problème est trouvé).")
@click.argument("fichier", type=click.Path(dir_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(dir_okay=False), help="Fichier projet .json à écrire.")
@click.option("--force", is_flag=True, help="Remplacer le fichier projet existant.")
@option_aide
def fiche_import(fichier: str, sortie: str, force: bool) -> None:
    try:
        importee = api.importer_fiche(fichier, sortie, force)
    except ProjetInvalide as e:
        afficher_notes(getattr(e, "notes", []))
        raise
    afficher_notes(importee.notes)
    p = importee.projet
    console.print(f"projet écrit : {nom_affichable(sortie)} ({len(p.essms)} ESSMS, {len(p.organismes)} organisme(s))", style="green", markup=False)


@click.group(cls=Groupe, help="ESSMS du projet : importer la liste du porteur.")
@option_aide
def essms() -> None:
    pass


@essms.command("import", help="Importer la liste d'ESSMS du porteur (.xlsx ou .csv) dans un projet ; montre ce qui change, écrit avec --ecrire.")
@click.argument("liste", type=click.Path(dir_okay=False))
@click.option("--projet", required=True, type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche .xlsx) à compléter.")
@click.option("--organisme", help="Identifiant de l'OG des ESSMS dont la ligne ne donne pas de FINESS EJ connu.")
@click.option("--ecrire", is_flag=True, help="Écrire le projet complété (sinon : seulement afficher).")
@option_aide
def essms_import(liste: str, projet: str, organisme: str | None, ecrire: bool) -> None:
    from ..fiche.affichage import afficher_import_essms

    fait = api.importer_essms(liste, projet, organisme, ecrire)
    afficher_notes(fait.notes)
    afficher_import_essms(console, fait.resultat)
    if fait.problemes:
        raise ProjetInvalide(liste, fait.problemes)
    if fait.ecrit:
        console.print(f"projet écrit : {nom_affichable(projet)}", style="green", markup=False)
    else:
        console.print("rien n'est écrit : relancer avec --ecrire pour mettre à jour le projet", markup=False)


@click.group(cls=Groupe, help="Extrait FINESS public : compléter les ESSMS d'un projet, chercher les structures d'un organisme.")
@option_aide
def finess() -> None:
    pass


_option_extrait = click.option("--extrait", required=True, type=click.Path(dir_okay=False),
                               help="Extrait FINESS public (etalab-cs1100502-stock-….csv).")


@finess.command("completer", help="Compléter nom, FINESS EJ, catégorie et commune des ESSMS depuis l'extrait FINESS (le FINESS ET suffit).")
@_option_extrait
@click.option("--projet", required=True, type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche .xlsx).")
@click.option("--ecrire", is_flag=True, help="Écrire le projet complété.")
@click.option("--remplacer", is_flag=True, help="Remplacer aussi les valeurs déjà saisies qui diffèrent de l'extrait.")
@option_aide
@click.pass_context
def finess_completer(ctx: click.Context, extrait: str, projet: str, ecrire: bool, remplacer: bool) -> None:
    from ..fiche.affichage import afficher_completer

    resultat = api.completer_finess_projet(projet, extrait, ecrire, remplacer)
    afficher_completer(console, resultat.source, resultat.constats)
    if resultat.problemes:
        console.print(f"reste à compléter avant « dossier validate » : {len(resultat.problemes)} problème(s)", style="yellow", markup=False)
        afficher_problemes(console, resultat.problemes)
    if resultat.ecrit:
        console.print(f"projet écrit : {nom_affichable(projet)}", style="green", markup=False)
    ctx.exit(1 if any(c.genre in ("absent", "desaccord") for c in resultat.constats) else 0)


@finess.command("chercher", help="Lister les structures d'un organisme (FINESS EJ) dans l'extrait, ESSMS éligibles d'abord.")
@_option_extrait
@click.option("--ej", required=True, help="FINESS EJ de l'organisme gestionnaire.")
@click.option("--ajouter", is_flag=True, help="Ajouter au projet les ESSMS éligibles qui n'y sont pas (avec --projet et --organisme).")
@click.option("--projet", type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche .xlsx) où ajouter.")
@click.option("--organisme", help="Identifiant de l'OG auquel rattacher les ESSMS ajoutés.")
@option_aide
def finess_chercher(extrait: str, ej: str, ajouter: bool, projet: str | None, organisme: str | None) -> None:
    from ..fiche.affichage import afficher_structures

    trouvees = api.chercher_finess(extrait, ej)
    afficher_structures(console, trouvees.extrait, ej, trouvees.structures)
    if not ajouter:
        return
    if not projet or not organisme:
        raise DossierError("--ajouter demande --projet et --organisme")
    n = api.ajouter_structures(projet, trouvees.structures, organisme, extrait)
    console.print(f"{n} ESSMS ajouté(s) à {nom_affichable(projet)}", style="green", markup=False)


COMMANDES = (fiche, essms, finess)
