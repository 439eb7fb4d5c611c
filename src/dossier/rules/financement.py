"""The amounts of a project (rules.md §4–7): lines per ESSMS and per OG, SONS, avance and solde."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..campaigns import Campagne
from ..errors import MontantsInconnus
from ..model import Essms, Organisme, Projet
from .controles import ERREUR, Controle, recevable
from .forfaits import (
    _items_projet,
    forfait_prorate,
    materiel_finance,
    part_ms,
    referencement_effectif,
    sans_mise_a_niveau,
    taux_au_rang,
)
from .guichet import Guichet, TailleOG, _d, arrondi, determiner_guichet, tailles_og


@dataclass
class LigneEssms:
    essms: Essms
    rang: int
    part_ms: Decimal
    usages: Decimal
    logiciel: Decimal
    materiel: Decimal

    @property
    def total(self) -> Decimal:
        return self.usages + self.logiciel + self.materiel


@dataclass
class LigneOG:
    id: str
    raison_sociale: str
    petit: bool | None
    nb_essms: int
    nb_essms_total: int | None
    usages: Decimal = Decimal(0)
    logiciel: Decimal = Decimal(0)
    materiel: Decimal = Decimal(0)
    amoa: Decimal = Decimal(0)
    sad: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.usages + self.logiciel + self.materiel + self.amoa + self.sad


@dataclass
class Sons:
    par_essms: list[tuple[Essms, Decimal]]
    source: str
    avance_taux: Decimal
    nature: str = "indicatif (barème SONS)"  # examples of the SONS scale, never a computed right (issue 21)
    exemple: str = ""  # the 2022 presentation's example(s) the amounts come from

    @property
    def total(self) -> Decimal:
        return sum((m for _, m in self.par_essms), Decimal(0))

    @property
    def avance(self) -> Decimal:
        return arrondi(self.total * self.avance_taux)


@dataclass
class Financement:
    projet: Projet
    campagne: Campagne
    guichet: Guichet
    essms: list[LigneEssms]
    organismes: list[LigneOG]
    alertes: list[Controle]
    sons: Sons | None
    avance_taux: Decimal
    sources: list[str] = field(default_factory=list)
    controles: list[Controle] = field(default_factory=list)  # every recevabilité check (rules.md §10)

    @property
    def recevable(self) -> bool:
        return recevable(self.controles)

    @property
    def controles_en_echec(self) -> list[Controle]:
        """Failed erreur-level checks: what makes the project non recevable."""
        return [c for c in self.controles if c.niveau == ERREUR and not c.ok]

    def _somme(self, poste: str) -> Decimal:
        return sum((getattr(o, poste) for o in self.organismes), Decimal(0))

    @property
    def totaux(self) -> dict[str, Decimal]:
        postes = ("usages", "logiciel", "materiel", "amoa", "sad")
        t = {p: self._somme(p) for p in postes}
        t["total"] = sum(t.values(), Decimal(0))
        return t

    @property
    def avance(self) -> Decimal:
        return arrondi(self.totaux["total"] * self.avance_taux)

    @property
    def solde(self) -> Decimal:
        return self.totaux["total"] - self.avance

    def ligne_og(self, og_id: str) -> LigneOG:
        return next(o for o in self.organismes if o.id == og_id)


def og_du_porteur(projet: Projet) -> Organisme | None:
    """The OG that is the porteur (same FINESS EJ or SIRET), None for e.g. a GCSMS porteur."""
    p = projet.porteur
    return next(
        (og for og in projet.organismes if (p.finess_ej and og.finess_ej == p.finess_ej) or (og.siret and og.siret == p.siret)),
        None,
    )


#: Checks whose findings bear on the amounts (shown by ``financement``).
IDS_MONTANTS = ("essms-eligibles", "referencement-segur", "heures-saad", "amoa-petits-og", "materiel-petits-og",
                "non-cumul", "couts-couverts")


def _montants(projet: Projet, campagne: Campagne) -> Financement:
    """The amounts alone (no recevabilité checks)."""
    ref = referencement_effectif(projet, campagne)
    base = f"forfaits.{projet.type_projet}.{ref}"
    libelle_cas = f"{'une acquisition' if projet.type_projet == 'acquisition' else 'une mise à niveau'} " + {
        "reference": "d'une solution référencée Ségur",
        "en_cours": "d'une solution en cours de référencement Ségur",
        "non_reference": "d'une solution non référencée Ségur",
    }[ref]
    exige = campagne.parametre("referencement.mise_a_niveau_reference_exige")
    if exige is not None and projet.type_projet == "mise_a_niveau" and ref != "reference":
        raise MontantsInconnus(f"la campagne {campagne.annee} ne prévoit pas de forfait pour {libelle_cas} : la solution que "
                               f"l'on fait évoluer doit être référencée ({exige.source} : « {exige.citation} »)")
    p_usages = campagne.exiger(f"{base}.usages", f"forfait usages pour {libelle_cas}")
    p_logiciel = campagne.exiger(f"{base}.logiciel", f"forfait logiciel pour {libelle_cas}")
    p_rang = campagne.exiger("degressivite.rang_dernier_plein", "rang de dégressivité")
    p_avance = campagne.exiger("versements.avance", "part de l'avance")
    p_instruction = campagne.exiger("instruction.date", "date de l'instruction")
    tailles = tailles_og(projet, campagne)
    materiel_ok = {og_id for og_id, t in tailles.items() if t.petit}
    demande_materiel = any(e.materiel for e in projet.essms)
    p_plafond = campagne.exiger("petits_og.materiel_plafond", "plafond du matériel") if demande_materiel else None

    lignes = []
    for rang, e in enumerate(projet.essms, start=1):
        if sans_mise_a_niveau(projet, e):  # rules.md §2 non-cumul: no mise à niveau funding
            usages = logiciel = Decimal(0)
        else:
            usages = forfait_prorate(taux_au_rang(rang, p_usages.valeur, p_rang.valeur), e)
            logiciel = forfait_prorate(taux_au_rang(rang, p_logiciel.valeur, p_rang.valeur), e)
        materiel = materiel_finance(e, _d(p_plafond.valeur)) if p_plafond and e.organisme in materiel_ok else Decimal(0)
        lignes.append(LigneEssms(e, rang, part_ms(e), usages, logiciel, materiel))

    og_lignes = []
    for og in projet.organismes:
        t = tailles[og.id]
        ligne = LigneOG(og.id, og.raison_sociale, t.petit, t.nb_essms, og.nb_essms_total)
        for le in lignes:
            if le.essms.organisme == og.id:
                ligne.usages += le.usages
                ligne.logiciel += le.logiciel
                ligne.materiel += le.materiel
        og_lignes.append(ligne)

    amoa, sad, sources_items = _items_projet(projet, campagne, tailles)
    if amoa or sad:
        porteur = og_du_porteur(projet)
        if porteur is None:
            ligne = LigneOG("porteur", projet.porteur.raison_sociale, None, 0, None)
            og_lignes.append(ligne)
        else:
            ligne = next(o for o in og_lignes if o.id == porteur.id)
        ligne.amoa, ligne.sad = amoa, sad

    sons = _sons(projet, campagne, tailles) if projet.type_projet == "mise_a_niveau" else None
    sources = [p_instruction.source, p_usages.source, p_logiciel.source, p_rang.source, p_avance.source]
    sources += [p_plafond.source] if p_plafond else []
    sources += sources_items + ([sons.source] if sons else [])
    return Financement(
        projet, campagne, determiner_guichet(projet, campagne), lignes, og_lignes, [], sons,
        _d(p_avance.valeur), list(dict.fromkeys(sources)),
    )


def _sons(projet: Projet, campagne: Campagne, tailles: dict[str, TailleOG]) -> Sons:
    normal = campagne.exiger("sons.prestation_segur", "Prestation Ségur SONS par ESSMS")
    petit = campagne.exiger("sons.prestation_segur_petit_og", "Prestation Ségur SONS (petit OG)")
    avance = campagne.exiger("sons.avance_editeur", "avance SONS à l'éditeur")
    par = [(e, _d(petit.valeur if tailles[e.organisme].petit else normal.valeur))
           for e in projet.essms if not sans_mise_a_niveau(projet, e)]
    from .cumul import exemple_sons

    return Sons(par, normal.source, _d(avance.valeur), campagne.valeur("sons.nature", "indicatif (barème SONS)"),
                exemple_sons(campagne, [tailles[e.organisme].petit for e, _ in par]))
