"""Findings about the dossier's coherence with the project, for the author (``check`` alertes).

- the deposit profile a project names belongs to another région or campaign (``profil_depot``);
- CNSA milestones missing from the planning (``calendrier``): ``render`` lists the same finding as an
  item to settle, never as text inside a piece.
"""

from __future__ import annotations

from ..dates_projet import JALONS_CNSA, constat_jalons_cnsa
from ..campaigns import Campagne
from ..model import Projet
from .profil_depot import ecarts_profil, origine_liste, profil_du_projet
from .controles import ALERTE, Controle


def c_profil_depot(projet: Projet) -> Controle:
    ecarts = ecarts_profil(projet)
    profil = profil_du_projet(projet)
    if ecarts:
        return Controle("profil-depot", ALERTE, False, "profil de dépôt d'un autre appel à projets : " + " ; ".join(ecarts))
    origine = origine_liste(profil, projet)
    if origine:
        return Controle("profil-depot", ALERTE, True, f"profil de dépôt {profil.nom} : {origine}")
    return Controle("profil-depot", ALERTE, True, f"profil de dépôt {profil.nom} : {profil.libelle}")


def c_jalons_cnsa(projet: Projet) -> Controle:
    constat = constat_jalons_cnsa(projet)
    if constat:
        return Controle("jalons-cnsa", ALERTE, False, constat)
    jalons = projet.planning.jalons if projet.planning else None
    if not jalons:  # asked for by « validate » (à compléter) and by the planning's markers
        return Controle("jalons-cnsa", ALERTE, True, "sans objet : planning.jalons non renseignés (jalons CNSA "
                        "attendus : " + ", ".join(j.libelle for j in JALONS_CNSA) + ")")
    return Controle("jalons-cnsa", ALERTE, True, f"les {len(JALONS_CNSA)} jalons CNSA figurent au planning")


def controles_coherence(projet: Projet, campagne: Campagne) -> list[Controle]:
    return [c_profil_depot(projet), c_jalons_cnsa(projet)]


def constats_rendu(projet: Projet) -> list[str]:
    """What ``render`` lists beside the markers, as items the author must settle (exit 1)."""
    constat = constat_jalons_cnsa(projet)
    return [constat] if constat else []
