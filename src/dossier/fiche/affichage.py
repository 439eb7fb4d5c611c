"""Tables printed by ``essms import``, ``finess completer`` and ``finess chercher`` (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .. import identifiers as ids
from ..finess import Constat, Extrait, Structure


#: Rows of the import table printed (changes first, then additions, then unchanged): a table of
#: thousands of rows is unreadable and slow to lay out; the counts below it cover every row.
LIGNES_AFFICHEES = 200


def afficher_import_essms(console: Console, resultat) -> None:
    table = Table(title="Import de la liste d'ESSMS", title_justify="left")
    for colonne in ("Action", "FINESS ET", "Nom", "Organisme", "Détail"):
        table.add_column(colonne)

    def lignes():
        for actuel, nouveau in resultat.changements:
            detail = "; ".join(f"{k} : « {actuel.get(k, '')} » → « {v} »" for k, v in nouveau.items() if actuel.get(k) != v)
            yield "modifier", nouveau["finess_et"], str(actuel.get("nom", "")), nouveau["organisme"], detail
        for e in resultat.ajouts:
            yield "ajouter", e["finess_et"], str(e.get("nom", "")), e["organisme"], ""
        for e in resultat.inchanges:
            yield "inchangé", str(e["finess_et"]), str(e.get("nom", "")), str(e.get("organisme", "")), ""

    for n, ligne in enumerate(lignes()):
        if n == LIGNES_AFFICHEES:
            break
        table.add_row(*ligne)
    console.print(table)
    total = len(resultat.changements) + len(resultat.ajouts) + len(resultat.inchanges)
    if total > LIGNES_AFFICHEES:
        console.print(f"… {total - LIGNES_AFFICHEES} autre(s) ligne(s) non affichée(s)", markup=False)
    console.print(f"{len(resultat.ajouts)} à ajouter, {len(resultat.changements)} à modifier, "
                  f"{len(resultat.inchanges)} inchangé(s)", markup=False)


_ABSENT = "absent de l'extrait : structure fermée ou numéro FINESS erroné"


def _detail(c: Constat) -> str:
    if c.genre == "absent":
        return _ABSENT
    if c.genre == "desaccord":
        return f"{c.champ} : projet « {c.avant} », extrait « {c.apres} » (non remplacé, voir --remplacer)"
    return f"{c.champ} : « {c.apres} »" + (f" (était « {c.avant} »)" if c.avant else "")


def afficher_completer(console: Console, extrait: Extrait, constats: list[Constat]) -> None:
    """One row per ESSMS: what was filled, what disagrees, or its absence from the extract."""
    console.print(f"{extrait.libelle} ({extrait.chemin.name})", markup=False)
    if extrait.lignes_invalides:
        console.print(f"{extrait.lignes_invalides} ligne(s) de l'extrait ignorée(s) : numéro FINESS ET invalide",
                      style="yellow", markup=False)
    par_essms: dict[str, list[Constat]] = {}
    for c in constats:
        par_essms.setdefault(c.finess_et, []).append(c)
    table = Table(title_justify="left")
    for colonne in ("FINESS ET", "Complété", "À vérifier"):
        table.add_column(colonne)
    for finess, liste in par_essms.items():
        completes = "\n".join(_detail(c) for c in liste if c.genre == "complete")
        a_verifier = "\n".join(_detail(c) for c in liste if c.genre != "complete")
        table.add_row(finess, completes, a_verifier)
    console.print(table)
    absents = sum(c.genre == "absent" for c in constats)
    desaccords = sum(c.genre == "desaccord" for c in constats)
    console.print(f"{sum(c.genre == 'complete' for c in constats)} valeur(s) complétée(s), {desaccords} désaccord(s), "
                  f"{absents} ESSMS absent(s) de l'extrait", markup=False)


def afficher_structures(console: Console, extrait: Extrait, ej: str, structures: list[Structure]) -> None:
    table = Table(title=f"Structures de l'EJ {ej} ({extrait.libelle})", title_justify="left")
    for colonne in ("FINESS ET", "Nom", "Catégorie", "Commune", "Éligible"):
        table.add_column(colonne)
    for s in structures:
        info = ids.categorie(s.categorie)
        raison = "oui" if s.eligible else ("non : " + (info.libelle_secteur if info else "pas un ESSMS (catégorie hors programme)"))
        table.add_row(s.finess_et, s.nom, f"{s.categorie} {s.libcategorie}".strip(), s.commune, raison)
    console.print(table)
    console.print(f"{sum(s.eligible for s in structures)} ESSMS éligible(s) sur {len(structures)} structure(s)", markup=False)
