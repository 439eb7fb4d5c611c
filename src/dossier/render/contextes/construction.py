"""One Jinja context for every Word piece of a dossier, built once from its parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ...campaigns import cibles_usage
from ...francais import ESPACE_INSECABLE, date_longue, pourcentage
from ...model import Projet
from ...profiles import Profil
from ...rules import Financement, ars_pivot
from .commun import POINTILLES, ContexteRendu, _lignes, _nettoyer_tout, _present
from .financement import ContexteFinancement
from .francais import premiere_majuscule
from .gouvernance import ContexteGouvernance
from .note import ContexteNote
from .parties import ContexteParties
from .strategie import ContexteStrategie

TYPES_PROJET = {
    "acquisition": "acquisition d'une solution de dossier usager informatisé (DUI) référencée Ségur",
    "mise_a_niveau": "mise à niveau de la solution DUI en place vers une version référencée Ségur",
}
#: Titles of the pieces whose wording depends on the call (the profile's label is used when present).
TITRES = {
    "note": ("note-de-presentation", "Note de présentation générale du projet"),
    "gouvernance": ("gouvernance", "Présentation de la gouvernance du projet"),
    "strategie": ("strategie-deploiement", "Stratégie de déploiement"),
    "conduite": ("conduite-du-changement", "Plan de conduite du changement"),
    "convention": (None, "Convention de partenariat"),
    "lettre": (None, "Lettre d'engagement"),
    "attestation": (None, "Attestation de la réalité de la mutualisation"),
}


class _Constructeur(ContexteParties, ContexteNote, ContexteFinancement, ContexteGouvernance, ContexteStrategie):
    """Builds the whole context from the parts each mixin adds."""

    def construire(self) -> ContexteRendu:
        p = self.projet
        date = p.depot.date or dt.date.today()
        lignes_essms = self._essms()
        organismes = self._organismes(lignes_essms)
        d: dict[str, Any] = {
            "titre": p.intitule,
            "date": date_longue(date),
            "annee": str(date.year),
            "campagne": p.campagne,
            "profil": {"nom": self.profil.nom, "libelle": self.profil.libelle},
            "titres": self._titres(),
            "type_projet": p.type_projet,
            "acquisition": p.type_projet == "acquisition",
            "libelle_type_projet": TYPES_PROJET[p.type_projet],
            "nature_projet": premiere_majuscule(TYPES_PROJET[p.type_projet]),
            "type_projet_article": ("l'" if p.type_projet == "acquisition" else "la ") + TYPES_PROJET[p.type_projet],
            "instruction": self._instruction(),
            "sources": f"{ESPACE_INSECABLE}; ".join(self._sources()),
            "pieces": [piece.slug for piece in self.profil.pieces],
            "regime_tva": p.porteur.regime_tva,
            "nb_essms": len(p.essms),
            "nb_organismes": len(p.organismes),
            "porteur": self._porteur(),
            "organismes": organismes,
            "parties": self._parties(organismes),
            "essms": lignes_essms,
            "secteurs": self._secteurs(),
            "categories": self._categories(),
            "territoire": self._territoire(),
            "solution": self._solution(),
            "financement": self._financement(),
            "guichet": self._guichet(),
        }
        d["noms_parties"] = _lignes([o["raison_sociale"] for o in d["parties"]])
        d["note"] = self._note()
        d["gouvernance"] = self._gouvernance(organismes)
        d["planning"] = self._planning()
        d["vagues"] = self._vagues()
        d["deploiement"] = self._deploiement()
        d["conduite"] = self._conduite()
        d["formation"] = self._formation(lignes_essms)
        cibles = cibles_usage(self.fin.campagne)
        d["cibles_usage"] = [
            {"indicateur": c.indicateur, "calcul": c.calcul, "cible": pourcentage(Decimal(str(c.cible.valeur)), 0)}
            for c in cibles
        ]
        d["fait_a"] = p.porteur.commune if _present(p.porteur.commune) else POINTILLES
        d["regroupement"] = self._regroupement()
        self.ctx.donnees = _nettoyer_tout(d)
        return self.ctx

    def _instruction(self) -> str:
        return self.fin.campagne.sources.get("instruction", "")

    def _sources(self) -> list[str]:
        """What a piece cites: the campaign's instruction, and the profile's source only when it is the call
        of the project's région for its campaign (a La Réunion dossier does not cite the Île-de-France kit,
        a 2022 dossier not the 2023 call): a list taken from another call is said by ``checklist`` only."""
        propre = self.profil.propre_a(self.projet.campagne, ars_pivot(self.projet))
        return [s for s in (self._instruction(), self.profil.source if propre else "") if s]

    def _titres(self) -> dict:
        titres = {}
        for cle, (slug, defaut) in TITRES.items():
            piece = self.profil.piece(slug) if slug else None
            titres[cle] = piece.libelle if piece else defaut
        return titres


def construire_contexte(projet: Projet, fin: Financement, profil: Profil) -> ContexteRendu:
    """The Jinja context of every Word piece of ``projet`` and its ``[À COMPLÉTER`` markers."""
    return _Constructeur(projet, fin, profil).construire()
