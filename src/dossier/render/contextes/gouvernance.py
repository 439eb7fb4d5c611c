"""The governance piece's part of the context: project team, instances, referents, AMOA."""

from __future__ import annotations

from ...francais import montant
from .commun import Redacteur, _decimal, _lignes, _present, personne


class ContexteGouvernance(Redacteur):
    """Gouvernance du projet."""

    def _gouvernance(self, organismes: list[dict]) -> dict:
        g = self.projet.gouvernance
        chef = self.membre(g and g.chef_de_projet, "gouvernance.chef_de_projet", "chef de projet")
        if g and g.chef_de_projet:
            chef["etp"] = (f"{_decimal(g.chef_de_projet.etp)} ETP" if g.chef_de_projet.etp is not None else
                           self.ctx.a_completer("temps consacré au projet par le chef de projet (ETP)", "gouvernance.chef_de_projet.etp"))
        else:
            chef["etp"] = "—"
        responsable = self.membre(g and g.responsable_traitement, "gouvernance.responsable_traitement",
                                  "responsable de traitement du DUI")
        equipe = [
            {"role": "Chef de projet", **chef},
            {"role": "Délégué à la protection des données (DPO)", "etp": "—",
             **self.membre(g and g.dpo, "gouvernance.dpo", "délégué à la protection des données")},
            {"role": "Responsable des systèmes d'information (RSI)", "etp": "—",
             **self.membre(g and g.rsi, "gouvernance.rsi", "responsable des systèmes d'information")},
            {"role": "Responsable de traitement du DUI", "etp": "—", **responsable},
        ]
        instances = []
        for i, inst in enumerate((g and g.instances) or []):
            cle = f"gouvernance.instances[{i}]"
            instances.append({
                "nom": inst.nom,
                "composition": self.texte(inst.composition, f"{cle}.composition", f"composition de l'instance « {inst.nom} »"),
                "frequence": self.texte(inst.frequence, f"{cle}.frequence", f"fréquence de réunion de l'instance « {inst.nom} »"),
                "role": self.texte(inst.role, f"{cle}.role", f"rôle de l'instance « {inst.nom} »"),
            })
        if not instances:
            instances = [{"nom": self.ctx.a_completer(
                "instances de gouvernance (comité de pilotage, comité projet : composition, fréquence, rôle)",
                "gouvernance.instances"), "composition": "—", "frequence": "—", "role": "—"}]
        referents = self._referents(organismes)
        amoa = g.amoa if g else None
        demande = bool(amoa and amoa.financement_demande)
        if amoa and _present(amoa.prestataire):
            prestataire = amoa.prestataire
        elif demande:
            prestataire = self.ctx.a_completer(
                "prestataire ou modalités de l'assistance à maîtrise d'ouvrage", "gouvernance.amoa.prestataire")
        else:
            prestataire = ""
        return {
            "chef_de_projet": chef,
            "responsable_traitement": responsable,
            "equipe": equipe,
            "instances": instances,
            "referents": referents,
            "amoa": {
                "prevue": bool(prestataire),
                "prestataire": prestataire,
                "financement_demande": demande,
                "montant": montant(self.fin.totaux["amoa"]),
                "finance": self.fin.totaux["amoa"] > 0,
            },
            "mutualisation": self.texte(g and g.mutualisation, "gouvernance.mutualisation",
                                        "organisation de la mutualisation dans la gouvernance du projet"),
        }

    def _referents(self, organismes: list[dict]) -> list[dict]:
        """A referent for every structure: its own, else its OG's (gouvernance.referents), else one marker
        per OG. One row per OG and referent, listing the structures that referent covers."""
        g = self.projet.gouvernance
        lignes = []
        for og in organismes:
            siens = [r for r in ((g and g.referents) or []) if r.organisme == og["id"]]
            if siens:
                defaut = (_lignes([r.nom for r in siens]), _lignes([r.fonction for r in siens]))
            else:
                defaut = (None, "—")
            groupes: dict[tuple, list[str]] = {}
            for e in (e for e in self.projet.essms if e.organisme == og["id"]):
                cle = (personne(e.referent)["complet"], e.referent.fonction) if e.referent else defaut
                groupes.setdefault(cle, []).append(e.nom)
            for (nom, fonction), structures in groupes.items():
                if nom is None:
                    nom = self.ctx.a_completer(
                        f"référent de l'organisme « {og['raison_sociale']} » ou de chacune de ses structures "
                        "(nom et fonction)", "gouvernance.referents ou essms[].referent")
                lignes.append({"organisme": og["raison_sociale"], "structures": _lignes(structures),
                               "nom": nom, "fonction": fonction})
        return lignes
