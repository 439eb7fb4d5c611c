"""Guichet of a project (rules.md §3): the ARS or the national call, from the régions and the size of each OG."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .. import identifiers as ids
from ..campaigns import Campagne
from ..model import Organisme, Projet

CENT = Decimal("0.01")


def arrondi(montant: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return montant.quantize(CENT, rounding=ROUND_HALF_UP)


def _d(valeur) -> Decimal:
    return Decimal(str(valeur))


def regions(projet: Projet) -> list[str]:
    """Régions of the ESSMS locations, in order of first appearance."""
    return list(dict.fromkeys(e.region_effective for e in projet.essms))


def guichet(campagne: Campagne, nb_essms: int, nb_regions: int) -> str:
    """``"regional"`` or ``"national"`` (rules.md §3)."""
    seuil = campagne.valeur("guichet.seuil_national")
    if nb_essms < seuil:
        return "regional"
    if campagne.valeur("guichet.national_si_multiregional_seulement") and nb_regions == 1:
        return "regional"
    return "national"


def ars_pivot(projet: Projet) -> str:
    """ARS of deposit: porteur's région, else région of its FINESS EJ, else région of most ESSMS."""
    p = projet.porteur
    if p.region:
        return p.region
    if p.finess_ej and ids.region_du_finess(p.finess_ej):
        return ids.region_du_finess(p.finess_ej)
    compte = Counter(e.region_effective for e in projet.essms)
    maxi = max(compte.values())
    return next(r for r in regions(projet) if compte[r] == maxi)


@dataclass(frozen=True)
class Guichet:
    regions: list[str]
    guichet: str
    ars: str | None

    @property
    def multiregional(self) -> bool:
        return len(self.regions) > 1

    @property
    def cle_calendrier(self) -> str:
        if self.guichet == "national":
            return "national"
        return "multiregional" if self.multiregional else "regional"


def determiner_guichet(projet: Projet, campagne: Campagne) -> Guichet:
    regs = regions(projet)
    g = guichet(campagne, len(projet.essms), len(regs))
    if projet.portee_nationale and campagne.valeur("guichet.portee_nationale", False):
        g = "national"  # 2022: an operator with a national delegation, whatever its count (issue 21)
    return Guichet(regs, g, ars_pivot(projet) if g == "regional" else None)


@dataclass(frozen=True)
class TailleOG:
    og: Organisme
    nb_essms: int  # ESSMS of the OG in the project
    taille: int  # max(declared total, ESSMS in the project)
    petit: bool
    declaree: bool  # nb_essms_total given


def taille_og(projet: Projet, og: Organisme, campagne: Campagne) -> TailleOG:
    siens = projet.essms_de(og.id)
    taille = max(og.nb_essms_total or 0, len(siens))
    outre_mer = bool(siens) and all(ids.corse_ou_outre_mer(e.finess_et) for e in siens)
    seuil = campagne.valeur("petits_og.seuil", 15)
    if outre_mer:  # a separate overseas threshold only where the campaign's texts give one (rules.md §11)
        seuil = campagne.valeur("petits_og.seuil_corse_outre_mer", seuil)
    return TailleOG(og, len(siens), taille, taille < seuil, og.nb_essms_total is not None)


def tailles_og(projet: Projet, campagne: Campagne) -> dict[str, TailleOG]:
    return {og.id: taille_og(projet, og, campagne) for og in projet.organismes}
