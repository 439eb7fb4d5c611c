"""ESMS numérique and SONS (issue 21): non-cumul for an ESSMS already on the Ségur version (item 2), the SONS
amounts as examples of the SONS scale (item 10), and the values shown that no text of the campaign gives (item 11).

The SONS webinars (000, 001) say that an ESSMS which already has the Ségur-referenced version « ne peut pas
cumuler les deux financements » (ESMS numérique usage and SONS montée de version). It gets no SONS Prestation
Ségur and no software forfait for the version it already has; the texts do not say whether it keeps the usage
forfait, so the amount stays out of the totals and the alerte asks the ARS to confirm. The project stays
recevable: the other ESSMS carry it.
"""

from __future__ import annotations

from decimal import Decimal

from .. import identifiers as ids
from ..campaigns import Campagne
from ..francais import montant
from ..model import Essms, Projet


def _taux_usages(projet: Projet, campagne: Campagne, essms: Essms) -> Decimal | None:
    """The usage forfait the ESSMS would get at its rank, None when the campaign data lacks it."""
    taux = campagne.valeur(f"forfaits.mise_a_niveau.{projet.solution.referencement_segur}.usages")
    dernier = campagne.valeur("degressivite.rang_dernier_plein")
    if taux is None or dernier is None:
        return None
    rang = next(i for i, e in enumerate(projet.essms, start=1) if e is essms)
    return Decimal(taux[0] if rang <= dernier else taux[1])


def message_non_cumul(projet: Projet, campagne: Campagne, installees: list[Essms]) -> str:
    p = campagne.parametre("non_cumul.version_installee")
    texte = f" ({p.source} : « {p.citation} »)" if p and p.citation else ""
    non_comptes = [t for t in (_taux_usages(projet, campagne, e) for e in installees) if t is not None]
    usages = (f" ; forfait usages non compté ({montant(sum(non_comptes, Decimal(0)))}) : le texte ne dit pas lequel "
              "des deux financements reste, à confirmer avec l'ARS") if non_comptes else " ; forfait usages : à confirmer avec l'ARS"
    message = (f"version Ségur déjà installée, pas de cumul ESMS numérique et SONS{texte} : ni Prestation Ségur SONS ni "
               f"forfait logiciel pour la version déjà installée{usages} ; ESSMS concernés : "
               + ", ".join(f"{e.nom} ({e.finess_et})" for e in installees))
    autres = [e for e in projet.essms if e not in installees]
    outre_mer = bool(autres) and all(ids.corse_ou_outre_mer(e.finess_et) for e in autres)
    minimum = campagne.valeur("taille_minimale.essms_corse_outre_mer" if outre_mer else "taille_minimale.essms")
    if minimum is not None and len(autres) < minimum:
        message += (f" ; sans eux, le regroupement compte {len(autres)} ESSMS financés, sous le minimum de {minimum} : "
                    "à confirmer avec l'ARS")
    return message


def exemple_sons(campagne: Campagne, petits: list[bool]) -> str:
    """The presentation's example(s) the SONS amounts come from (issue 21: indicative, never a computed right)."""
    chemins = (["sons.exemple"] if not all(petits) else []) + (["sons.exemple_petit_og"] if any(petits) else [])
    parties = []
    for chemin in chemins:
        p = campagne.parametre(chemin)
        if p is not None:
            parties.append(f"{p.valeur} (« {p.citation} »)" + (f" — {p.note}" if p.note else ""))
    return " ; ".join(parties)


#: Campaign values ``financement`` shows, checked for a « repris de … » note (issue 21), and their French label.
VALEURS_MONTREES = {"versements.avance": "part de l'avance", "sons.prestation_segur": "Prestation Ségur SONS par ESSMS",
                    "sons.prestation_segur_petit_og": "Prestation Ségur SONS par ESSMS d'un petit OG",
                    "sons.avance_editeur": "avance SONS à l'éditeur"}


def valeurs_reprises(campagne: Campagne, avec_sons: bool) -> list[dict]:
    """The values shown by ``financement`` that no text of the campaign gives (« repris de 2023 »…)."""
    reprises = []
    for chemin in VALEURS_MONTREES:
        p = campagne.parametre(chemin)
        if p is not None and p.note and "repris" in p.note and (avec_sons or not chemin.startswith("sons.")):
            reprises.append({"parametre": chemin, "libelle": VALEURS_MONTREES[chemin], "note": p.note, "source": p.source})
    return reprises
