"""Commands on usage targets and the solde: measures template, rates, report."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..sorties import afficher_problemes
from .commun import Groupe, console, erreurs, imprimer_json, option_aide


@click.group(cls=Groupe, help="Cibles d'usage et demande de solde : fichier de mesures, calcul des taux, rapport.")
@option_aide
def usages() -> None:
    pass


def _usages(mesures: str, projet: str):
    """The computed result; an invalid measures file prints every problem, exit 2; warnings on stderr."""
    from ..usages.mesures import MesuresInvalides
    from ..usages.sorties import afficher_alertes, afficher_non_mesurees

    p = api.charger_projet(projet)
    try:
        lues = api.mesurer_usages(mesures, p)
    except MesuresInvalides as e:
        erreurs.print(e.message, style="bold red", markup=False)
        afficher_problemes(erreurs, e.problemes)
        raise click.exceptions.Exit(2) from None
    afficher_alertes(erreurs, lues.alertes)
    afficher_non_mesurees(erreurs, lues.non_mesurees)
    return lues.resultat


@usages.command("modele", help="Écrire le classeur de mesures à remplir : une ligne par ESSMS et par période (première mesure sur 3 mois).")
@click.option("-o", "--sortie", required=True, type=click.Path(dir_okay=False), help="Classeur .xlsx à écrire.")
@click.option("--projet", required=True, type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche Excel).")
@click.option("--mois", "nb_mois", default=12, show_default=True, type=click.IntRange(3, 120), help="Mois mesurés par ESSMS.")
@click.option("--force", is_flag=True, help="Remplacer le classeur existant.")
@option_aide
def usages_modele(sortie: str, projet: str, nb_mois: int, force: bool) -> None:
    n = api.ecrire_modele_mesures(api.charger_projet(projet), sortie, nb_mois, force)
    console.print(f"classeur de mesures écrit : {sortie} ({n} lignes à remplir au fil des mois ; une ligne "
                  "laissée vide est une période pas encore mesurée, ignorée)", markup=False)


@usages.command("calculer", help="Calculer les taux d'usage par ESSMS, les écarts aux cibles et le solde ; code 1 si une cible n'est pas atteinte.")
@click.argument("mesures", type=click.Path(dir_okay=False))
@click.option("--projet", required=True, type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche Excel).")
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON.")
@option_aide
@click.pass_context
def usages_calculer(ctx: click.Context, mesures: str, projet: str, en_json: bool) -> None:
    from ..usages.sorties import afficher_usages, resultat_json

    res = _usages(mesures, projet)
    if en_json:
        imprimer_json(resultat_json(res))
    else:
        afficher_usages(console, res)
    ctx.exit(1 if res.bloquants else 0)


@usages.command("rapport", help="Écrire le rapport d'atteinte des cibles d'usage (Word, graphiques, classeurs) et l'état récapitulatif des dépenses ; code 1 si le solde ne peut pas encore être demandé.")
@click.argument("mesures", type=click.Path(dir_okay=False))
@click.option("--projet", required=True, type=click.Path(dir_okay=False), help="Fichier projet (JSON ou fiche Excel).")
@click.option("-o", "--sortie", required=True, type=click.Path(file_okay=False), help="Dossier à écrire.")
@click.option("--force", is_flag=True, help="Remplacer le dossier existant.")
@option_aide
def usages_rapport(mesures: str, projet: str, sortie: str, force: bool) -> None:
    from ..usages.sorties import afficher_solde

    res = _usages(mesures, projet)
    fichiers = api.ecrire_rapport_usages(res, sortie, force, entrees=(Path(mesures), Path(projet)))
    console.print(f"rapport écrit dans {sortie} : {', '.join(f.name for f in fichiers)}", markup=False)
    n = len(res.bloquants)
    console.print(f"{n} ESSMS n'atteigne{'nt' if n > 1 else ''} pas les cibles" if n else "toutes les cibles sont atteintes",
                  style="yellow" if n else "green", markup=False)
    afficher_solde(console, res)
    if api.empechements_solde(res):  # the report is written; the solde cannot be requested yet (issue 20 item 10)
        raise click.exceptions.Exit(1)


COMMANDES = (usages,)
