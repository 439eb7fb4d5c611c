"""The project's governance: instances, referents, AMOA."""

from __future__ import annotations

from pydantic import (
    Field,
)

from .champs import Booleen, Modele, Nom, Texte
from .organismes import ChefDeProjet, Personne


class Instance(Modele):
    nom: Nom = Field(description="Nom de l'instance (comité de pilotage, comité projet…).")
    composition: Texte | None = Field(None, description="Composition de l'instance.")
    frequence: Texte | None = Field(None, description="Fréquence des réunions.")
    role: Texte | None = Field(None, description="Rôle de l'instance.")


class Referent(Modele):
    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme du référent.")
    nom: Nom = Field(description="Prénom et nom du référent.")
    fonction: Nom = Field(description="Fonction du référent.")


class Amoa(Modele):
    prestataire: Texte | None = Field(None, description=(
        "Prestataire d'assistance à maîtrise d'ouvrage, le cas échéant."))
    financement_demande: Booleen = Field(False, description=(
        "true pour demander le forfait de pilotage / AMOA des petits OG (100 000 € par projet)."))
    accord_ars: Booleen | None = Field(None, description=(
        "true quand l'ARS a accepté le forfait AMOA d'un regroupement mixte (2023 : petits et autres OG)."))


class Gouvernance(Modele):
    chef_de_projet: ChefDeProjet | None = Field(None, description="Chef de projet et son temps consacré (ETP).")
    dpo: Personne | None = Field(None, description="Délégué à la protection des données.")
    rsi: Personne | None = Field(None, description="Responsable de la sécurité de l'information.")
    responsable_traitement: Personne | None = Field(None, description="Responsable du traitement des données.")
    instances: list[Instance] | None = Field(None, description="Instances de gouvernance du projet.")
    referents: list[Referent] | None = Field(None, description="Référents de chaque organisme.")
    amoa: Amoa | None = Field(None, description="Pilotage / AMOA du projet et demande de forfait.")
    mutualisation: Texte | None = Field(None, description=(
        "Moyens mis en commun entre les organismes (texte de l'attestation de mutualisation)."))
