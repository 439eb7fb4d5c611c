"""Command line of dossier: parse, call the library, print, exit code (0 done, 1 problems found, 2 cannot do)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console

from . import __version__, interruption
from .campaigns import charger_campagne
from .errors import DossierError, ProjetInvalide, SortieExistante
from .fichiers import ecrire_atomique
from .model import Projet, charger_projet
from .rules import calculer_financement, recevable, verifier_recevabilite
from .sorties import afficher_campagnes, afficher_check, afficher_financement, afficher_problemes, check_json, financement_json

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
erreurs = Console(stderr=True, highlight=False)


class FormateurAide(click.HelpFormatter):
    """Click help in French."""

    TITRES = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Utilisation : ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.TITRES.get(heading, heading))


class Contexte(click.Context):
    formatter_class = FormateurAide


class Commande(click.Command):
    context_class = Contexte


class Groupe(click.Group):
    context_class = Contexte
    command_class = Commande


AIDE = {"help_option_names": ["-h", "--help"]}
option_aide = click.help_option("-h", "--help", help="Afficher cette aide et quitter.")


def _imprimer_json(donnees: dict) -> None:
    click.echo(json.dumps(donnees, ensure_ascii=False, indent=2))


def _projet(chemin: str) -> Projet:
    return charger_projet(chemin)


def _niveau_taille(projet: Projet) -> str:
    from .profiles import charger_profil

    return charger_profil(projet.depot.profil).taille_minimale_niveau


@click.group(cls=Groupe, context_settings=AIDE, help="Dossier de financement ESMS numérique (Ségur du numérique) à partir d'un fichier projet JSON.")
@click.version_option(__version__, "--version", message="dossier %(version)s", help="Afficher la version et quitter.")
@click.option("--debug", is_flag=True, help="Afficher la trace complète des erreurs inattendues.")
@option_aide
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


@cli.command(help="Écrire un squelette de projet à remplir (ou l'exemple de référence avec --exemple). N'écrase jamais un fichier existant.")
@click.argument("fichier", type=click.Path(dir_okay=False))
@click.option("--exemple", is_flag=True, help="Écrire l'exemple de référence (Normandie 2023, 17 ESSMS) au lieu du squelette.")
@option_aide
def init(fichier: str, exemple: bool) -> None:
    from .squelette import squelette_json

    chemin = Path(fichier)
    if chemin.exists():
        raise SortieExistante(f"{chemin} existe déjà : choisir un autre nom (init n'écrase jamais un fichier)")
    ecrire_atomique(chemin, squelette_json(exemple).encode("utf-8"))
    console.print(f"projet écrit : {chemin} — le compléter puis lancer « dossier validate {chemin} »", markup=False)


@cli.command(help="Valider le fichier projet : structure, types, identifiants FINESS/SIRET, cohérence.")
@click.argument("projet", type=click.Path(dir_okay=False))
@option_aide
@click.pass_context
def validate(ctx: click.Context, projet: str) -> None:
    try:
        p = _projet(projet)
    except ProjetInvalide as e:
        console.print(e.message, style="bold red", markup=False)
        afficher_problemes(console, e.problemes)
        ctx.exit(1)
    console.print(f"projet valide : {len(p.essms)} ESSMS, {len(p.organismes)} organisme{'s' if len(p.organismes) > 1 else ''}",
                 style="green", markup=False)


@cli.command(help="Contrôler la recevabilité du projet (règles de l'appel à projets).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
@click.pass_context
def check(ctx: click.Context, projet: str, en_json: bool) -> None:
    p = _projet(projet)
    controles = verifier_recevabilite(p, charger_campagne(p.campagne), dt.date.today(), _niveau_taille(p))
    if en_json:
        _imprimer_json(check_json(controles))
    else:
        afficher_check(console, controles)
    ctx.exit(0 if recevable(controles) else 1)


@cli.command(help="Calculer le guichet et les montants (forfaits, petits OG, proratisation SAAD, avance et solde).")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
def financement(projet: str, en_json: bool) -> None:
    p = _projet(projet)
    fin = calculer_financement(p, charger_campagne(p.campagne))
    if en_json:
        _imprimer_json(financement_json(fin))
    else:
        afficher_financement(console, fin)


@cli.command(help="Lister les campagnes connues, l'état de leurs données et leurs sources.")
@option_aide
def campagnes() -> None:
    afficher_campagnes(console)


@cli.command(help="Générer les pièces du dossier (Word, Excel, et PDF avec --pdf) dans le dossier de sortie.")
@click.argument("projet", type=click.Path(dir_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(file_okay=False), help="Dossier où écrire les pièces.")
@click.option("--pieces", "selection", help="Pièces à générer, séparées par des virgules (par défaut : toutes).")
@click.option("--pdf", is_flag=True, help="Ajouter un PDF de chaque pièce (LibreOffice, une seule conversion).")
@click.option("--force", is_flag=True, help="Remplacer les pièces déjà présentes.")
@click.option("--templates", "modeles", type=click.Path(file_okay=False), help="Dossier de modèles modifiés (voir « dossier templates export »).")
@option_aide
@click.pass_context
def render(ctx: click.Context, projet: str, sortie: str, selection: str | None, pdf: bool, force: bool, modeles: str | None) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from .render.pieces import rendre_dossier
    from .sorties import afficher_rendu

    p = _projet(projet)
    choix = [s.strip() for s in selection.split(",") if s.strip()] if selection else None
    options = dict(selection=choix, pdf=pdf, force=force, modeles=Path(modeles) if modeles else None)
    if erreurs.is_terminal:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=erreurs, transient=True) as barre:
            tache = barre.add_task("rendu des pièces")
            rapport = rendre_dossier(p, Path(sortie), **options,
                                     progression=lambda nom: barre.update(tache, description=f"rendu : {nom}"))
    else:
        rapport = rendre_dossier(p, Path(sortie), **options)
    afficher_rendu(console, rapport)
    ctx.exit(1 if rapport.marqueurs else 0)


def _projet_et_profil(projet: str | None, profil: str | None):
    """Optional project (with its folder) and the profile: --profil, else the project's, else cnsa-2023."""
    from .profiles import charger_profil

    p = _projet(projet) if projet else None
    nom = profil or (p.depot.profil if p else "cnsa-2023")
    return p, Path(projet).resolve().parent if projet else None, charger_profil(nom)


@cli.command(help="Vérifier qu'un dossier de dépôt est complet et valide (pièces du profil, fichiers lisibles).")
@click.argument("dossier", type=click.Path(file_okay=False))
@click.option("--projet", type=click.Path(dir_okay=False), help="Fichier projet : décide des pièces conditionnelles.")
@click.option("--profil", help="Profil de dépôt (cnsa-2023, normandie-2023) ; par défaut celui du projet.")
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
@click.pass_context
def checklist(ctx: click.Context, dossier: str, projet: str | None, profil: str | None, en_json: bool) -> None:
    from .checklist import afficher_checklist, verifier_dossier

    p, rep, prof = _projet_et_profil(projet, profil)
    resultat = verifier_dossier(Path(dossier), prof, p, rep)
    if en_json:
        _imprimer_json(resultat.to_json())
    else:
        afficher_checklist(resultat, console)
    ctx.exit(0 if resultat.complet else 1)


@cli.command(help="Construire l'archive de dépôt (pièces numérotées, manifeste, bordereau) ; refusée tant que le dossier est incomplet, sauf --force.")
@click.argument("dossier", type=click.Path(file_okay=False))
@click.option("-o", "--sortie", required=True, type=click.Path(dir_okay=False), help="Archive .zip à écrire.")
@click.option("--projet", type=click.Path(dir_okay=False), help="Fichier projet : décide des pièces conditionnelles.")
@click.option("--profil", help="Profil de dépôt ; par défaut celui du projet.")
@click.option("--force", is_flag=True, help="Remplacer l'archive existante, ou archiver malgré une checklist en échec (consigné dans le manifeste).")
@option_aide
def bundle(dossier: str, sortie: str, projet: str | None, profil: str | None, force: bool) -> None:
    from .bundle import construire_archive
    from .checklist import afficher_checklist
    from .sorties import taille_lisible

    p, rep, prof = _projet_et_profil(projet, profil)
    try:
        info = construire_archive(Path(dossier), Path(sortie), prof, p, rep, force)
    except DossierError as e:
        resultat = getattr(e, "resultat", None)
        if resultat is not None:
            afficher_checklist(resultat, console)
        raise
    console.print(f"archive écrite : {info.chemin} ({taille_lisible(info.taille)}, {len(info.entrees)} pièce(s), sha256 {info.sha256})",
                  markup=False)
    if info.controles_en_echec:
        console.print(f"{len(info.controles_en_echec)} contrôle(s) en échec consigné(s) dans le manifeste (--force)", style="yellow", markup=False)


@cli.group(cls=Groupe, help="Modèles Word et Excel : lister, exporter pour les modifier, vérifier.")
@option_aide
def templates() -> None:
    pass


@templates.command("list", help="Lister les modèles livrés.")
@option_aide
def templates_list() -> None:
    from rich.table import Table

    from .render.modeles import lister_modeles

    table = Table(title="Modèles livrés", title_justify="left")
    table.add_column("Modèle")
    table.add_column("Pièce")
    for nom, description in lister_modeles():
        table.add_row(nom, description)
    console.print(table)


@templates.command("export", help="Copier les modèles dans REP pour les modifier (logo, formulation).")
@click.argument("rep", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Remplacer les fichiers existants.")
@option_aide
def templates_export(rep: str, force: bool) -> None:
    from .render.modeles import exporter_modeles

    copies = exporter_modeles(Path(rep), force)
    console.print(f"{len(copies) if copies else 'modèles'} copié(s) dans {rep} ; les utiliser avec « dossier render … --templates {rep} »", markup=False)


@templates.command("check", help="Vérifier des modèles (par défaut ceux livrés) : syntaxe Jinja, champs inconnus, balises coupées.")
@click.argument("rep", required=False, type=click.Path(file_okay=False))
@option_aide
@click.pass_context
def templates_check(ctx: click.Context, rep: str | None) -> None:
    from .render.modeles import verifier_modeles

    problemes = verifier_modeles(Path(rep) if rep else None)
    if problemes:
        console.print(f"{len(problemes)} problème(s) dans les modèles :", style="bold red", markup=False)
        afficher_problemes(console, problemes)
        ctx.exit(1)
    console.print("modèles valides", style="green", markup=False)


# --------------------------------------------------------------------------- entry point

_MESSAGES_CLICK = {
    "NoSuchOption": lambda e: f"option inconnue « {e.option_name} »"
    + (f" (vouliez-vous dire « {e.possibilities[0]} » ?)" if e.possibilities else ""),
    "MissingParameter": lambda e: f"paramètre manquant : {(e.param.human_readable_name if e.param else '').upper()}",
    "BadOptionUsage": lambda e: f"option « {e.option_name} » mal employée",
    "NoArgsIsHelpError": None,
}


def _message_usage(e: click.UsageError) -> str:
    fabrique = _MESSAGES_CLICK.get(type(e).__name__)
    if fabrique:
        return fabrique(e)
    if isinstance(e, click.BadParameter):
        nom = e.param.human_readable_name if e.param else "paramètre"
        return f"valeur invalide pour {nom} : {e.message}"
    texte = e.format_message()
    if texte.startswith("No such command"):
        return f"commande inconnue {texte.split(' ', 3)[-1]} ; voir « dossier --help »"
    if texte.startswith("Got unexpected extra argument"):
        return "argument en trop : " + texte.split("(", 1)[-1].rstrip(")")
    return f"utilisation incorrecte : {texte}"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never a traceback (unless --debug), French messages, exit codes 0/1/2."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    interruption.installer()
    try:
        code = cli.main(args=args, prog_name="dossier", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help())
        return 2
    except click.UsageError as e:
        erreurs.print(f"erreur : {_message_usage(e)}", style="red", markup=False)
        if e.ctx is not None:
            erreurs.print(f"aide : {e.ctx.command_path} --help", markup=False)
        return 2
    except ProjetInvalide as e:
        erreurs.print(e.message, style="bold red", markup=False)
        afficher_problemes(erreurs, e.problemes)
        return e.exit_code
    except DossierError as e:
        erreurs.print(f"erreur : {e.message}", style="red", markup=False)
        return e.exit_code
    except (click.Abort, KeyboardInterrupt):
        erreurs.print(interruption.MESSAGE, style="red", markup=False)
        return 2
    except click.exceptions.Exit as e:
        return e.exit_code
    except BrokenPipeError:
        return 2
    except Exception as e:  # noqa: BLE001 - last resort: one French line, never a traceback
        if debug:
            traceback.print_exc()
        erreurs.print(f"erreur inattendue : {type(e).__name__} : {e} (relancer avec --debug pour la trace)", style="red", markup=False)
        return 2


def run() -> None:
    interruption.superviser()
    sys.exit(main())
