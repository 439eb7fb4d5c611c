"""Rules of the programme ESMS numérique (rules.md): pure functions over a project and a campaign.

Recevabilité (§2), guichet (§3), forfaits with degressivity (§4), small OG items (§5), SAAD
proration (§6), advance/balance and SONS (§7). Every amount comes from the campaign data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import identifiers as ids
from .campaigns import Campagne
from .errors import MontantsInconnus
from .model import Essms, Organisme, Projet
from .render.formatting import date_longue, montant

CENT = Decimal("0.01")
ERREUR, ALERTE = "erreur", "alerte"


def arrondi(montant: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return montant.quantize(CENT, rounding=ROUND_HALF_UP)


def _d(valeur) -> Decimal:
    return Decimal(str(valeur))


# --------------------------------------------------------------------------- guichet (§3)


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
    return Guichet(regs, g, ars_pivot(projet) if g == "regional" else None)


# --------------------------------------------------------------------------- small OG (§5)


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


# --------------------------------------------------------------------------- forfaits (§4, §6)


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


# --------------------------------------------------------------------------- financement


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


def referencement_effectif(projet: Projet, campagne: Campagne) -> str:
    """The referencing that sets the forfaits: a GHT's DPI under the exception counts as référencé."""
    if exception_ght(projet, campagne) and not conditions_ght_manquantes(projet):
        return "reference"
    return projet.solution.referencement_segur


def calculer_financement(projet: Projet, campagne: Campagne, aujourdhui: dt.date | None = None) -> Financement:
    """Forfaits, small-OG items, totals, advance/balance. Raises MontantsInconnus rather than guess."""
    fin = _montants(projet, campagne)
    fin.controles = verifier_recevabilite(projet, campagne, aujourdhui, montants=fin)
    fin.alertes = [c for c in fin.controles if c.id in IDS_MONTANTS and not c.ok]
    return fin


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


def _sons(projet: Projet, campagne: Campagne, tailles: dict[str, TailleOG]) -> Sons:
    normal = campagne.exiger("sons.prestation_segur", "Prestation Ségur SONS par ESSMS")
    petit = campagne.exiger("sons.prestation_segur_petit_og", "Prestation Ségur SONS (petit OG)")
    avance = campagne.exiger("sons.avance_editeur", "avance SONS à l'éditeur")
    par = [(e, _d(petit.valeur if tailles[e.organisme].petit else normal.valeur))
           for e in projet.essms if not sans_mise_a_niveau(projet, e)]
    return Sons(par, normal.source, _d(avance.valeur))


def amoa_demandee(projet: Projet) -> bool:
    g = projet.gouvernance
    return bool(g and g.amoa and g.amoa.financement_demande)


def sad_conditions(projet: Projet) -> bool:
    return projet.type_projet == "acquisition" and projet.solution.mise_en_concurrence == "sad"


# --------------------------------------------------------------------------- recevabilité (§2)


@dataclass(frozen=True)
class Controle:
    id: str
    niveau: str  # "erreur" or "alerte": the level of the finding (nominal level when ok)
    ok: bool
    message: str
    essms: tuple[str, ...] = ()

    def json(self) -> dict:
        return {"id": self.id, "niveau": self.niveau, "ok": self.ok, "message": self.message, "essms": list(self.essms)}


def _ok(id_: str, message: str, niveau: str = ERREUR) -> Controle:
    return Controle(id_, niveau, True, message)


def _noms(essms: list[Essms]) -> str:
    return ", ".join(f"{e.nom} ({e.finess_et})" for e in essms)


def accord(n: int, singulier: str, pluriel: str) -> str:
    """``accord(1, "ESSMS relève", "ESSMS relèvent")`` -> ``1 ESSMS relève``; 2 -> ``2 ESSMS relèvent``."""
    return f"{n} {singulier if n <= 1 else pluriel}"


def _ajouter_mois(date: dt.date, mois: int) -> dt.date:
    m = date.month - 1 + mois
    annee, mois_ = date.year + m // 12, m % 12 + 1
    for jour in range(date.day, 27, -1):
        try:
            return dt.date(annee, mois_, jour)
        except ValueError:
            continue
    return dt.date(annee, mois_, min(date.day, 28))


def c_essms_eligibles(projet: Projet, campagne: Campagne) -> Controle:
    inconnues = [e for e in projet.essms if e.info_categorie is None and not e.eligibilite_confirmee]
    confirmees = [e for e in projet.essms if e.info_categorie is None and e.eligibilite_confirmee]
    exclues = [e for e in projet.essms if e.info_categorie is not None and not e.info_categorie.eligible]
    if exclues or inconnues:
        parts = []
        if exclues:
            parts.append("catégories non éligibles (sanitaire, USLD) : " + "; ".join(
                f"{e.nom} ({e.finess_et}, catégorie {e.categorie} {e.info_categorie.libelle})" for e in exclues))
        if inconnues:
            parts.append("catégories absentes de la table des ESSMS (confirmer avec eligibilite_confirmee) : " + "; ".join(
                f"{e.nom} ({e.finess_et}, catégorie {e.categorie})" for e in inconnues))
        return Controle("essms-eligibles", ERREUR, False, " ; ".join(parts), tuple(e.finess_et for e in exclues + inconnues))
    if confirmees:
        return Controle("essms-eligibles", ALERTE, False,
                        "éligibilité confirmée par le porteur pour des catégories hors table : " + "; ".join(
                            f"{e.nom} ({e.finess_et}, catégorie {e.categorie})" for e in confirmees),
                        tuple(e.finess_et for e in confirmees))
    n = len(projet.essms)
    return _ok("essms-eligibles", f"{accord(n, 'ESSMS relève', 'ESSMS relèvent')} de catégories éligibles")


def c_taille_minimale(projet: Projet, campagne: Campagne, niveau: str = ERREUR) -> Controle:
    outre_mer = all(ids.corse_ou_outre_mer(e.finess_et) for e in projet.essms)
    p = campagne.parametre("taille_minimale.essms_corse_outre_mer" if outre_mer else "taille_minimale.essms")
    n = len(projet.essms)
    if p is None:
        return Controle("taille-minimale", ALERTE, False, f"non vérifiable : la campagne {campagne.annee} ne fixe pas de taille minimale dans les données")
    lieu = " (Corse ou outre-mer)" if outre_mer else ""
    if n < p.valeur:
        return Controle("taille-minimale", niveau, False, f"{n} ESSMS : le minimum est de {p.valeur} ESSMS{lieu}")
    return _ok("taille-minimale", f"{n} ESSMS (minimum {p.valeur}{lieu})", niveau)


def c_nouvelle_operation(projet: Projet, campagne: Campagne) -> Controle:
    signe = projet.solution.contrat_editeur_date
    p = campagne.parametre("instruction.date")
    if projet.type_projet != "acquisition":
        return _ok("nouvelle-operation", "sans objet pour une mise à niveau")
    if signe is None:
        return _ok("nouvelle-operation", "contrat éditeur non encore signé")
    if p is not None and signe < p.valeur:
        return Controle("nouvelle-operation", ERREUR, False,
                        f"contrat éditeur signé le {date_longue(signe)}, avant l'instruction du {date_longue(p.valeur)} ({p.source}) : l'opération n'est pas nouvelle")
    return _ok("nouvelle-operation", f"contrat éditeur signé le {date_longue(signe)}, après l'instruction de la campagne")


def _anterieurs(id_: str, attribut: str, financement: str):
    def controle(projet: Projet, campagne: Campagne) -> Controle:
        fautifs = [e for e in projet.essms if getattr(e.financements_anterieurs, attribut)]
        if fautifs:
            return Controle(id_, ERREUR, False, f"ESSMS ayant déjà reçu {financement} : {_noms(fautifs)}",
                            tuple(e.finess_et for e in fautifs))
        return _ok(id_, f"aucun ESSMS n'a déjà reçu {financement}")
    return controle


c_fonds_europeens = _anterieurs("fonds-europeens", "europeen", "des fonds européens (FEDER, FSE…) pour cette opération")
c_esms_numerique_anterieur = _anterieurs("esms-numerique-anterieur", "esms_numerique", "un financement ESMS numérique")
c_sons_autre_solution = _anterieurs("sons-autre-solution", "sons_autre_solution", "un financement SONS pour un autre logiciel")


def c_solution_unique(projet: Projet, campagne: Campagne) -> Controle:
    cible = projet.solution.logiciel.strip().casefold()
    if projet.type_projet == "mise_a_niveau":
        autres = [e for e in projet.essms if e.logiciel_actuel and e.logiciel_actuel.strip().casefold() != cible]
        if autres:
            return Controle("solution-unique", ERREUR, False,
                            f"mise à niveau : ces ESSMS n'utilisent pas aujourd'hui {projet.solution.logiciel} : "
                            + "; ".join(f"{e.nom} ({e.finess_et}, {e.logiciel_actuel})" for e in autres),
                            tuple(e.finess_et for e in autres))
    return _ok("solution-unique", f"une solution unique pour tous les ESSMS : {projet.solution.logiciel}")


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
    if ref == "en_cours":
        return Controle("referencement-segur", ALERTE, False,
                        "référencement Ségur en cours : il doit être obtenu avant le début du paramétrage")
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


def c_entite_nationale(projet: Projet, campagne: Campagne) -> Controle:
    sans = [og for og in projet.organismes if og.entite_nationale and not og.entite_nationale.autorisation]
    if sans:
        return Controle("entite-nationale", ERREUR, False, "autorisation écrite de l'entité nationale manquante : " + "; ".join(
            f"{og.raison_sociale} ({og.entite_nationale.nom})" for og in sans))
    return _ok("entite-nationale", "aucun organisme rattaché à une entité nationale sans autorisation")


def c_heures_saad(projet: Projet, campagne: Campagne) -> Controle:
    attendue = int(campagne.annee) - 1
    decalees = [e for e in projet.essms if e.heures_saad and e.heures_saad.annee != attendue]
    if decalees:
        return Controle("heures-saad", ALERTE, False, f"heures déclarées pour une autre année que {attendue} (N-1) : "
                        + "; ".join(f"{e.nom} ({e.heures_saad.annee})" for e in decalees), tuple(e.finess_et for e in decalees))
    n = sum(1 for e in projet.essms if e.heures_saad)
    return _ok("heures-saad", f"{accord(n, 'déclaration', 'déclarations')} d'heures SAAD de l'année {attendue}" if n
               else "aucun service d'aide à domicile")


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
        return Controle("materiel-petits-og", ALERTE, False, "projet national : le matériel des petits OG est apprécié au cas par cas")
    non_declares = _taille_non_declaree(projet, tailles, dict.fromkeys(e.organisme for e in avec))
    if non_declares:
        return Controle("materiel-petits-og", ALERTE, False, "taille comptée sur le projet seul (nb_essms_total non déclaré) : "
                        + ", ".join(non_declares))
    return _ok("materiel-petits-og", f"matériel demandé pour {len(avec)} ESSMS de petits OG, avec devis")


def c_duree_indicative(projet: Projet, campagne: Campagne) -> Controle:
    if determiner_guichet(projet, campagne).guichet == "national":
        return _ok("duree-indicative", "sans objet pour un projet national", ALERTE)
    cle = "durees.acquisition_mois" if projet.type_projet == "acquisition" else "durees.mise_a_niveau_mois"
    mois = campagne.valeur(cle, 18 if projet.type_projet == "acquisition" else 9)
    pl = projet.planning
    if not pl or not pl.debut or not pl.fin_deploiement:
        return Controle("duree-indicative", ALERTE, False, "non vérifiable : planning.debut et planning.fin_deploiement non renseignés")
    limite = _ajouter_mois(pl.debut, mois)
    if pl.fin_deploiement > limite:
        return Controle("duree-indicative", ALERTE, False,
                        f"fin du déploiement le {date_longue(pl.fin_deploiement)} : au-delà de la durée indicative de {mois} mois ({date_longue(limite)})")
    return _ok("duree-indicative", f"déploiement terminé dans la durée indicative de {mois} mois", ALERTE)


def c_calendrier(projet: Projet, campagne: Campagne, aujourdhui: dt.date) -> Controle:
    g = determiner_guichet(projet, campagne)
    ouverture = campagne.parametre(f"calendrier.{g.cle_calendrier}.ouverture")
    cloture = campagne.parametre(f"calendrier.{g.cle_calendrier}.cloture")
    libelle = {"regional": "régional", "multiregional": "régional multirégional", "national": "national"}[g.cle_calendrier]
    if ouverture is None or cloture is None:
        return Controle("calendrier", ALERTE, False, f"non vérifiable : pas de fenêtre de dépôt connue pour le guichet {libelle} de la campagne {campagne.annee}")
    fenetre = (f"fenêtre de dépôt du guichet {libelle}, du {date_longue(ouverture.valeur)} au {date_longue(cloture.valeur)} "
               f"({ouverture.source})")
    date = projet.depot.date
    if date is not None:
        if not ouverture.valeur <= date <= cloture.valeur:
            return Controle("calendrier", ERREUR, False, f"dépôt prévu le {date_longue(date)}, hors de la {fenetre}")
        return _ok("calendrier", f"dépôt prévu le {date_longue(date)}, dans la {fenetre}")
    if not ouverture.valeur <= aujourdhui <= cloture.valeur:
        return Controle("calendrier", ALERTE, False,
                        f"date de dépôt non renseignée : aujourd'hui ({date_longue(aujourdhui)}) est hors de la {fenetre}")
    return Controle("calendrier", ALERTE, False,
                    f"date de dépôt non renseignée : jugé sur la date du jour ({date_longue(aujourdhui)}), dans la {fenetre}")


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


def c_regroupement_initial(projet: Projet, campagne: Campagne) -> Controle:
    r = projet.regroupement_initial
    if r is None:
        return _ok("regroupement-initial", "sans objet : le projet ne rejoint pas un regroupement déjà financé", ALERTE)
    return Controle(
        "regroupement-initial", ALERTE, False,
        f"le projet rejoint le regroupement « {r.nom} » (convention du {date_longue(r.convention_date)}) : sous le minimum "
        "d'ESSMS, il pourra être recevable aux conditions cumulatives appréciées par l'ARS : un élargissement régulier au "
        "regard du contrat ou du marché public du regroupement initial, et sans risque excessif pour son projet "
        "(délais, atteinte des cibles d'usage de chaque ESSMS)")


def c_non_cumul(projet: Projet, campagne: Campagne) -> Controle:
    if projet.type_projet != "mise_a_niveau":
        return _ok("non-cumul", "sans objet pour une acquisition")
    installees = [e for e in projet.essms if sans_mise_a_niveau(projet, e)]
    if installees:
        return Controle("non-cumul", ERREUR, False,
                        "version Ségur déjà installée : pas de financement de mise à niveau pour " + _noms(installees),
                        tuple(e.finess_et for e in installees))
    return _ok("non-cumul", "aucun ESSMS n'a déjà la version Ségur installée")


def cout_total(couts) -> Decimal:
    """Project costs: postes, plus rh lines over their years (ressources_autres excluded)."""
    if couts is None:
        return Decimal(0)
    postes = sum((p.montant for p in couts.postes or []), Decimal(0))
    return postes + sum((r.cout_annuel * len(r.annees) for r in couts.rh or []), Decimal(0))


def ressources_autres(couts) -> Decimal:
    return sum((r.montant for r in (couts.ressources_autres or [] if couts else [])), Decimal(0))


def parts_autofinancement(projet: Projet) -> tuple[list[tuple[str, Decimal]], str]:
    """Share of the self-financing of each OG (id, fraction) and the rule that gives it (contract.md):
    ``couts.repartition_autofinancement`` when given, else the OG's number of ESSMS."""
    c = projet.couts
    if c and c.repartition_autofinancement:
        return ([(p.organisme, Decimal(p.part)) for p in c.repartition_autofinancement],
                "selon la répartition arrêtée entre les organismes")
    compte = Counter(e.organisme for e in projet.essms)
    return ([(og.id, Decimal(compte[og.id]) / len(projet.essms)) for og in projet.organismes if compte[og.id]],
            "au prorata du nombre d'ESSMS de chaque organisme")


def repartir(montant: Decimal, parts: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """``montant`` split by ``parts`` to the cent; the last share takes the rounding rest."""
    lignes, reparti = [], Decimal(0)
    for n, (cle, part) in enumerate(parts, start=1):
        somme = montant - reparti if n == len(parts) else arrondi(montant * part)
        reparti += somme
        lignes.append((cle, somme))
    return lignes


def c_couts_couverts(projet: Projet, campagne: Campagne, fin: Financement | None) -> Controle:
    """Every aid item requested has its cost, and the aid does not exceed the costs (rules.md §2)."""
    if fin is None:
        return Controle("couts-couverts", ALERTE, False, f"non vérifiable : montants de la campagne {campagne.annee} non renseignés")
    c = projet.couts
    if c is None or not (c.postes or c.rh):
        return Controle("couts-couverts", ALERTE, False, "non vérifiable : coûts du projet non renseignés (couts.postes, couts.rh)")
    natures = {p.nature for p in c.postes or []}
    t = fin.totaux
    attendus = {
        "logiciel": (t["logiciel"] > 0, "logiciel" in natures, "postes de nature « logiciel »"),
        "matériel": (any(e.materiel for e in projet.essms), "materiel" in natures, "postes de nature « materiel »"),
        "pilotage / AMOA": (amoa_demandee(projet), bool({"amoa"} & natures or c.rh), "postes « amoa » ou lignes couts.rh"),
        "SAD": (projet.sad_demande, bool({"prestations", "amoa"} & natures), "postes « prestations » ou « amoa »"),
    }
    manques = [f"{aide} demandé sans coût correspondant ({ou})" for aide, (demande, couvert, ou) in attendus.items()
               if demande and not couvert]
    cout = cout_total(c)
    if t["total"] > cout:
        manques.append(f"aides supérieures aux coûts : {montant(t['total'])} d'aides pour {montant(cout)} de coûts")
    if manques:
        return Controle("couts-couverts", ALERTE, False, " ; ".join(manques))
    return _ok("couts-couverts", f"chaque aide demandée a ses coûts ; aides ({montant(t['total'])}) dans la limite des coûts "
               f"({montant(cout)})", ALERTE)


def c_organismes_sans_essms(projet: Projet, campagne: Campagne) -> Controle:
    vides = [og.raison_sociale for og in projet.organismes if not projet.essms_de(og.id)]
    if vides:
        return Controle("organisme-sans-essms", ALERTE, False, "organismes sans ESSMS dans le projet : " + ", ".join(vides))
    return _ok("organisme-sans-essms", "chaque organisme apporte au moins un ESSMS", ALERTE)


def niveau_taille_minimale(projet: Projet) -> str:
    """Level of ``taille-minimale``: the profile's, alerte when the project joins a financed grouping."""
    from .profil_projet import profil_du_projet

    return ALERTE if projet.regroupement_initial else profil_du_projet(projet).taille_minimale_niveau


def verifier_recevabilite(projet: Projet, campagne: Campagne, aujourdhui: dt.date | None = None,
                          niveau_taille: str | None = None, montants: Financement | None = None) -> list[Controle]:
    """Every recevabilité check of rules.md §2, in the order of the table.

    ``niveau_taille`` overrides the level of ``taille-minimale`` (default: ``niveau_taille_minimale``);
    ``montants`` are the project's amounts when already computed (``couts-couverts``).
    """
    aujourdhui = aujourdhui or dt.date.today()
    if montants is None:
        try:
            montants = _montants(projet, campagne)
        except MontantsInconnus:
            montants = None
    controles = [
        c_essms_eligibles(projet, campagne),
        c_taille_minimale(projet, campagne, niveau_taille or niveau_taille_minimale(projet)),
        _ok("finess-geographiques", f"{accord(len(projet.essms), 'FINESS géographique valide', 'FINESS géographiques valides et distincts')} (contrôlé à la lecture du projet)"),
        _ok("siret-porteur", "SIRET du porteur valide (contrôlé à la lecture du projet)"),
        c_nouvelle_operation(projet, campagne),
        c_fonds_europeens(projet, campagne),
        c_esms_numerique_anterieur(projet, campagne),
        c_sons_autre_solution(projet, campagne),
        c_solution_unique(projet, campagne),
        c_referencement_segur(projet, campagne),
        c_entite_nationale(projet, campagne),
        c_heures_saad(projet, campagne),
        c_amoa_petits_og(projet, campagne),
        c_materiel_petits_og(projet, campagne),
        c_duree_indicative(projet, campagne),
        c_calendrier(projet, campagne, aujourdhui),
        c_dpi_ght(projet, campagne),
        c_regroupement_initial(projet, campagne),
        c_non_cumul(projet, campagne),
        c_couts_couverts(projet, campagne, montants),
        c_organismes_sans_essms(projet, campagne),
        _coherence(projet, campagne),
    ]
    return [c for resultat in controles for c in (resultat if isinstance(resultat, list) else [resultat])]


def _coherence(projet: Projet, campagne: Campagne) -> list[Controle]:
    from .coherence import controles_coherence  # deposit profile and CNSA milestones

    return controles_coherence(projet, campagne)


def recevable(controles: list[Controle]) -> bool:
    return not any(c.niveau == ERREUR and not c.ok for c in controles)
