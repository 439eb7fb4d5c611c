"""Referencing checks (rules.md §2): Ségur referencing of the software, the GHT exception, the DPI coverage study."""

from __future__ import annotations

from ..campaigns import Campagne
from ..model import Essms, Projet
from .controles import ALERTE, ERREUR, Controle, _noms, _ok

SECTEURS_NON_REFERENCE_2022 = {"PA", "PH", "DOM"}


def c_referencement_segur(projet: Projet, campagne: Campagne) -> Controle | list[Controle]:
    ref, sol = projet.solution.referencement_segur, projet.solution
    if campagne.annee == "2022" and projet.type_projet == "acquisition":
        if ref == "reference":
            return _ok("referencement-segur", f"{sol.logiciel} est référencé Ségur")
        hors = [e for e in projet.essms if (e.info_categorie.secteur if e.info_categorie else None) not in SECTEURS_NON_REFERENCE_2022]
        if hors:
            return Controle("referencement-segur", ERREUR, False,
                            "solution non référencée : admise en 2022 seulement pour des ESSMS PA, PH ou domicile ; hors de ces secteurs : "
                            + _noms(hors), tuple(e.finess_et for e in hors))
        etat = "en cours de référencement (traitée comme non référencée)" if ref == "en_cours" else "non référencée"
        return Controle("referencement-segur", ALERTE, False, f"solution {etat} : forfait logiciel réduit")
    if sol.couloir == "hopital":
        return _referencement_ght(projet, campagne)
    if ref == "reference":
        return _ok("referencement-segur", f"{sol.logiciel} est référencé Ségur")
    exige = campagne.parametre("referencement.mise_a_niveau_reference_exige") if projet.type_projet == "mise_a_niveau" else None
    if exige is not None:  # 2022 (issue 21): « en cours » refused like « non référencé »
        etat = "en cours de référencement" if ref == "en_cours" else "non référencé"
        return Controle("referencement-segur", ERREUR, False, f"mise à niveau : {sol.logiciel} est {etat} Ségur ; la solution "
                        f"que l'on fait évoluer doit être référencée ({exige.source} : « {exige.citation} »)")
    if ref == "en_cours":
        return Controle("referencement-segur", ALERTE, False,
                        "référencement Ségur en cours : il doit être obtenu avant le début du paramétrage")
    from .secteurs import (
        referencement_pjm,  # 2025: PJM services need no referenced DUI (issue 21)
    )

    pjm = referencement_pjm(projet, campagne)
    if pjm is not None:
        return pjm
    return Controle("referencement-segur", ERREUR, False,
                    f"{sol.logiciel} n'est pas référencé Ségur : référencement exigé pour la campagne {campagne.annee}")


#: The three cumulative conditions of the GHT exception (AAP Normandie 2023 §C), in the order of the text.
CONDITIONS_GHT = {
    "marche_public": "un marché public permettant aux ESSMS du projet d'en bénéficier",
    "etude_couverture": "une étude de la couverture des exigences du DUI (cahier des charges national) par le DPI",
    "sans_autre_aide": "aucune aide européenne ni HOP'EN perçue pour ces ESSMS",
}


def exception_ght(projet: Projet, campagne: Campagne) -> bool:
    """A GHT's DPI referenced in the hospital corridor, in a campaign whose texts allow it."""
    s = projet.solution
    return s.dpi_ght and s.couloir == "hopital" and bool(campagne.valeur("referencement.exception_ght", False))


def conditions_ght_manquantes(projet: Projet) -> list[str]:
    c = projet.solution.conditions_ght
    return [cle for cle in CONDITIONS_GHT if not (c and getattr(c, cle))]


def _referencement_ght(projet: Projet, campagne: Campagne) -> list[Controle]:
    """Hospital corridor: only a GHT's DPI, one erreur per missing condition (rules.md §2)."""
    sol = projet.solution
    if not campagne.valeur("referencement.exception_ght", False):
        return [Controle("referencement-segur", ERREUR, False,
                         f"référencement dans le couloir hôpital : la campagne {campagne.annee} ne prévoit pas d'exception GHT")]
    if not sol.dpi_ght:
        return [Controle("referencement-segur", ERREUR, False,
                         "référencement dans le couloir hôpital admis seulement pour le DPI d'un GHT (solution.dpi_ght)")]
    manquantes = conditions_ght_manquantes(projet)
    if manquantes:
        return [Controle("referencement-segur", ERREUR, False,
                         f"exception GHT : condition non remplie (solution.conditions_ght.{cle}) : {CONDITIONS_GHT[cle]}")
                for cle in manquantes]
    return [_ok("referencement-segur", f"DPI du GHT ({sol.logiciel}) référencé dans le couloir hôpital : les trois conditions de "
                "l'exception GHT sont remplies, forfaits du logiciel référencé")]


def essms_dui_etendu(projet: Projet) -> list[Essms]:
    """PDE/PDS ESSMS a DUI already in use in the project extends to (rules.md §2 ``dpi-ght``, revised):
    some ESSMS already use ``solution.logiciel``; the PDE or PDS ESSMS that do not are returned."""
    cible = projet.solution.logiciel.strip().casefold()

    def utilise(e: Essms) -> bool:
        return bool(e.logiciel_actuel) and e.logiciel_actuel.strip().casefold() == cible

    if not any(utilise(e) for e in projet.essms):
        return []
    return [e for e in projet.essms if e.info_categorie and e.info_categorie.secteur in ("PDE", "PDS") and not utilise(e)]


def c_dpi_ght(projet: Projet, campagne: Campagne) -> Controle:
    etendu = essms_dui_etendu(projet)
    raisons = (["la solution est le DPI d'un GHT"] if projet.solution.dpi_ght else []) + (
        [f"le DUI déjà utilisé s'étend à des structures PDE/PDS ({_noms(etendu)})"] if etendu else [])
    if raisons:
        return Controle("dpi-ght", ALERTE, False, "étude de couverture des besoins du DUI par un DPI à joindre : " + " ; ".join(raisons),
                        tuple(e.finess_et for e in etendu))
    return _ok("dpi-ght", "pas d'étude de couverture DPI requise", ALERTE)
