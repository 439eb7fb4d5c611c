"""The funding part of the context: amounts per organisme, the guichet the dossier goes to, and the
grouping's commitments (remaining cost and its split) that the convention and attestation state."""

from __future__ import annotations

from decimal import Decimal

from ...francais import date_longue, montant, pourcentage
from ...rules import cout_total, parts_autofinancement, repartir, ressources_autres
from .commun import Redacteur


class ContexteFinancement(Redacteur):
    """Funding, guichet and the grouping's commitments."""

    def _financement(self) -> dict:
        fin = self.fin
        t = fin.totaux
        lignes = []
        for lo in fin.organismes:
            lignes.append({
                "raison_sociale": lo.raison_sociale,
                "nb_essms": lo.nb_essms,
                "petit": "oui" if lo.petit else ("—" if lo.petit is None else "non"),
                "usages": montant(lo.usages), "logiciel": montant(lo.logiciel),
                "materiel": montant(lo.materiel), "amoa": montant(lo.amoa), "sad": montant(lo.sad),
                "pilotage": montant(lo.amoa + lo.sad), "total": montant(lo.total),
            })
        nb_materiel = sum(1 for le in fin.essms if le.materiel > 0)
        taux = fin.avance_taux
        return {
            "usages": montant(t["usages"]), "logiciel": montant(t["logiciel"]),
            "materiel": montant(t["materiel"]), "amoa": montant(t["amoa"]), "sad": montant(t["sad"]),
            "pilotage": montant(t["amoa"] + t["sad"]), "total": montant(t["total"]),
            "usages_logiciel_materiel": montant(t["usages"] + t["logiciel"] + t["materiel"]),
            "avance": montant(fin.avance), "solde": montant(fin.solde),
            "taux_avance": pourcentage(taux, 0), "taux_solde": pourcentage(1 - taux, 0),
            "a_materiel": t["materiel"] > 0, "a_amoa": t["amoa"] > 0, "a_sad": t["sad"] > 0,
            "a_logiciel": t["logiciel"] > 0,
            "nb_essms_materiel": nb_materiel,
            "a_prorata": any(le.part_ms != 1 for le in fin.essms),
            "lignes": lignes,
            "alertes": [c.message for c in fin.alertes],
            "sons": ({"total": montant(fin.sons.total), "avance": montant(fin.sons.avance)}
                     if fin.sons else None),
            "regime_tva": self.projet.porteur.regime_tva,
        }

    def _guichet(self) -> dict:
        g = self.fin.guichet
        national = g.guichet == "national"
        return {
            "code": g.guichet,
            "national": national,
            "libelle": "national" if national else "régional",
            "multiregional": g.multiregional,
            "ars": g.ars or "",
            "destinataire": "la CNSA (appel à projets national)" if national else f"l'ARS {g.ars}",
            "autorite": ("Monsieur le Directeur de la Caisse nationale de solidarité pour l'autonomie" if national
                         else f"Madame ou Monsieur le Directeur général de l'ARS {g.ars}"),
            "financeur": "National (CNSA - PAI Numérique)" if national else f"ARS {g.ars}",
            "regions": ", ".join(g.regions),
            "nb_regions": len(g.regions),
        }

    def _regroupement(self) -> dict:
        """The grouping's commitments: the remaining cost (costs − aid − other resources) and its split
        between the OG (``couts.repartition_autofinancement``, else by number of ESSMS)."""
        c = self.projet.couts
        couts = cout_total(c)
        autres = ressources_autres(c)
        reste = max(couts - self.fin.totaux["total"] - autres, Decimal(0))
        parts, regle = parts_autofinancement(self.projet)
        noms = {og.id: og.raison_sociale for og in self.projet.organismes}
        fractions = dict(parts)
        lignes = [{"organisme": noms.get(og_id, og_id), "part": pourcentage(fractions[og_id]), "montant": montant(somme)}
                  for og_id, somme in repartir(reste, parts)]
        ri = self.projet.regroupement_initial
        return {
            "a_couts": couts > 0,
            "couts": montant(couts),
            "autres": montant(autres),
            "autofinancement": montant(reste),
            "regle": regle,
            "repartition": lignes,
            "initial": ({"nom": ri.nom, "date": date_longue(ri.convention_date)} if ri else None),
        }
