"""Commands on the deposit folder: render, checklist, bundle, templates."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..affichage import nom_affichable
from ..errors import DossierError
from ..sorties import afficher_problemes
from .commun import Groupe, console, erreurs, imprimer_json, option_aide


@click.command(help="Générer les pièces du dossier (Word, Excel, et PDF avec --pdf) dans le dossier de sortie ; PROJET : fichier projet (JSON ou fiche Excel).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(file_okay=False), help="Dossier où écrire les pièces.")
@click.option("--pieces", "selection", metavar="LISTE", help="Pièces à générer, séparées par des virgules (par défaut : toutes).")
@click.option("--pdf", is_flag=True, help="Ajouter un PDF de chaque pièce (LibreOffice, une seule conversion).")
@click.option("--force", is_flag=True, help="Remplacer les pièces déjà présentes.")
@click.option("--templates", "modeles", type=click.Path(file_okay=False), help="Dossier de modèles modifiés (voir « dossier templates export »).")
@option_aide
@click.pass_context
def render(ctx: click.Context, projet: str, sortie: str, selection: str | None, pdf: bool, force: bool, modeles: str | None) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from ..sorties import afficher_rendu

    p = api.charger_projet(projet)
    choix = [s.strip() for s in selection.split(",") if s.strip()] if selection else None
    options = dict(selection=choix, pdf=pdf, force=force, modeles=Path(modeles) if modeles else None,
                   entrees=(Path(projet),))
    if erreurs.is_terminal:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=erreurs, transient=True) as barre:
            tache = barre.add_task("rendu des pièces")
            rapport = api.rendre_dossier(p, Path(sortie), **options,
                                         progression=lambda nom: barre.update(tache, description=f"rendu : {nom}"))
    else:
        rapport = api.rendre_dossier(p, Path(sortie), **options)
    reperes = api.reperes_fiche(projet) if rapport.marqueurs else None
    if reperes:
        rapport.marqueurs[:] = [reperes.texte(m) for m in rapport.marqueurs]
    afficher_rendu(console, rapport)
    ctx.exit(1 if rapport.a_completer else 0)


def _projet_et_profil(projet: str | None, profil: str | None):
    """Optional project (with its folder) and the profile: --profil, else the project's (chosen from its
    région and campaign when it names none), else the default list."""
    p = api.charger_projet(projet) if projet else None
    return p, Path(projet).resolve().parent if projet else None, api.choisir_profil(p, profil)


@click.command(help="Vérifier qu'un dossier de dépôt est complet et valide (pièces du profil, fichiers lisibles).")
@click.argument("dossier", type=click.Path(file_okay=False))
@click.option("--projet", type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche Excel) : décide des pièces conditionnelles.")
@click.option("--profil", metavar="PROFIL", help="Profil de dépôt (kit-idf-2023, aap-normandie-2023 ; anciens noms cnsa-2023, normandie-2023 admis) ; par défaut celui du projet.")
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
@click.pass_context
def checklist(ctx: click.Context, dossier: str, projet: str | None, profil: str | None, en_json: bool) -> None:
    from ..checklist import afficher_checklist

    p, rep, prof = _projet_et_profil(projet, profil)
    resultat = api.verifier_dossier(Path(dossier), prof, p, rep)
    origine = api.origine_liste(prof, p)  # a list taken from another call: said, never written in a piece
    if en_json:
        imprimer_json({**resultat.to_json(), **({"origine_liste": origine} if origine else {})})
    else:
        afficher_checklist(resultat, console)
        if origine:
            console.print(origine, style="yellow", markup=False, highlight=False)
    ctx.exit(0 if resultat.complet else 1)


@click.command(help="Construire l'archive de dépôt (un fichier par pièce, numéroté, manifeste, bordereau) ; refusée tant que le dossier est incomplet, sauf --incomplet.")
@click.argument("dossier", type=click.Path(file_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(dir_okay=False), help="Archive .zip à écrire.")
@click.option("--projet", type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche Excel) : décide des pièces conditionnelles.")
@click.option("--profil", metavar="PROFIL", help="Profil de dépôt ; par défaut celui du projet.")
@click.option("--force", is_flag=True, help="Remplacer l'archive si elle existe déjà.")
@click.option("--incomplet", is_flag=True, help="Archiver malgré une checklist en échec (consigné dans le manifeste).")
@click.option("--format", "format_", type=click.Choice(["office", "pdf", "les-deux"]), default="pdf", show_default=True,
              help="Fichier de chaque pièce : le PDF s'il existe (pdf), le fichier Word/Excel (office), ou les deux.")
@option_aide
def bundle(dossier: str, sortie: str, projet: str | None, profil: str | None, force: bool, incomplet: bool,
           format_: str) -> None:
    from ..checklist import afficher_checklist
    from ..sorties import taille_lisible

    p, rep, prof = _projet_et_profil(projet, profil)
    try:
        info = api.construire_archive(Path(dossier), Path(sortie), prof, p, rep, force=force, incomplet=incomplet,
                                      format=format_, fichier_projet=Path(projet) if projet else None)
    except DossierError as e:
        resultat = getattr(e, "resultat", None)
        if resultat is not None:
            afficher_checklist(resultat, console)
        raise
    console.print(f"archive écrite : {nom_affichable(info.chemin)} ({taille_lisible(info.taille)}, {len(info.entrees)} fichier(s), sha256 {info.sha256})",
                  markup=False)
    if info.controles_en_echec:
        console.print(f"{len(info.controles_en_echec)} contrôle(s) en échec consigné(s) dans le manifeste", style="yellow", markup=False)


@click.group(cls=Groupe, help="Modèles Word et Excel : lister, exporter pour les modifier, vérifier.")
@option_aide
def templates() -> None:
    pass


@templates.command("list", help="Lister les modèles livrés.")
@option_aide
def templates_list() -> None:
    from rich.table import Table

    table = Table(title="Modèles livrés", title_justify="left")
    table.add_column("Modèle")
    table.add_column("Pièce")
    for nom, description in api.lister_modeles():
        table.add_row(nom, description)
    console.print(table)


@templates.command("export", help="Copier les modèles dans REP pour les modifier (logo, formulation).")
@click.argument("rep", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Remplacer les fichiers existants.")
@option_aide
def templates_export(rep: str, force: bool) -> None:
    copies = api.exporter_modeles(Path(rep), force)
    console.print(f"{len(copies) if copies else 'modèles'} copié(s) dans {nom_affichable(rep)} ; les utiliser avec « dossier render … --templates {nom_affichable(rep)} »", markup=False)


@templates.command("check", help="Vérifier des modèles (par défaut ceux livrés) : syntaxe Jinja, champs inconnus, balises coupées.")
@click.argument("rep", required=False, type=click.Path(file_okay=False))
@option_aide
@click.pass_context
def templates_check(ctx: click.Context, rep: str | None) -> None:
    problemes = api.verifier_modeles(Path(rep) if rep else None)
    if problemes:
        console.print(f"{len(problemes)} problème(s) dans les modèles :", style="bold red", markup=False)
        afficher_problemes(console, problemes)
        ctx.exit(1)
    console.print("modèles valides", style="green", markup=False)


COMMANDES = (render, checklist, bundle, templates)
