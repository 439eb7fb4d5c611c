"""The parties of the context: the porteur, the organismes gestionnaires and their ESSMS, the parties
to the convention (used by the convention, the letters, the attestations and the tables of every piece)."""

from __future__ import annotations

from ... import departements as deps
from ... import identifiers as ids
from ...francais import montant, pourcentage
from ...rules import ars_pivot, og_du_porteur
from .commun import Redacteur, _entier, _identification, _lignes, personne
from .francais import qualite


class ContexteParties(Redacteur):
    """Porteur, organismes, ESSMS and parties."""

    def _porteur(self) -> dict:
        po = self.projet.porteur
        og = og_du_porteur(self.projet)
        return {
            "raison_sociale": po.raison_sociale,
            "siret": ids.formater_siret(po.siret),
            "finess_ej": po.finess_ej or "",
            "statut_juridique": po.statut_juridique or "",
            "adresse": po.adresse or "",
            "region": ars_pivot(self.projet),
            "representant": {**personne(po.representant),
                             "qualite": qualite(po.representant.fonction, po.raison_sociale)},
            "identification": _identification(po.siret, po.finess_ej),
            "est_organisme": og is not None,
            "organisme_id": og.id if og else "",
        }

    def _essms(self) -> list[dict]:
        ogs = {og.id: og for og in self.projet.organismes}
        lignes = []
        for le in self.fin.essms:
            e = le.essms
            cat = e.info_categorie
            og = ogs[e.organisme]
            lignes.append({
                "rang": le.rang,
                "nom": e.nom,
                "finess_et": e.finess_et,
                "finess_ej": e.finess_ej or og.finess_ej,
                "categorie_code": e.categorie,
                "categorie_libelle": cat.libelle if cat else "catégorie hors nomenclature (éligibilité confirmée)",
                "secteur": cat.secteur if cat else "—",
                "secteur_libelle": cat.libelle_secteur if cat else "Non classé",
                "departement": deps.code_insee(e.finess_et),
                "departement_nom": deps.nom(deps.code_insee(e.finess_et)),
                "region": e.region_effective,
                "organisme": og.raison_sociale,
                "organisme_id": og.id,
                "commune": e.commune or "—",
                "places": _entier(e.places),
                "professionnels": _entier(e.professionnels),
                "personnes_accompagnees": _entier(e.personnes_accompagnees),
                "vague": str(e.vague) if e.vague is not None else "—",
                "aide_a_domicile": e.aide_a_domicile,
                "part_ms": pourcentage(le.part_ms),
                "prorata": le.part_ms != 1,
                "usages": montant(le.usages),
                "logiciel": montant(le.logiciel),
                "materiel": montant(le.materiel),
                "total": montant(le.total),
                "devis": montant(e.materiel.devis) if e.materiel else "—",
                "reference_devis": (e.materiel.reference_devis or "—") if e.materiel else "—",
            })
        return lignes

    def _ligne_financement(self, og_id: str) -> dict:
        lo = next((o for o in self.fin.organismes if o.id == og_id), None)
        if lo is None:
            zero = montant(0)
            return {k: zero for k in ("usages", "logiciel", "materiel", "amoa", "sad", "pilotage", "total")}
        return {
            "usages": montant(lo.usages), "logiciel": montant(lo.logiciel), "materiel": montant(lo.materiel),
            "amoa": montant(lo.amoa), "sad": montant(lo.sad), "pilotage": montant(lo.amoa + lo.sad),
            "total": montant(lo.total),
        }

    def _organismes(self, lignes_essms: list[dict]) -> list[dict]:
        porteur = og_du_porteur(self.projet)
        lignes_og = {o.id: o for o in self.fin.organismes}
        resultat = []
        for numero, og in enumerate(self.projet.organismes, start=1):
            siens = [e for e in lignes_essms if e["organisme_id"] == og.id]
            lo = lignes_og.get(og.id)
            resultat.append({
                "id": og.id,
                "numero": numero,
                "raison_sociale": og.raison_sociale,
                "finess_ej": og.finess_ej,
                "siret": ids.formater_siret(og.siret) if og.siret else "",
                "statut_juridique": og.statut_juridique or "",
                "representant": {**personne(og.representant),
                                 "qualite": qualite(og.representant.fonction, og.raison_sociale)},
                "identification": _identification(og.siret, og.finess_ej),
                "nb_essms": len(siens),
                "nb_essms_total": og.nb_essms_total if og.nb_essms_total is not None else len(siens),
                "petit": bool(lo and lo.petit),
                "taille": "petit organisme gestionnaire" if lo and lo.petit else "organisme gestionnaire",
                "est_porteur": porteur is not None and porteur.id == og.id,
                "essms": siens,
                "noms_essms": _lignes([e["nom"] for e in siens]) or "aucun ESSMS dans le projet",
                "entite_nationale": og.entite_nationale.nom if og.entite_nationale else "",
                "financement": self._ligne_financement(og.id),
            })
        return resultat

    def _parties(self, organismes: list[dict]) -> list[dict]:
        """Parties to the convention: every OG, plus the porteur when it manages none of the ESSMS."""
        if self.projet.porteur and og_du_porteur(self.projet) is None:
            po = self._porteur()
            porteur = {
                "id": "porteur", "numero": 0, "raison_sociale": po["raison_sociale"],
                "finess_ej": po["finess_ej"], "siret": po["siret"],
                "statut_juridique": po["statut_juridique"], "representant": po["representant"],
                "identification": po["identification"], "nb_essms": 0, "est_porteur": True,
                "essms": [], "noms_essms": "porteur du projet, sans ESSMS propre",
                "financement": self._ligne_financement("porteur"),
            }
            return [porteur, *organismes]
        return organismes
