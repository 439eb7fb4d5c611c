"""Planning (milestones, waves) and costs (posts, human resources, other resources, self-financing split)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from ..francais import date_longue
from .champs import Date, Entier, Modele, Montant, Nom, Nombre, Texte, _erreur


def _periode_ordonnee(debut: dt.date | None, fin: dt.date | None) -> None:
    if debut and fin and fin < debut:
        raise _erreur(f"la fin ({date_longue(fin)}) précède le début ({date_longue(debut)})")


class Jalon(Modele):
    phase: Literal["projet", "deploiement", "conduite_changement"] = Field(description=(
        "Phase : « projet », « deploiement » ou « conduite_changement »."))
    libelle: Nom = Field(description="Libellé du jalon.")
    debut: Date = Field(description="Date de début (AAAA-MM-JJ).")
    fin: Date = Field(description="Date de fin (AAAA-MM-JJ).")
    responsable: Texte | None = Field(None, description="Responsable du jalon.")

    @model_validator(mode="after")
    def _ordre(self) -> Jalon:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Vague(Modele):
    numero: Entier = Field(description="Numéro de la vague (repris par essms[].vague).")
    debut: Date = Field(description="Date de début de la vague (AAAA-MM-JJ).")
    fin: Date = Field(description="Date de fin de la vague (AAAA-MM-JJ).")

    @model_validator(mode="after")
    def _ordre(self) -> Vague:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Planning(Modele):
    debut: Date | None = Field(None, description="Date de début du projet (AAAA-MM-JJ).")
    fin_deploiement: Date | None = Field(None, description=(
        "Date de fin du déploiement (AAAA-MM-JJ) : au plus 18 mois après le début (acquisition), 9 (mise à "
        "niveau)."))
    jalons: list[Jalon] | None = Field(None, description=(
        "Jalons du projet, du déploiement et de la conduite du changement."))
    vagues: list[Vague] | None = Field(None, description="Vagues de déploiement.")

    @model_validator(mode="after")
    def _ordre(self) -> Planning:
        _periode_ordonnee(self.debut, self.fin_deploiement)
        return self


NatureCout = Literal["logiciel", "materiel", "prestations", "amoa", "formation", "reprise_donnees", "autre"]
DESCRIPTION_NATURE = ("Nature : « logiciel », « materiel », « prestations », « amoa », « formation », « reprise_donnees » "
                      "ou « autre ».")


class PosteCout(Modele):
    libelle: Nom = Field(description="Libellé du poste de coût.")
    nature: NatureCout = Field(description=DESCRIPTION_NATURE)
    annee: Entier = Field(description="Année de la dépense.")
    montant: Montant = Field(description="Montant en euros.")


class PosteRH(Modele):
    fonction: Nom = Field(description="Fonction (chef de projet, référent…).")
    etp: Nombre = Field(description="Équivalent temps plein consacré au projet.")
    cout_annuel: Montant = Field(description="Coût annuel du poste à cet ETP, en euros (non multiplié par etp).")
    annees: list[Entier] = Field(description="Années concernées.")


class Ressource(Modele):
    libelle: Nom = Field(description="Origine de la ressource (fonds propres, autre financeur…).")
    montant: Montant = Field(description="Montant en euros.")


class PartAutofinancement(Modele):
    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme.")
    part: Nombre = Field(description="Part de l'autofinancement, fraction (les parts totalisent 1).")


class Couts(Modele):
    postes: list[PosteCout] | None = Field(None, description="Coûts du projet par poste et par année.")
    rh: list[PosteRH] | None = Field(None, description="Coûts des ressources humaines du projet.")
    ressources_autres: list[Ressource] | None = Field(None, description="Autres ressources que l'aide ESMS numérique.")
    repartition_autofinancement: list[PartAutofinancement] | None = Field(None, description=(
        "Répartition de l'autofinancement entre organismes ; par défaut au prorata de leurs ESSMS."))

    @model_validator(mode="after")
    def _parts_egales_a_un(self) -> Couts:
        parts = self.repartition_autofinancement
        if parts:
            somme = sum((p.part for p in parts), Decimal(0))
            if abs(somme - 1) > TOLERANCE_PARTS:
                raise _erreur(f"les parts de repartition_autofinancement totalisent {somme} au lieu de 1")
        return self


#: The shares of the self-financing are fractions that must sum to 1 (thirds written 0.3333...).
TOLERANCE_PARTS = Decimal("0.001")
