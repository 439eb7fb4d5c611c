"""Narrative texts of the Word pieces, the grouping joined, and the expenses actually paid."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from .champs import Date, Finess, Modele, Montant, Nom, Texte, Textes
from .planning import DESCRIPTION_NATURE, NatureCout


class Note(Modele):
    contexte: Texte | None = Field(None, description="Contexte du projet (note de présentation).")
    objectifs: Textes | None = Field(None, description="Objectifs du projet, un par ligne.")
    enjeux: Textes | None = Field(None, description="Enjeux du projet, un par ligne.")
    points_attention: Textes | None = Field(None, description="Points d'attention, un par ligne.")


class Deploiement(Modele):
    strategie: Texte | None = Field(None, description="Stratégie de déploiement.")
    reprise_donnees: Texte | None = Field(None, description="Reprise des données de l'existant.")
    interfaces: Textes | None = Field(None, description="Interfaces avec les autres logiciels, une par ligne.")
    services_socles: Textes | None = Field(None, description=(
        "Services socles intégrés (MSSanté, DMP, INS, Pro Santé Connect…)."))


class Risque(Modele):
    risque: Nom = Field(description="Risque identifié.")
    niveau: Literal["faible", "moyen", "élevé"] = Field(description=(
        "Niveau du risque : « faible », « moyen » ou « élevé »."))
    action: Texte | None = Field(None, description="Action de maîtrise.")
    organisme: Nom | None = Field(None, description=(
        "Identifiant de l'organisme concerné ; absent : risque du regroupement."))
    finess_et: Finess | None = Field(None, description="FINESS ET de la structure concernée, le cas échéant.")


class ConduiteChangement(Modele):
    groupe_travail: Texte | None = Field(None, description="Groupe de travail métier.")
    communication: Texte | None = Field(None, description="Plan de communication.")
    formation: Texte | None = Field(None, description="Plan de formation.")
    sensibilisation: Texte | None = Field(None, description="Actions de sensibilisation.")
    risques: list[Risque] | None = Field(None, description="Risques et actions de maîtrise.")


class RegroupementInitial(Modele):
    """A grouping already financed by the programme that this project joins (rules.md §2)."""

    nom: Nom = Field(description="Nom du regroupement déjà financé que le projet rejoint.")
    convention_date: Date = Field(description="Date de la convention du regroupement initial (AAAA-MM-JJ).")


class Depense(Modele):
    """An expense actually paid (balance request: état récapitulatif des dépenses)."""

    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme qui a payé.")
    nature: NatureCout = Field(description=DESCRIPTION_NATURE)
    libelle: Nom = Field(description="Objet de la dépense.")
    fournisseur: Texte | None = Field(None, description="Fournisseur.")
    facture: Texte | None = Field(None, description="Référence de la facture.")
    date: Date = Field(description="Date de la dépense (AAAA-MM-JJ).")
    montant: Montant = Field(description="Montant payé en euros.")
