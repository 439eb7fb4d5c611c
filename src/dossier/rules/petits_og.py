"""Small OG checks (rules.md §2, §5): AMOA, SAD and equipment forfaits of small organismes gestionnaires."""

from __future__ import annotations

from ..campaigns import Campagne
from ..model import Projet
from .controles import ALERTE, ERREUR, Controle, _noms, _ok
from .forfaits import amoa_demandee, items_projet_ouverts, sad_conditions
from .guichet import TailleOG, determiner_guichet, tailles_og


def _taille_non_declaree(projet: Projet, tailles: dict[str, TailleOG], og_ids) -> list[str]:
    return [tailles[i].og.raison_sociale for i in og_ids if not tailles[i].declaree]


def c_amoa_petits_og(projet: Projet, campagne: Campagne) -> Controle:
    """Project-level small-OG items (AMOA, SAD): which groupings they are open to (rules.md §2, revised)."""
    tailles = tailles_og(projet, campagne)
    demandes = (["pilotage / AMOA"] if amoa_demandee(projet) else []) + (["forfait SAD"] if projet.sad_demande else [])
    if not demandes:
        return _ok("amoa-petits-og", "aucun financement de pilotage / AMOA ni SAD demandé")
    quoi = " et ".join(demandes)
    demande = f"{quoi} {'demandés' if len(demandes) > 1 else 'demandé'}"
    grands = [t for t in tailles.values() if not t.petit]
    erreurs, alertes = [], []
    if len(grands) == len(tailles):
        erreurs.append(f"{demande} alors qu'aucun organisme n'est un petit OG : "
                       + "; ".join(f"{t.og.raison_sociale} ({t.taille} ESSMS)" for t in grands))
    elif grands:
        alertes.append(_groupement_mixte(projet, campagne, tailles, demande, grands))
    if projet.sad_demande and not sad_conditions(projet):
        erreurs.append("forfait SAD : exige une acquisition via le SAD (solution.mise_en_concurrence = \"sad\")")
    if erreurs:
        return Controle("amoa-petits-og", ERREUR, False, " ; ".join(erreurs))
    if projet.sad_demande and campagne.parametre("petits_og.sad") is None and campagne.complete:
        alertes.append(f"forfait SAD demandé : il n'existe pas dans les textes de la campagne {campagne.annee}")
    non_declares = _taille_non_declaree(projet, tailles, tailles)
    if non_declares:
        alertes.append("taille comptée sur le projet seul (nb_essms_total non déclaré) : " + ", ".join(non_declares))
    if determiner_guichet(projet, campagne).guichet == "national":  # issue 21: each item, case by case
        alertes += [cas_par_cas_national(campagne, item) for item in demandes]
    if alertes:
        return Controle("amoa-petits-og", ALERTE, False, " ; ".join(alertes))
    return _ok("amoa-petits-og", f"{demande} : tous les organismes sont de petits OG")


def _groupement_mixte(projet: Projet, campagne: Campagne, tailles: dict[str, TailleOG], demande: str,
                      grands: list[TailleOG]) -> str:
    """The alerte of a grouping mixing small and other OG: open subject to the ARS, or only with its agreement."""
    autres = "; ".join(f"{t.og.raison_sociale} ({t.taille} ESSMS)" for t in grands)
    if campagne.valeur("petits_og.amoa_groupement") == "un_petit_og":
        return (f"{demande} pour un projet comptant au moins un petit OG, sous réserve de la décision de l'ARS "
                f"(organismes qui ne sont pas de petits OG : {autres})")
    if items_projet_ouverts(projet, campagne, tailles):
        return (f"{demande} pour un regroupement mixte (organismes qui ne sont pas de petits OG : {autres}) : "
                "accord de l'ARS déclaré (gouvernance.amoa.accord_ars), montant compté dans le total")
    return (f"{demande} pour un regroupement mixte (organismes qui ne sont pas de petits OG : {autres}) : "
            "l'ARS décide ; montant non compté tant que son accord n'est pas déclaré (gouvernance.amoa.accord_ars)")


def c_materiel_petits_og(projet: Projet, campagne: Campagne) -> Controle:
    avec = [e for e in projet.essms if e.materiel]
    if not avec:
        return _ok("materiel-petits-og", "aucun financement de matériel demandé")
    tailles = tailles_og(projet, campagne)
    grands = [e for e in avec if not tailles[e.organisme].petit]
    if grands:
        return Controle("materiel-petits-og", ERREUR, False, "matériel demandé pour des ESSMS d'organismes qui ne sont pas de petits OG : "
                        + _noms(grands), tuple(e.finess_et for e in grands))
    if determiner_guichet(projet, campagne).guichet == "national":
        return Controle("materiel-petits-og", ALERTE, False, cas_par_cas_national(campagne, "matériel"))
    non_declares = _taille_non_declaree(projet, tailles, dict.fromkeys(e.organisme for e in avec))
    if non_declares:
        return Controle("materiel-petits-og", ALERTE, False, "taille comptée sur le projet seul (nb_essms_total non déclaré) : "
                        + ", ".join(non_declares))
    return _ok("materiel-petits-og", f"matériel demandé pour {len(avec)} ESSMS de petits OG, avec devis")


def cas_par_cas_national(campagne: Campagne, item: str) -> str:
    """Alerte of a small-OG item in a national project: case by case (2022 presentation, which names only the
    equipment: for the other items, to be confirmed)."""
    p = campagne.parametre("petits_og.projet_national")
    texte = f" ({p.source} : « {p.citation} »)" if p and p.citation else ""
    confirmer = "" if item == "matériel" else " ; le texte ne cite que l'équipement : à confirmer avec la CNSA"
    return f"projet national : {item} des petits OG apprécié au cas par cas{texte}{confirmer}"
