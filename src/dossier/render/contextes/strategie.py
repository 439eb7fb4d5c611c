"""The deployment strategy's and change management plan's part of the context: texts, risks,
planning, waves and training."""

from __future__ import annotations

from ...dates_projet import dates_projet, duree_mois
from ...francais import date_longue, nombre
from .commun import NON_RENSEIGNE, Redacteur, _lignes, _periode

NIVEAUX_RISQUE = {"faible": "Faible", "moyen": "Moyen", "élevé": "Élevé"}
#: Shading of the risk level cell (green, amber, red: light tints that print well in grey).
COULEURS_RISQUE = {"faible": "E2EFDA", "moyen": "FFF2CC", "élevé": "F8CBAD"}


class ContexteStrategie(Redacteur):
    """Stratégie de déploiement et conduite du changement."""

    def _deploiement(self) -> dict:
        d = self.projet.deploiement
        return {
            "strategie": self.texte(d and d.strategie, "deploiement.strategie",
                                    "stratégie de déploiement (principes, ordre et composition des vagues)"),
            "reprise_donnees": self.texte(d and d.reprise_donnees, "deploiement.reprise_donnees",
                                          "modalités de reprise des données existantes"),
            "interfaces": self.textes(d and d.interfaces, "deploiement.interfaces",
                                      "interfaces du DUI avec les autres logiciels (facturation, planification…)"),
            "services_socles": self.textes(d and d.services_socles, "deploiement.services_socles",
                                           "services socles déployés (MSSanté, DMP, INS, Pro Santé Connect)"),
        }

    def _conduite(self) -> dict:
        c = self.projet.conduite_changement
        textes = {
            "groupe_travail": self.texte(c and c.groupe_travail, "conduite_changement.groupe_travail",
                                         "groupe de travail des futurs utilisateurs"),
            "communication": self.texte(c and c.communication, "conduite_changement.communication",
                                        "plan de communication"),
            "formation": self.texte(c and c.formation, "conduite_changement.formation",
                                    "stratégie de formation"),
            "sensibilisation": self.texte(c and c.sensibilisation, "conduite_changement.sensibilisation",
                                          "actions de sensibilisation en amont du déploiement"),
        }
        risques = [(i, r) for i, r in enumerate((c and c.risques) or [])]
        groupe = [self._risque(i, r) for i, r in risques if not (r.organisme or r.finess_et)]
        if not risques:
            groupe = [{"risque": self.ctx.a_completer(
                "cartographie des risques (risque, niveau, actions préventives et correctives)",
                "conduite_changement.risques"), "niveau": "—", "couleur": "FFFFFF", "action": "—", "structure": ""}]
        og_de = {e.finess_et: e.organisme for e in self.projet.essms}
        noms = {e.finess_et: e.nom for e in self.projet.essms}
        par_og = []
        for og in self.projet.organismes:
            siens = [self._risque(i, r, noms.get(r.finess_et, "")) for i, r in risques
                     if (r.organisme or og_de.get(r.finess_et)) == og.id]
            if siens:
                par_og.append({"organisme": og.raison_sociale, "risques": siens})
        return {**textes, "risques": groupe, "risques_par_og": par_og}

    def _risque(self, i: int, r, structure: str = "") -> dict:
        return {
            "risque": r.risque,
            "niveau": NIVEAUX_RISQUE[r.niveau],
            "couleur": COULEURS_RISQUE[r.niveau],
            "action": self.texte(r.action, f"conduite_changement.risques[{i}].action",
                                 f"actions préventives et correctives du risque « {r.risque} »"),
            "structure": structure or "Ensemble de l'organisme",
        }

    # ----------------------------------------------------------------------- planning

    def _planning(self) -> dict:
        pl = self.projet.planning
        jalons: dict[str, list[dict]] = {"projet": [], "deploiement": [], "conduite_changement": []}
        projet_deploiement = []
        for j in (pl and pl.jalons) or []:
            ligne = {
                "libelle": j.libelle, "debut": date_longue(j.debut), "fin": date_longue(j.fin),
                "periode": _periode(j.debut, j.fin), "responsable": j.responsable or "—",
            }
            jalons[j.phase].append(ligne)
            if j.phase != "conduite_changement":
                projet_deploiement.append((j.debut, j.fin, ligne))
        projet_deploiement.sort(key=lambda t: (t[0], t[1]))
        dates = dates_projet(self.projet)  # the same three dates in every piece (calendrier)
        debut, fin, fin_projet = dates.debut, dates.fin_deploiement, dates.fin_projet
        duree = f"{duree_mois(debut, fin)} mois" if debut and fin else ""
        return {
            "renseigne": bool(debut or fin_projet),
            "debut": date_longue(debut) or "date à préciser",
            "fin_deploiement": date_longue(fin) or "date à préciser",
            "fin_projet": date_longue(fin_projet) or "date à préciser",
            "fin_apres_deploiement": bool(fin and fin_projet and fin_projet > fin),
            "periode": _periode(debut, fin_projet),
            "periode_deploiement": _periode(debut, fin),
            "duree": duree,
            "jalons_projet": jalons["projet"],
            "jalons_deploiement": jalons["deploiement"],
            "jalons_conduite": jalons["conduite_changement"],
            "jalons_projet_deploiement": [ligne for _, _, ligne in projet_deploiement],
            "a_jalons": any(jalons.values()),
        }

    def _vagues(self) -> list[dict]:
        p = self.projet
        pl = p.planning
        definies = {v.numero: v for v in ((pl and pl.vagues) or [])}
        numeros = sorted(set(definies) | {e.vague for e in p.essms if e.vague is not None})
        vagues = []

        def ajouter(libelle: str, periode: str, essms: list) -> None:
            if essms or libelle.startswith("Vague"):
                pros = [e.professionnels for e in essms if e.professionnels is not None]
                vagues.append({
                    "libelle": libelle, "periode": periode,
                    "noms_essms": _lignes([e.nom for e in essms]) or "aucun ESSMS affecté",
                    "nb_essms": len(essms),
                    "professionnels": nombre(sum(pros)) if pros else NON_RENSEIGNE,
                })

        if not numeros:
            ajouter("Déploiement unique", _periode(pl and pl.debut, pl and pl.fin_deploiement), list(p.essms))
            return vagues
        for n in numeros:
            v = definies.get(n)
            ajouter(f"Vague {n}", _periode(v.debut, v.fin) if v else "dates à préciser dans le planning",
                    [e for e in p.essms if e.vague == n])
        sans = [e for e in p.essms if e.vague is None]
        if sans:
            ajouter("ESSMS non encore affectés à une vague", "à planifier", sans)
        return vagues

    def _formation(self, lignes_essms: list[dict]) -> dict:
        pros = [e.professionnels for e in self.projet.essms if e.professionnels is not None]
        return {
            "total": nombre(sum(pros)) if pros else NON_RENSEIGNE,
            "complet": len(pros) == len(self.projet.essms),
            "nb_non_renseignes": len(self.projet.essms) - len(pros),
        }
