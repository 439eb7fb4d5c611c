"""``dossier portefeuille``: every project of a folder at a glance, as a table, JSON or Excel; ``--rendre``
renders every valid project with one warm LibreOffice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..errors import DossierError, SortieExistante

AIDE = {"help_option_names": ["-h", "--help"]}
STYLES = {"fichier illisible": "bold red", "invalide": "bold red", "non recevable": "bold red",
          "échéance dépassée": "red", "pièces manquantes": "red", "solde bloqué": "red", "à signer": "yellow",
          "à compléter": "yellow", "à déposer": "cyan", "solde à demander": "green"}


def _euros(valeur) -> str:
    if valeur is None:
        return "—"
    return f"{valeur:,.2f} €".replace(",", " ").replace(".", ",")


def _date(texte: str | None) -> dt.date | None:
    if texte is None:
        return None
    try:
        return dt.date.fromisoformat(texte)
    except ValueError:
        raise click.BadParameter(f"date attendue au format AAAA-MM-JJ, pas « {texte} »", param_hint="--date") from None


def afficher_portefeuille(console: Console, p) -> None:
    from ..portefeuille.analyse import date_fr

    table = Table(title=f"Portefeuille au {date_fr(p.aujourdhui)} — {len(p.lignes)} projet(s)", show_lines=False)
    for titre, options in (("Projet", {}), ("Région", {}), ("Camp.", {}), ("ESSMS", {"justify": "right"}),
                           ("Statut", {}), ("Aide totale", {"justify": "right"}), ("Échéance", {}),
                           ("Prochaine action", {"overflow": "fold"})):
        table.add_column(titre, **options)
    for x in p.lignes:
        echeance = f"{date_fr(x.echeance)} ({x.jours_restants} j)" if x.echeance else "—"
        table.add_row(f"{x.intitule or '—'}\n[dim]{x.fichier}[/]" if x.intitule else x.fichier, x.region or "—",
                      x.campagne or "—", str(x.nb_essms) if x.nb_essms is not None else "—",
                      f"[{STYLES.get(x.statut, '')}]{x.statut}[/]", _euros(x.aide_totale), echeance,
                      x.prochaine_action)
    console.print(table)
    t = p.totaux
    console.print(f"{t['projets']} projet(s) : {t['valides']} valide(s), {t['recevables']} recevable(s), "
                  f"{t['bloquants']} avec un problème bloquant ; aide totale {_euros(t['aide_totale'])}, "
                  f"avance {_euros(t['avance'])}, solde {_euros(t['solde'])}",
                  style="bold red" if t["bloquants"] else "green", markup=False)


@click.command("portefeuille", context_settings=AIDE,
               help="Tableau de bord des projets d'un dossier (JSON et fiches .xlsx, sous-dossiers compris) : "
                    "validité, recevabilité, montants, échéance, pièces, usages et prochaine action ; code 1 si "
                    "un projet a un problème bloquant. Avec --rendre : générer les pièces de chaque projet valide.")
@click.argument("dossier", type=click.Path(file_okay=False))
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON ({\"projets\": [...], \"totaux\": {...}}).")
@click.option("--xlsx", "classeur", type=click.Path(dir_okay=False), help="Écrire aussi le tableau dans ce classeur Excel.")
@click.option("--trier", type=click.Choice(["echeance", "region", "statut"]), help="Ordre des lignes (par défaut : chemin des fichiers).")
@click.option("--date", "date_texte", metavar="AAAA-MM-JJ", help="Date de référence des échéances (par défaut : aujourd'hui).")
@click.option("--rendre", "sortie", metavar="SORTIE", type=click.Path(file_okay=False), help="Générer les pièces de chaque projet valide dans SORTIE/<projet>/.")
@click.option("--pdf", is_flag=True, help="Avec --rendre : ajouter les PDF (un seul LibreOffice pour tous les projets).")
@click.option("--force", is_flag=True, help="Remplacer le classeur ou les pièces déjà présents.")
@click.help_option("-h", "--help", help="Afficher cette aide et quitter.")
@click.pass_context
def portefeuille(ctx: click.Context, dossier: str, en_json: bool, classeur: str | None, trier: str | None,
                 date_texte: str | None, sortie: str | None, pdf: bool, force: bool) -> None:
    from .commun import console, imprimer_json as _imprimer_json
    from ..api import decouvrir_portefeuille, lire_portefeuille, portefeuille_en_json

    racine = Path(dossier)
    if not racine.is_dir():
        raise DossierError(f"dossier introuvable : {dossier}")
    if pdf and not sortie:
        raise click.UsageError("--pdf ne s'emploie qu'avec --rendre SORTIE")
    entrees = decouvrir_portefeuille(racine)
    if classeur:
        cible = Path(classeur)
        if any(e.chemin is not None and cible.exists() and e.chemin.resolve() == cible.resolve() for e in entrees):
            raise DossierError(f"{classeur} est un fichier projet du portefeuille : choisir un autre nom")
        if cible.exists() and not force:
            raise SortieExistante(f"{classeur} existe déjà : relancer avec --force pour le remplacer")
    if sortie and en_json:
        raise click.UsageError("--json et --rendre ne s'emploient pas ensemble")
    p = lire_portefeuille(entrees, _date(date_texte), tri=trier, dossier=racine)
    if classeur:
        from ..api import ecrire_classeur_portefeuille

        ecrire_classeur_portefeuille(p, Path(classeur))
    if sortie:
        ctx.exit(_rendre(console, entrees, p, Path(sortie), pdf, force))
    if en_json:
        _imprimer_json(portefeuille_en_json(p))
    else:
        afficher_portefeuille(console, p)
        if classeur:
            console.print(f"classeur écrit : {classeur}", markup=False)
    ctx.exit(1 if p.bloquant else 0)


def _rendre(console: Console, entrees, p, sortie: Path, pdf: bool, force: bool) -> int:
    from ..api import rendre_portefeuille

    def afficher(r) -> None:
        style = "green" if r.ok else "red"
        ou = f" -> {r.dossier}" if r.ok and r.dossier else ""
        console.print(f"{'rendu' if r.ok else 'échec'} : {r.fichier}{ou} : {r.message}", style=style, markup=False)

    resultats = rendre_portefeuille(entrees, p.lignes, sortie, pdf=pdf, force=force, progression=afficher)
    rendus = sum(r.ok for r in resultats)
    echecs = len(resultats) - rendus
    console.print(f"{rendus} projet(s) rendu(s) dans {sortie}" + (f", {echecs} non rendu(s)" if echecs else ""),
                  style="bold red" if echecs else "green", markup=False)
    return 1 if echecs else 0
