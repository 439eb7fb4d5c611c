"""Terminal and JSON outputs of ``usages calculer`` (JSON shape fixed by usages.md)."""

from __future__ import annotations

from fractions import Fraction

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import Probleme
from ..francais import montant, pourcentage
from ..sorties import nombre_json
from .demande import empechements, phrase_solde
from .indicateurs import INDICATEURS, Resultat, ResultatIndicateur


def _fraction_json(f: Fraction | None) -> float | None:
    return None if f is None else round(float(f), 6)


def _indicateur_json(r: ResultatIndicateur) -> dict:
    return {"id": r.indicateur.id, "taux": _fraction_json(r.taux), "cible": _fraction_json(r.cible),
            "atteint": r.atteint, "manque": r.manque}


def resultat_json(res: Resultat) -> dict:
    return {
        "essms": [
            {"finess_et": r.essms.finess_et, "nom": r.essms.nom, "periode": r.periode, "atteint": r.atteint,
             "indicateurs": [_indicateur_json(i) for i in r.indicateurs]}
            for r in res.essms
        ],
        "bloquants": [r.essms.finess_et for r in res.bloquants],
        "solde": None if res.solde is None else {
            "montant": nombre_json(res.solde.montant),
            "par_organisme": [{"organisme": o.organisme, "montant": nombre_json(o.montant)} for o in res.solde.par_organisme],
        },
    }


def taux_texte(r: ResultatIndicateur) -> str:
    """``80,0 %`` (``—`` when not measurable), with ``(sans cible)`` when exempted."""
    texte = "—" if r.taux is None else pourcentage(r.taux.numerator / r.taux.denominator)
    return texte + (" (sans cible)" if r.cible is None else "")


def verdict(ecarts: list[str]) -> str:
    return "; ".join(ecarts) if ecarts else "cibles atteintes"


def afficher_alertes(console: Console, alertes: list[Probleme]) -> None:
    for a in alertes:
        console.print(f"alerte : {a}", style="yellow", markup=False)


def afficher_non_mesurees(console: Console, non_mesurees: int) -> None:
    """Said once: the template's rows left empty are periods not measured yet, not errors."""
    if non_mesurees:
        console.print(f"{non_mesurees} ligne(s) sans aucune mesure ignorée(s) : périodes pas encore mesurées "
                      "(à remplir au fil des mois)", markup=False)


def afficher_usages(console: Console, res: Resultat) -> None:
    table = Table(title=Text(f"Cibles d'usage — {res.projet.intitule}"), title_justify="left")
    table.add_column("FINESS ET")
    table.add_column("ESSMS")
    table.add_column("Période")
    cibles = {c.id: c for c in res.cibles}
    for ind in INDICATEURS:
        table.add_column(f"{ind.libelle}\n(cible {pourcentage(cibles[ind.id].cible.valeur, 0)})", justify="right")
    table.add_column("Verdict")
    for r in res.essms:
        cellules = [Text(taux_texte(i), style="red" if i.atteint is False else "") for i in r.indicateurs]
        cellules = cellules or [Text("—")] * len(INDICATEURS)
        table.add_row(Text(r.essms.finess_et), Text(r.essms.nom), Text(r.periode or "—"), *cellules,
                      Text(verdict(r.ecarts), style="green" if r.atteint else "red"))
    console.print(table)
    n = len(res.bloquants)
    if n:
        console.print(f"{n} ESSMS bloque{'nt' if n > 1 else ''} la demande de solde : "
                      + ", ".join(f"{r.essms.nom} ({r.essms.finess_et})" for r in res.bloquants), style="bold red", markup=False)
    else:
        console.print("Toutes les cibles d'usage sont atteintes.", style="bold green", markup=False)
    afficher_solde(console, res)


def afficher_solde(console: Console, res: Resultat) -> None:
    if res.solde is None:
        console.print(f"Solde : non calculable — {res.solde_inconnu}", style="yellow", markup=False)
        return
    console.print(phrase_solde(res, montant(res.solde.montant)), style="bold" if not empechements(res) else "bold yellow",
                  markup=False)
    for o in res.solde.par_organisme:
        console.print(f"  {o.raison_sociale} : {montant(o.montant)} (total {montant(o.total)} − avance {montant(o.avance)})", markup=False)
    if res.solde.ecart_arrondi:
        console.print(f"  écart d'arrondi : {montant(res.solde.ecart_arrondi)} entre le solde du projet et la somme des soldes par "
                      "organisme (l'avance de chaque organisme est arrondie au centime)", style="yellow", markup=False)
