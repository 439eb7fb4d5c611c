"""One row of the portfolio: what ``dossier`` knows of one project, and the next action in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..campaigns import Campagne, charger_campagne
from ..errors import DossierError, MontantsInconnus, ProjetInvalide
from ..francais import date_courte
from ..model import Projet
from ..rules import ALERTE, ERREUR, determiner_guichet, verifier_recevabilite
from .decouverte import EntreeProjet

# statuses, from the most to the least urgent (sort order of --trier statut)
ILLISIBLE = "fichier illisible"
INVALIDE = "invalide"
NON_RECEVABLE = "non recevable"
ECHEANCE_DEPASSEE = "échéance dépassée"
PIECES_MANQUANTES = "pièces manquantes"
SOLDE_BLOQUE = "solde bloqué"
A_SIGNER = "à signer"
A_COMPLETER = "à compléter"
A_DEPOSER = "à déposer"
SOLDE_A_DEMANDER = "solde à demander"
STATUTS = (ILLISIBLE, INVALIDE, NON_RECEVABLE, ECHEANCE_DEPASSEE, PIECES_MANQUANTES, SOLDE_BLOQUE, A_SIGNER,
           A_COMPLETER, A_DEPOSER, SOLDE_A_DEMANDER)
#: Statuses that make ``dossier portefeuille`` exit 1 (a problem that stops the project's next step).
CHAMP_ABSENT = "champ obligatoire absent"  # model.py's message for a missing field
BLOQUANTS = frozenset({ILLISIBLE, INVALIDE, NON_RECEVABLE, ECHEANCE_DEPASSEE, PIECES_MANQUANTES, SOLDE_BLOQUE})


@dataclass
class LignePortefeuille:
    fichier: str
    statut: str = ILLISIBLE
    prochaine_action: str = ""
    intitule: str | None = None
    porteur: str | None = None
    region: str | None = None
    campagne: str | None = None
    nb_essms: int | None = None
    valide: bool = False
    problemes: int = 0
    recevable: bool | None = None
    erreurs_recevabilite: int = 0
    alertes_recevabilite: int = 0
    guichet: str | None = None
    aide_totale: Decimal | None = None
    avance: Decimal | None = None
    solde: Decimal | None = None
    montants_inconnus: str | None = None
    date_depot: dt.date | None = None
    echeance: dt.date | None = None
    jours_restants: int | None = None
    depot: bool = False
    pieces_manquantes: list[str] | None = None
    pieces_invalides: list[str] | None = None
    a_signer: list[str] | None = None
    essms_bloquants: list[str] | None = None
    derniere_periode: str | None = None
    erreur_mesures: str | None = None
    champs_a_completer: int = 0
    erreur: str | None = None
    chemin: Path | None = field(default=None, repr=False)

    @property
    def bloquant(self) -> bool:
        return self.statut in BLOQUANTS


#: ``01/03/2024``: the French short date of ``francais`` (the name kept for ``classeur`` and the CLI).
date_fr = date_courte


def _pluriel(n: int, singulier: str, pluriel: str) -> str:
    return f"{n} {singulier if n == 1 else pluriel}"


def analyser_projet(entree: EntreeProjet, aujourdhui: dt.date | None = None) -> LignePortefeuille:
    """The row of one project; never raises for a bad file (the row carries the error)."""
    aujourdhui = aujourdhui or dt.date.today()
    ligne = LignePortefeuille(entree.fichier, chemin=entree.chemin)
    try:
        projet = entree.projet or _charger(entree, ligne)
        if projet is not None:
            _remplir(ligne, projet, entree, aujourdhui)
    except DossierError as e:
        ligne.statut, ligne.erreur = ILLISIBLE, e.message
    except Exception as e:  # noqa: BLE001 - one bad project never stops the table
        ligne.statut, ligne.erreur = ILLISIBLE, f"erreur inattendue : {type(e).__name__} : {e}"
    if ligne.statut == ILLISIBLE:
        ligne.prochaine_action = f"rendre le fichier lisible : {ligne.erreur}"
    return ligne


def _charger(entree: EntreeProjet, ligne: LignePortefeuille) -> Projet | None:
    """The project, or None with the row filled as invalid (problems counted, raw fields shown)."""
    from ..fiche import charger_projet_ou_fiche

    try:
        return charger_projet_ou_fiche(entree.chemin)
    except ProjetInvalide as e:
        brutes = _donnees_brutes(entree.chemin)
        if brutes is None:  # not even readable as JSON or as a workbook
            ligne.statut, ligne.erreur = ILLISIBLE, str(e.problemes[0]) if e.problemes else e.message
            return None
        ligne.statut, ligne.problemes = INVALIDE, len(e.problemes)
        _champs_bruts(ligne, brutes)
        absents = sum(p.message.startswith(CHAMP_ABSENT) for p in e.problemes)
        parties = ([f"compléter {_pluriel(absents, 'champ', 'champs')}"] if absents else []) + (
            [f"corriger {_pluriel(len(e.problemes) - absents, 'problème', 'problèmes')}"]
            if len(e.problemes) > absents else [])
        ligne.prochaine_action = f"{' et '.join(parties)} (dossier validate)"
        return None


def _donnees_brutes(chemin: Path) -> dict | None:
    from ..fiche import est_fiche

    try:
        if est_fiche(chemin):
            from ..fiche import lire_classeur

            return lire_classeur(chemin).donnees
        from ..lecture import TAILLE_MAX_PROJET, lire_octets
        from ..model import lire_json

        donnees = lire_json(lire_octets(chemin, TAILLE_MAX_PROJET).decode("utf-8-sig"), str(chemin))
        return donnees if isinstance(donnees, dict) else None
    except (DossierError, OSError, ValueError):
        return None


def _champs_bruts(ligne: LignePortefeuille, d: dict) -> None:
    """Identity fields of an invalid project, as typed (each only when it has the right shape)."""
    texte = lambda v: v.strip() if isinstance(v, str) and v.strip() else None  # noqa: E731
    porteur = d.get("porteur") if isinstance(d.get("porteur"), dict) else {}
    ligne.intitule, ligne.porteur = texte(d.get("intitule")), texte(porteur.get("raison_sociale"))
    ligne.region, ligne.campagne = texte(porteur.get("region")), texte(str(d.get("campagne") or ""))
    ligne.nb_essms = len(d["essms"]) if isinstance(d.get("essms"), list) else None


def _remplir(ligne: LignePortefeuille, projet: Projet, entree: EntreeProjet, aujourdhui: dt.date) -> None:
    from ..squelette import a_completer

    campagne = charger_campagne(projet.campagne)
    guichet = determiner_guichet(projet, campagne)
    ligne.valide, ligne.intitule, ligne.porteur = True, projet.intitule, projet.porteur.raison_sociale
    ligne.region = projet.porteur.region or (guichet.ars or (guichet.regions[0] if guichet.regions else None))
    ligne.campagne, ligne.nb_essms, ligne.guichet = projet.campagne, len(projet.essms), guichet.guichet
    ligne.date_depot = projet.depot.date
    cloture = campagne.parametre(f"calendrier.{guichet.cle_calendrier}.cloture")
    if cloture is not None:
        ligne.echeance = cloture.valeur
        ligne.jours_restants = (cloture.valeur - aujourdhui).days
    controles = _montants(ligne, projet, campagne, aujourdhui)
    echecs = [c for c in controles if not c.ok]
    ligne.erreurs_recevabilite = sum(c.niveau == ERREUR for c in echecs)
    ligne.alertes_recevabilite = sum(c.niveau == ALERTE for c in echecs)
    ligne.recevable = ligne.erreurs_recevabilite == 0
    ligne.champs_a_completer = len(a_completer(projet))
    if entree.depot is not None:
        _pieces(ligne, projet, entree)
    if entree.mesures is not None:
        _usages(ligne, projet, campagne, entree.mesures)
    ligne.statut, ligne.prochaine_action = prochaine_action(ligne, projet, [c for c in echecs if c.niveau == ERREUR],
                                                            aujourdhui)


def _montants(ligne: LignePortefeuille, projet: Projet, campagne: Campagne, aujourdhui: dt.date):
    from ..rules import calculer_financement

    try:
        fin = calculer_financement(projet, campagne, aujourdhui)
    except MontantsInconnus as e:  # campaign with guichet and calendar only: amounts refused, not guessed
        ligne.montants_inconnus = e.message
        return verifier_recevabilite(projet, campagne, aujourdhui)
    ligne.aide_totale, ligne.avance, ligne.solde = fin.totaux["total"], fin.avance, fin.solde
    return fin.controles


def _pieces(ligne: LignePortefeuille, projet: Projet, entree: EntreeProjet) -> None:
    """Missing pieces and pieces to sign, from the checklist of the project's ``depot/`` folder."""
    from .. import checklist
    from ..profiles import charger_profil

    resultat = checklist.verifier_dossier(entree.depot, charger_profil(projet.depot.profil), projet,
                                          projet_dir=entree.chemin.parent if entree.chemin else None)
    statut_a_signer = getattr(checklist, "A_SIGNER", None)  # status added by the signature work, if present
    ligne.depot = True
    ligne.pieces_manquantes = [e.piece.libelle for e in resultat.pieces if e.requis and e.statut == checklist.MANQUANT]
    ligne.pieces_invalides = [e.piece.libelle for e in resultat.pieces if e.statut == checklist.INVALIDE]
    ligne.a_signer = [e.piece.libelle for e in resultat.pieces
                      if (statut_a_signer is not None and e.statut == statut_a_signer)
                      or (e.piece.signee and e.fichiers
                          and all(f.suffix.lower() in checklist.EXTENSIONS_MODIFIABLES for f in e.fichiers))]


def _usages(ligne: LignePortefeuille, projet: Projet, campagne: Campagne, mesures: Path) -> None:
    from ..usages.indicateurs import calculer_usages
    from ..usages.mesures import lire_mesures

    try:
        resultat = calculer_usages(projet, campagne, lire_mesures(mesures, projet))
    except DossierError as e:
        n = len(getattr(e, "problemes", []) or [])
        ligne.erreur_mesures = f"{mesures.name} : {e.message}" + (f" ({_pluriel(n, 'problème', 'problèmes')})" if n else "")
        return
    ligne.essms_bloquants = [r.essms.finess_et for r in resultat.bloquants]
    periodes = [r.periode for r in resultat.essms if r.periode]
    ligne.derniere_periode = max(periodes) if periodes else None


def _lettres_a_signer(ligne: LignePortefeuille, projet: Projet) -> str:
    """« faire signer la lettre de l'OG Tilleuls » / « faire signer : Convention… »."""
    parties = []
    for libelle in ligne.a_signer or []:
        if libelle.lower().startswith("lettre d'engagement"):
            noms = [og.raison_sociale for og in projet.organismes]
            parties.append(f"la lettre de l'OG {noms[0]}" if len(noms) == 1
                           else f"les lettres des OG {', '.join(noms)}")
        else:
            parties.append(f"« {libelle} »")
    return "faire signer " + " et ".join(parties)


def prochaine_action(ligne: LignePortefeuille, projet: Projet, erreurs: list, aujourdhui: dt.date) -> tuple[str, str]:
    """(statut, next action in words) of a valid project, the most urgent first."""
    if erreurs:
        return NON_RECEVABLE, (f"lever {_pluriel(len(erreurs), 'erreur', 'erreurs')} de recevabilité : "
                               f"{erreurs[0].message}")
    if ligne.erreur_mesures:
        return SOLDE_BLOQUE, f"corriger le fichier de mesures : {ligne.erreur_mesures}"
    if ligne.essms_bloquants:
        return SOLDE_BLOQUE, f"{_pluriel(len(ligne.essms_bloquants), 'ESSMS sous les cibles', 'ESSMS sous les cibles')} d'usage"
    if ligne.essms_bloquants is not None:  # measured, every target met
        return SOLDE_A_DEMANDER, f"demander le solde (cibles atteintes en {ligne.derniere_periode})"
    depose = ligne.date_depot is not None and ligne.echeance is not None and ligne.date_depot <= aujourdhui
    if ligne.echeance is not None and aujourdhui > ligne.echeance and not depose:
        return ECHEANCE_DEPASSEE, (f"échéance dépassée depuis le {date_fr(ligne.echeance)} : "
                                   "viser la fenêtre de dépôt de la campagne suivante")
    if depose:
        return SOLDE_A_DEMANDER, "mesurer les usages (mesures.csv) pour demander le solde"
    if ligne.pieces_manquantes or ligne.pieces_invalides:
        parties = [f"{verbe} {_pluriel(len(liste), 'pièce', 'pièces')} : {', '.join(liste)}"
                   for verbe, liste in (("ajouter", ligne.pieces_manquantes), ("corriger", ligne.pieces_invalides))
                   if liste]
        return PIECES_MANQUANTES, " ; ".join(parties)
    if ligne.a_signer:
        return A_SIGNER, _lettres_a_signer(ligne, projet)
    if ligne.champs_a_completer:
        return A_COMPLETER, f"compléter {_pluriel(ligne.champs_a_completer, 'champ', 'champs')}"
    avant = f" avant le {date_fr(ligne.echeance)}" if ligne.echeance else ""
    if not ligne.depot:
        return A_DEPOSER, f"générer les pièces (dossier render) et déposer{avant}"
    return A_DEPOSER, f"déposer{avant}"
