"""The presentation note's part of the context: its narrative texts and the perimeter (sectors,
categories, territory) and solution it describes."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ... import departements as deps
from ... import identifiers as ids
from ...francais import ESPACE_INSECABLE, date_longue, pourcentage
from .commun import Redacteur, _present

REFERENCEMENTS = {
    "reference": "référencée Ségur",
    "en_cours": "en cours de référencement Ségur",
    "non_reference": "non référencée Ségur",
}
HEBERGEMENTS = {
    "interne": "hébergement interne, sur les serveurs du regroupement",
    "externalise": "hébergement externalisé auprès d'un hébergeur certifié de données de santé (HDS)",
    "saas": "mode SaaS : solution hébergée par l'éditeur auprès d'un hébergeur certifié de données de santé (HDS)",
}
MISES_EN_CONCURRENCE = {
    "sad": "achat mutualisé via le système d'acquisition dynamique (SAD)",
    "appel_offres": "appel d'offres mutualisé",
    "autre": "procédure de mise en concurrence mutualisée",
}
ACHATS = {
    "sad": "via le système d'acquisition dynamique (SAD)",
    "appel_offres": "par appel d'offres",
    "autre": "après mise en concurrence",
}


class ContexteNote(Redacteur):
    """Note de présentation: narrative, perimeter and solution."""

    def _note(self) -> dict:
        n = self.projet.note
        return {
            "contexte": self.texte(n and n.contexte, "note.contexte",
                                   "contexte du projet et situation actuelle des structures"),
            "enjeux": self.textes(n and n.enjeux, "note.enjeux", "enjeux du projet pour le regroupement"),
            "objectifs": self.textes(n and n.objectifs, "note.objectifs",
                                     "objectifs du regroupement, de la feuille de route numérique et des usages du DUI"),
            "points_attention": self.textes(n and n.points_attention, "note.points_attention",
                                            "points d'attention (équipements, réseau, cybersécurité, reprise des données)"),
        }


    def _secteurs(self) -> list[dict]:
        n = len(self.projet.essms)
        compte = Counter((e.info_categorie.secteur if e.info_categorie else None) for e in self.projet.essms)
        ordre = [s for s in ids.SECTEURS if s in compte] + ([None] if None in compte else [])
        return [{
            "code": s or "—",
            "libelle": ids.SECTEURS[s] if s else "Non classé",
            "nb": compte[s],
            "part": pourcentage(Decimal(compte[s]) / n, 0),
        } for s in ordre]

    def _categories(self) -> list[dict]:
        compte = Counter(e.categorie for e in self.projet.essms)
        resultat = []
        for code in compte:
            cat = ids.categorie(code)
            resultat.append({
                "code": code,
                "libelle": cat.libelle if cat else "catégorie hors nomenclature",
                "secteur": cat.libelle_secteur if cat else "Non classé",
                "nb": compte[code],
            })
        return sorted(resultat, key=lambda c: (-c["nb"], c["code"]))

    def _territoire(self) -> dict:
        codes = Counter(deps.code_insee(e.finess_et) for e in self.projet.essms)
        regions = list(self.fin.guichet.regions)
        return {
            "regions": ", ".join(regions),
            "nb_regions": len(regions),
            "departements": ", ".join(f"{code}{ESPACE_INSECABLE}– {deps.nom(code)}" if code in deps.NOMS else code
                                      for code in sorted(codes)),
            "nb_departements": len(codes),
        }

    def _solution(self) -> dict:
        s = self.projet.solution
        contrat = (f"contrat signé le {date_longue(s.contrat_editeur_date)}" if s.contrat_editeur_date
                   else "contrat non encore signé à la date du dépôt")
        return {
            "editeur": s.editeur,
            "logiciel": s.logiciel,
            "version": s.version or "",
            "nom_complet": f"{s.logiciel} {s.version}" if _present(s.version) else s.logiciel,
            "referencement": REFERENCEMENTS[s.referencement_segur],
            "reference": s.referencement_segur == "reference",
            "en_cours": s.referencement_segur == "en_cours",
            "hebergement": HEBERGEMENTS.get(s.hebergement, "mode d'hébergement non précisé"),
            "hebergement_code": s.hebergement or "",
            "mise_en_concurrence": MISES_EN_CONCURRENCE.get(s.mise_en_concurrence, "modalités d'achat non précisées"),
            "achat": ACHATS.get(s.mise_en_concurrence, ""),
            "sad": s.mise_en_concurrence == "sad",
            "contrat": contrat,
            "dpi_ght": s.dpi_ght,
        }
