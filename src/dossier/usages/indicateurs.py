"""Usage indicators (rules.md §8, usages.md): rates per ESSMS and period, verdict at the latest period, solde.

Pure functions over the project, its campaign and the validated measures. Verdicts use exact
fractions (``taux >= cible`` and ``manque = ceil(cible × dénominateur) − numérateur`` never suffer float
rounding); the monthly series for the charts are plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..campaigns import Campagne, CibleUsage, cibles_usage
from ..errors import MontantsInconnus
from ..model import Essms, Projet
from ..rules import arrondi, calculer_financement
from .mesures import Mesure, Mesures, texte_mois


@dataclass(frozen=True)
class Indicateur:
    id: str
    libelle: str  # short French name (table columns, sheet names, chart titles)
    numerateur: str
    denominateur: str
    singulier: str  # what the numerator counts, for "il manque 1 …"
    pluriel: str


#: The five indicators of usages.md (formula = numerator / denominator of the measures file).
INDICATEURS = (
    Indicateur("mssante", "MSSanté", "mssante_messages", "personnes_projet",
               "message envoyé via MSSanté", "messages envoyés via MSSanté"),
    Indicateur("dmp", "DMP", "dmp_alimentes", "personnes_projet",
               "DMP alimenté", "DMP alimentés"),
    Indicateur("dossiers_actifs", "Dossiers actifs", "dossiers_actifs", "file_active",
               "dossier actif", "dossiers actifs"),
    Indicateur("projet_personnalise", "Projet personnalisé", "dossiers_projet_personnalise", "dossiers_actifs",
               "dossier actif avec projet personnalisé", "dossiers actifs avec projet personnalisé"),
    Indicateur("agenda", "Agenda", "dossiers_agenda", "dossiers_actifs",
               "dossier actif avec un événement d'agenda", "dossiers actifs avec un événement d'agenda"),
)


def taux(mesure: Mesure, indicateur: Indicateur) -> Fraction | None:
    """numerator / denominator of one period; None when the denominator is 0 (not measurable)."""
    d = mesure.comptes[indicateur.denominateur]
    return Fraction(mesure.comptes[indicateur.numerateur], d) if d else None


def manque(cible: Fraction, numerateur: int, denominateur: int) -> int:
    """Smallest numerator increase reaching the target at this denominator (0 when reached)."""
    return max(0, math.ceil(cible * denominateur) - numerateur)


@dataclass(frozen=True)
class ResultatIndicateur:
    indicateur: Indicateur
    taux: Fraction | None
    cible: Fraction | None  # None: the target does not apply (exemption)
    manque: int

    @property
    def atteint(self) -> bool | None:
        if self.cible is None:
            return None
        return self.taux is not None and self.taux >= self.cible

    @property
    def ecart(self) -> str:
        """"il manque 12 dossiers actifs avec projet personnalisé" (or why it cannot be measured)."""
        if self.taux is None:
            return f"{self.indicateur.libelle} non mesurable ({self.indicateur.denominateur} nul)"
        mot = self.indicateur.singulier if self.manque == 1 else self.indicateur.pluriel
        return f"il manque {self.manque} {mot}"


@dataclass(frozen=True)
class ResultatEssms:
    essms: Essms
    mesures: list[Mesure]
    indicateurs: list[ResultatIndicateur]  # at the latest period; empty when there is no measure

    @property
    def periode(self) -> str | None:
        return texte_mois(self.mesures[-1].fin) if self.mesures else None

    @property
    def atteint(self) -> bool:
        return bool(self.mesures) and all(r.atteint is not False for r in self.indicateurs)

    @property
    def ecarts(self) -> list[str]:
        if not self.mesures:
            return ["aucune mesure"]
        return [r.ecart for r in self.indicateurs if r.atteint is False]


@dataclass(frozen=True)
class SoldeOG:
    organisme: str
    raison_sociale: str
    total: Decimal
    avance: Decimal

    @property
    def montant(self) -> Decimal:
        return self.total - self.avance


@dataclass(frozen=True)
class Solde:
    montant: Decimal  # balance of the project, as financement computes it
    par_organisme: list[SoldeOG]
    sources: list[str]

    @property
    def ecart_arrondi(self) -> Decimal:
        """Project balance − sum of the OG balances (cents of rounding, each advance rounded on its own)."""
        return self.montant - sum((o.montant for o in self.par_organisme), Decimal(0))


@dataclass(frozen=True)
class Resultat:
    projet: Projet
    cibles: list[CibleUsage]
    essms: list[ResultatEssms]
    solde: Solde | None
    solde_inconnu: str | None  # why the balance cannot be computed (campaign without amounts)

    @property
    def bloquants(self) -> list[ResultatEssms]:
        return [r for r in self.essms if not r.atteint]


def _cible(c: CibleUsage) -> Fraction:
    return Fraction(str(c.cible.valeur))


def resultat_essms(essms: Essms, mesures: list[Mesure], cibles: dict[str, CibleUsage]) -> ResultatEssms:
    if not mesures:
        return ResultatEssms(essms, [], [])
    derniere = mesures[-1]
    secteur = essms.info_categorie.secteur if essms.info_categorie else None
    resultats = []
    for ind in INDICATEURS:
        c = cibles[ind.id]
        cible = _cible(c) if c.s_applique(secteur, essms.eligible_sons) else None
        t = taux(derniere, ind)
        m = manque(cible, derniere.comptes[ind.numerateur], derniere.comptes[ind.denominateur]) if cible is not None and t is not None else 0
        resultats.append(ResultatIndicateur(ind, t, cible, m))
    return ResultatEssms(essms, mesures, resultats)


def calculer_solde(projet: Projet, campagne: Campagne) -> Solde:
    """The balance (total − advance) of the project and of each OG, from ``financement``."""
    fin = calculer_financement(projet, campagne)
    par_og = [SoldeOG(o.id, o.raison_sociale, o.total, arrondi(o.total * fin.avance_taux)) for o in fin.organismes]
    return Solde(fin.solde, par_og, fin.sources)


def calculer_usages(projet: Projet, campagne: Campagne, mesures: Mesures) -> Resultat:
    """Verdict per ESSMS (project order), blocking ESSMS, and the solde (None with the reason when unknown)."""
    cibles = {c.id: c for c in cibles_usage(campagne)}
    groupes = mesures.par_essms()
    essms = [resultat_essms(e, groupes.get(_cle(e), []), cibles) for e in projet.essms]
    try:
        solde, inconnu = calculer_solde(projet, campagne), None
    except MontantsInconnus as e:
        solde, inconnu = None, e.message
    return Resultat(projet, list(cibles.values()), essms, solde, inconnu)


def _cle(essms: Essms) -> str:
    return "".join(essms.finess_et.split())
