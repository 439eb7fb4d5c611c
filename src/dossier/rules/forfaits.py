"""Forfaits per ESSMS (rules.md §4–6): degressivity by rank, SAAD proration, equipment, the project's own items (AMOA, SAD)."""

from __future__ import annotations

from decimal import Decimal

from ..campaigns import Campagne
from ..model import Essms, Projet
from .guichet import TailleOG, _d, arrondi
from .referencement import conditions_ght_manquantes, exception_ght


def taux_au_rang(rang: int, taux: tuple[int, int] | list[int], dernier_plein: int) -> Decimal:
    """Full rate up to rank ``dernier_plein`` (49), reduced rate from the next one."""
    return _d(taux[0] if rang <= dernier_plein else taux[1])


def part_ms(essms: Essms) -> Decimal:
    """Médico-social share of a home-help ESSMS (1 when it declares no hours)."""
    h = essms.heures_saad
    return Decimal(1) if h is None else h.heures_ms / h.total


def forfait_prorate(taux: Decimal, essms: Essms) -> Decimal:
    """rate × (apa + pch + dépendance) / total, rounded to the cent once (rules.md §6)."""
    h = essms.heures_saad
    return arrondi(taux if h is None else taux * h.heures_ms / h.total)


def materiel_finance(essms: Essms, plafond: Decimal) -> Decimal:
    """Equipment of an ESSMS of a small OG: min(cap, quote)."""
    return min(plafond, essms.materiel.devis) if essms.materiel else Decimal(0)


def referencement_effectif(projet: Projet, campagne: Campagne) -> str:
    """The referencing that sets the forfaits: a GHT's DPI under the exception counts as référencé."""
    if exception_ght(projet, campagne) and not conditions_ght_manquantes(projet):
        return "reference"
    return projet.solution.referencement_segur


def sans_mise_a_niveau(projet: Projet, essms: Essms) -> bool:
    """A mise à niveau pays nothing for an ESSMS whose Ségur version is already installed (``non-cumul``)."""
    return projet.type_projet == "mise_a_niveau" and essms.version_segur_installee


def items_projet_ouverts(projet: Projet, campagne: Campagne, tailles: dict[str, TailleOG]) -> bool:
    """Whether the project-level small-OG items (AMOA, SAD) are open (rules.md §2 ``amoa-petits-og``, §5).

    The campaign says which groupings: ``un_petit_og`` (2022: at least one small OG) or ``tous_petits``
    (2023: every OG small, or a mixed grouping the ARS agreed to: ``gouvernance.amoa.accord_ars``).
    """
    petits = [t for t in tailles.values() if t.petit]
    if not petits:
        return False
    if len(petits) == len(tailles) or campagne.valeur("petits_og.amoa_groupement") == "un_petit_og":
        return True
    g = projet.gouvernance
    return bool(g and g.amoa and g.amoa.accord_ars)


def _items_projet(projet: Projet, campagne: Campagne, tailles: dict[str, TailleOG]) -> tuple[Decimal, Decimal, list[str]]:
    """AMOA and SAD forfaits of the project (rules.md §5), 0 when their conditions fail."""
    ouverts = items_projet_ouverts(projet, campagne, tailles)
    amoa = sad = Decimal(0)
    sources = []
    if amoa_demandee(projet) and ouverts:
        p = campagne.exiger("petits_og.amoa", "forfait de pilotage / AMOA")
        amoa, sources = _d(p.valeur), sources + [p.source]
    if projet.sad_demande and ouverts and sad_conditions(projet):
        p = campagne.parametre("petits_og.sad")
        if p is not None:
            sad, sources = _d(p.valeur), sources + [p.source]
    return amoa, sad, sources


def amoa_demandee(projet: Projet) -> bool:
    g = projet.gouvernance
    return bool(g and g.amoa and g.amoa.financement_demande)


def sad_conditions(projet: Projet) -> bool:
    return projet.type_projet == "acquisition" and projet.solution.mise_en_concurrence == "sad"
