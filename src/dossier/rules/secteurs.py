"""Checks by sector of the ESSMS (issue 21): Ségur referencing per domain (MS1, MS2), AHI and SONS in 2025,
PJM services without a referenced DUI in 2025. Every rule reads its value and its text in the campaign data.
"""

from __future__ import annotations

from ..campaigns import Campagne
from ..model import Essms, Projet
from .controles import ALERTE, ERREUR, Controle, _noms, _ok

#: Domains of the Ségur referencing, in the order of the texts.
DOMAINES = ("MS1", "MS2")


def _secteur(e: Essms) -> str | None:
    return e.info_categorie.secteur if e.info_categorie else None


def domaine_de(e: Essms, campagne: Campagne) -> str | None:
    """The Ségur domain of an ESSMS's sector (MS1: PA/PH/DOM, MS2: PDE/PDS), None when no text gives one."""
    for domaine in DOMAINES:
        if _secteur(e) in campagne.valeur(f"referencement.domaine_{domaine.lower()}", []):
            return domaine
    return None


def _citation(campagne: Campagne, chemin: str) -> str:
    p = campagne.parametre(chemin)
    return f" ({p.source} : « {p.citation} »)" if p and p.citation else ""


def pjm_sans_referencement(projet: Projet, campagne: Campagne) -> list[Essms]:
    """PJM services the campaign exempts from a referenced DUI (2025, secondary source)."""
    if not campagne.valeur("referencement.pjm_sans_referencement", False):
        return []
    return [e for e in projet.essms if _secteur(e) == "PJM"]


def c_referencement_domaines(projet: Projet, campagne: Campagne) -> Controle:
    """Each ESSMS's sector against ``solution.referencement_domaines`` (absent: read as MS1)."""
    sol = projet.solution
    if campagne.parametre("referencement.domaine_ms1") is None:
        return Controle("referencement-domaines", ALERTE, False,
                        f"non vérifiable : la campagne {campagne.annee} ne donne pas les domaines Ségur (MS1, MS2)")
    if sol.couloir == "hopital":
        return _ok("referencement-domaines", "sans objet : DPI référencé dans le couloir hôpital (exception GHT)", ALERTE)
    if sol.referencement_segur == "non_reference":
        return _ok("referencement-domaines", "sans objet : solution non référencée Ségur", ALERTE)
    exemptes = pjm_sans_referencement(projet, campagne)
    concernes = [e for e in projet.essms if e not in exemptes]
    declares = sol.referencement_domaines
    lus = list(declares) if declares else ["MS1"]
    texte = _citation(campagne, "referencement.conformite_domaine")
    hors = [e for e in concernes if domaine_de(e, campagne) not in (None, *lus)]
    inconnus = [e for e in concernes if domaine_de(e, campagne) is None]
    if hors and declares:
        manquants = sorted({domaine_de(e, campagne) for e in hors})
        return Controle("referencement-domaines", ERREUR, False,
                        f"logiciel référencé (ou candidat) pour {', '.join(lus)} seulement : domaine {', '.join(manquants)} "
                        f"absent de solution.referencement_domaines pour {_noms(hors)}{texte}", tuple(e.finess_et for e in hors))
    alertes = []
    if hors:
        alertes.append("solution.referencement_domaines non renseigné, lu comme MS1 : le regroupement compte des ESSMS "
                       f"PDE ou PDS (domaine MS2) : {_noms(hors)} ; vérifier que le logiciel est référencé (ou candidat) MS2{texte}")
    if inconnus:
        alertes.append("domaine Ségur (MS1 ou MS2) non donné par les textes pour le secteur de " + _noms(inconnus)
                       + " : à confirmer avec l'ARS")
    if alertes:
        return Controle("referencement-domaines", ALERTE, False, " ; ".join(alertes),
                        tuple(e.finess_et for e in hors + inconnus))
    return _ok("referencement-domaines", f"chaque ESSMS relève d'un domaine où le logiciel est référencé ({', '.join(lus)})"
               + ("" if declares else " (lu comme MS1 : solution.referencement_domaines non renseigné)"), ALERTE)


def c_ahi_sons(projet: Projet, campagne: Campagne) -> Controle:
    """2025/100: AHI structures eligible to SONS choose a software candidate to Ségur referencing."""
    if not campagne.valeur("referencement.ahi_candidat_segur", False):
        return _ok("ahi-sons", f"sans objet pour la campagne {campagne.annee}", ALERTE)
    ahi = [e for e in projet.essms if _secteur(e) == "AHI"]
    eligibles = [e for e in ahi if e.eligible_sons]
    if not ahi:
        return _ok("ahi-sons", "aucune structure AHI", ALERTE)
    exemptes = [e for e in ahi if not e.eligible_sons]
    note = (f" ; non éligibles au SONS (cibles MSSanté et DMP levées) : {_noms(exemptes)}" if exemptes else "")
    if eligibles and projet.solution.referencement_segur != "reference":
        etat = "en cours de référencement" if projet.solution.referencement_segur == "en_cours" else "non référencée"
        return Controle("ahi-sons", ALERTE, False,
                        f"structures AHI éligibles au SONS (essms[].eligible_sons) : {_noms(eligibles)} : solution {etat}, "
                        "elle doit être candidate au référencement Ségur à la signature de la convention avec l'ARS"
                        + _citation(campagne, "referencement.ahi_candidat_segur") + note,
                        tuple(e.finess_et for e in eligibles))
    return _ok("ahi-sons", (f"structures AHI éligibles au SONS, solution référencée Ségur : {_noms(eligibles)}" if eligibles
                            else "aucune structure AHI éligible au SONS") + note, ALERTE)


def referencement_pjm(projet: Projet, campagne: Campagne) -> Controle | None:
    """``referencement-segur`` of a non-referenced software when the campaign exempts PJM services: ok when
    every ESSMS is PJM, an erreur naming the others otherwise; None when the campaign has no such exemption."""
    pjm = pjm_sans_referencement(projet, campagne)
    if not pjm:
        return None
    texte = _citation(campagne, "referencement.pjm_sans_referencement")
    autres = [e for e in projet.essms if e not in pjm]
    if autres:
        return Controle("referencement-segur", ERREUR, False,
                        f"{projet.solution.logiciel} n'est pas référencé Ségur : seuls les services PJM en sont dispensés{texte} ; "
                        f"référencement exigé pour {_noms(autres)}", tuple(e.finess_et for e in autres))
    return _ok("referencement-segur", f"services PJM : pas d'obligation d'un logiciel référencé Ségur{texte}")


def c_portee_nationale(projet: Projet, campagne: Campagne) -> Controle:
    """2022: an operator with a national delegation deposits to the national call whatever its count."""
    p = campagne.parametre("guichet.portee_nationale")
    if not projet.portee_nationale:
        return _ok("portee-nationale", "projet sans portée nationale déclarée", ALERTE)
    if p is None:
        return Controle("portee-nationale", ALERTE, False,
                        f"portee_nationale déclarée : sans effet pour la campagne {campagne.annee}, dont les textes disponibles "
                        "ne prévoient pas ce cas (guichet selon le nombre d'ESSMS et de régions) : à confirmer avec l'ARS")
    return _ok("portee-nationale", f"opérateur de portée nationale : guichet national quel que soit le nombre d'ESSMS "
               f"({p.source} : « {p.citation} »)", ALERTE)


def controles_secteurs(projet: Projet, campagne: Campagne) -> list[Controle]:
    """The checks of this module, in the order ``check`` lists them (after ``referencement-segur``)."""
    return [c_referencement_domaines(projet, campagne), c_ahi_sons(projet, campagne), c_portee_nationale(projet, campagne)]
