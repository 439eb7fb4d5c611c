"""The portfolio table: every project analysed (both cores), sorted, totalled, as JSON."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .analyse import STATUTS, LignePortefeuille, analyser_projet
from .decouverte import EntreeProjet, decouvrir

TRIS = ("echeance", "region", "statut")
SEUIL_PARALLELE = 4  # below this many projects, starting worker processes costs more than it saves


@dataclass
class TotalGroupe:
    """Totals of the projects of one région and campaign (valid projects' amounts)."""

    region: str
    campagne: str
    projets: int = 0
    valides: int = 0
    recevables: int = 0
    bloquants: int = 0
    aide_totale: Decimal = Decimal(0)
    avance: Decimal = Decimal(0)
    solde: Decimal = Decimal(0)


@dataclass
class Portefeuille:
    lignes: list[LignePortefeuille]
    aujourdhui: dt.date
    dossier: Path | None = None
    groupes: list[TotalGroupe] = field(default_factory=list)

    @property
    def bloquant(self) -> bool:
        return any(ligne.bloquant for ligne in self.lignes)

    @property
    def totaux(self) -> dict:
        lignes = self.lignes
        somme = lambda attr: sum((getattr(x, attr) or Decimal(0) for x in lignes), Decimal(0))  # noqa: E731
        return {
            "projets": len(lignes),
            "illisibles": sum(x.erreur is not None for x in lignes),
            "valides": sum(x.valide for x in lignes),
            "recevables": sum(x.recevable is True for x in lignes),
            "bloquants": sum(x.bloquant for x in lignes),
            "nb_essms": sum(x.nb_essms or 0 for x in lignes if x.valide),
            "aide_totale": somme("aide_totale"),
            "avance": somme("avance"),
            "solde": somme("solde"),
            "par_statut": {s: n for s in STATUTS if (n := sum(x.statut == s for x in lignes))},
        }


def _prechauffer() -> None:
    """Import the model, the rules and every campaign once, in the parent: forked workers inherit them."""
    from .. import checklist, rules  # noqa: F401
    from ..campaigns import campagnes_disponibles, charger_campagne
    from ..fiche import charger_projet_ou_fiche  # noqa: F401
    from ..squelette import a_completer  # noqa: F401
    from ..usages import indicateurs  # noqa: F401

    for annee in campagnes_disponibles():
        charger_campagne(annee)


def _analyser(args: tuple[EntreeProjet, dt.date]) -> LignePortefeuille:
    return analyser_projet(*args)


def analyser_tout(entrees: list[EntreeProjet], aujourdhui: dt.date | None = None,
                  processus: int | None = None) -> list[LignePortefeuille]:
    """Rows of ``entrees`` in their order; ``processus`` workers (default: one per core). Workers are
    forked: a threaded server (the portal) passes ``processus=1`` or calls this from a worker process."""
    aujourdhui = aujourdhui or dt.date.today()
    processus = processus or os.cpu_count() or 1
    _prechauffer()
    taches = [(e, aujourdhui) for e in entrees]
    if processus <= 1 or len(entrees) < SEUIL_PARALLELE:
        return [_analyser(t) for t in taches]
    with ProcessPoolExecutor(max_workers=min(processus, len(entrees))) as pool:
        return list(pool.map(_analyser, taches, chunksize=max(1, len(taches) // (4 * processus))))


def construire_portefeuille(dossier: Path, aujourdhui: dt.date | None = None, processus: int | None = None,
                            tri: str | None = None) -> Portefeuille:
    """The portfolio of every project found in ``dossier`` (see ``decouverte``)."""
    aujourdhui = aujourdhui or dt.date.today()
    return portefeuille_de(decouvrir(Path(dossier)), aujourdhui, processus, tri, Path(dossier))


def portefeuille_de(entrees: list[EntreeProjet], aujourdhui: dt.date | None = None, processus: int | None = None,
                    tri: str | None = None, dossier: Path | None = None) -> Portefeuille:
    """The portfolio of given entries (the portal passes projects already loaded)."""
    aujourdhui = aujourdhui or dt.date.today()
    lignes = trier(analyser_tout(entrees, aujourdhui, processus), tri)
    return Portefeuille(lignes, aujourdhui, dossier, totaux_par_groupe(lignes))


def trier(lignes: list[LignePortefeuille], tri: str | None) -> list[LignePortefeuille]:
    """Rows by deadline (soonest first, none last), région (then intitulé) or status (most urgent first)."""
    if tri is None:
        return list(lignes)
    if tri == "echeance":
        cle = lambda x: (x.echeance is None, x.echeance or dt.date.max, x.fichier)  # noqa: E731
    elif tri == "region":
        cle = lambda x: (x.region is None, x.region or "", (x.intitule or "").lower(), x.fichier)  # noqa: E731
    elif tri == "statut":
        cle = lambda x: (STATUTS.index(x.statut), x.echeance or dt.date.max, x.fichier)  # noqa: E731
    else:
        raise ValueError(f"tri inconnu : {tri} ({', '.join(TRIS)})")
    return sorted(lignes, key=cle)


def totaux_par_groupe(lignes: list[LignePortefeuille]) -> list[TotalGroupe]:
    groupes: dict[tuple[str, str], TotalGroupe] = {}
    for x in lignes:
        cle = (x.region or "(non renseignée)", x.campagne or "(non renseignée)")
        g = groupes.setdefault(cle, TotalGroupe(*cle))
        g.projets += 1
        g.valides += x.valide
        g.recevables += x.recevable is True
        g.bloquants += x.bloquant
        g.aide_totale += x.aide_totale or 0
        g.avance += x.avance or 0
        g.solde += x.solde or 0
    return [groupes[c] for c in sorted(groupes)]


def _nombre(valeur: Decimal | None) -> float | int | None:
    if valeur is None:
        return None
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


def ligne_json(x: LignePortefeuille) -> dict:
    """One project of ``portefeuille --json`` (keys of issue 24, then the extra facts)."""
    return {
        "fichier": x.fichier, "intitule": x.intitule, "porteur": x.porteur, "region": x.region,
        "campagne": x.campagne, "nb_essms": x.nb_essms, "valide": x.valide, "problemes": x.problemes,
        "recevable": x.recevable if x.valide else None, "aide_totale": _nombre(x.aide_totale),
        "avance": _nombre(x.avance), "solde": _nombre(x.solde),
        "date_depot": x.date_depot.isoformat() if x.date_depot else None,
        "echeance": x.echeance.isoformat() if x.echeance else None, "jours_restants": x.jours_restants,
        "pieces_manquantes": x.pieces_manquantes, "pieces_invalides": x.pieces_invalides, "a_signer": x.a_signer, "essms_bloquants": x.essms_bloquants,
        "prochaine_action": x.prochaine_action, "erreur": x.erreur,
        "statut": x.statut, "bloquant": x.bloquant, "guichet": x.guichet,
        "erreurs_recevabilite": x.erreurs_recevabilite, "alertes_recevabilite": x.alertes_recevabilite,
        "montants_inconnus": x.montants_inconnus, "depot": x.depot, "derniere_periode": x.derniere_periode,
        "erreur_mesures": x.erreur_mesures, "champs_a_completer": x.champs_a_completer,
    }


def portefeuille_json(p: Portefeuille) -> dict:
    totaux = {k: (_nombre(v) if isinstance(v, Decimal) else v) for k, v in p.totaux.items()}
    totaux["par_region_campagne"] = [
        {"region": g.region, "campagne": g.campagne, "projets": g.projets, "valides": g.valides,
         "recevables": g.recevables, "bloquants": g.bloquants, "aide_totale": _nombre(g.aide_totale),
         "avance": _nombre(g.avance), "solde": _nombre(g.solde)} for g in p.groupes]
    return {"date": p.aujourdhui.isoformat(), "projets": [ligne_json(x) for x in p.lignes], "totaux": totaux}
