"""The porteur, the people it names and the organismes gestionnaires (OG) of the grouping."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from .champs import (
    Booleen,
    Date,
    Entier,
    Finess,
    Modele,
    Nom,
    Nombre,
    Region,
    Siret,
    Texte,
    _erreur,
)

# --------------------------------------------------------------------------- the project


class Personne(Modele):
    civilite: Texte | None = Field(None, description="Civilité (Madame, Monsieur…), facultative.")
    nom: Nom = Field(description="Prénom et nom.")
    fonction: Nom = Field(description="Fonction dans l'organisme (ex. « Directrice générale »).")
    email: Texte | None = Field(None, description="Adresse électronique, facultative.")


class ChefDeProjet(Personne):
    etp: Nombre | None = Field(None, description="Temps consacré au projet, en équivalent temps plein (ex. 0.5).")


class Depot(Modele):
    profil: Texte | None = Field(None, description=(
        "Profil de dépôt : liste de pièces de l'appel à projets et niveau de la règle de taille minimale. "
        "Valeurs : « kit-idf-2023 » (kit de l'ARS Île-de-France, campagne 2023, liste nationale par défaut) ou "
        "« aap-normandie-2023 » (AAP ARS Normandie 2023, annexe 2) ; anciens noms admis : « cnsa-2023 », "
        "« normandie-2023 ». Absent : choisi d'après la région du porteur et la campagne."))
    date: Date | None = Field(None, description=(
        "Date de dépôt prévue (AAAA-MM-JJ). Absente : les pièces portent leur date d'édition et le calendrier"
        " est jugé sur la date du jour."))

    @field_validator("profil")
    @classmethod
    def _profil_connu(cls, v: str | None) -> str | None:
        from ..profiles import noms_acceptes

        if v is None or not v.strip():
            return None  # chosen from the région and the campaign (profil_projet)
        connus = noms_acceptes()
        if v not in connus:
            raise _erreur(f"profil inconnu « {v} » ; profils disponibles : {', '.join(connus)}")
        return v


class Porteur(Modele):
    raison_sociale: Nom = Field(description=(
        "Raison sociale de la personne morale qui porte le projet (gestionnaire ou GCSMS)."))
    siret: Siret = Field(description="SIRET du porteur (14 chiffres, espaces admis).")
    finess_ej: Finess | None = Field(None, description="FINESS juridique (EJ) du porteur, 9 caractères.")
    region: Region | None = Field(None, description=(
        "Région de l'ARS de dépôt ; par défaut celle du FINESS EJ, sinon celle de la plupart des ESSMS."))
    statut_juridique: Texte | None = Field(None, description=(
        "Statut juridique (association loi 1901, CCAS, fondation, GCSMS…)."))
    adresse: Texte | None = Field(None, description="Adresse du siège du porteur.")
    regime_tva: Literal["HT", "TTC"] = Field(description=(
        "Régime de TVA, qui fixe l'affichage des montants : « HT » (le porteur récupère la TVA) ou « TTC »."))
    representant: Personne = Field(description="Représentant légal du porteur, signataire des pièces.")
    commune: Texte | None = Field(None, description=(
        "Commune où le porteur signe (« Fait à ») ; absente : ligne pointillée à remplir à la signature."))


class EntiteNationale(Modele):
    nom: Nom = Field(description="Nom de l'entité nationale de rattachement (ex. fédération, fondation nationale).")
    autorisation: Booleen = Field(False, description=(
        "true quand l'autorisation écrite de l'entité nationale est obtenue (pièce à joindre)."))


class Organisme(Modele):
    id: Nom = Field(description=(
        "Identifiant local de l'organisme dans ce fichier (ex. « og1 »), repris par essms[].organisme."))
    raison_sociale: Nom = Field(description="Raison sociale de l'organisme gestionnaire.")
    finess_ej: Finess = Field(description="FINESS juridique (EJ) de l'organisme gestionnaire, 9 caractères.")
    siret: Siret | None = Field(None, description="SIRET de l'organisme gestionnaire (14 chiffres).")
    statut_juridique: Texte | None = Field(None, description="Statut juridique de l'organisme gestionnaire.")
    representant: Personne = Field(description=(
        "Représentant légal de l'organisme, signataire de sa lettre d'engagement."))
    nb_essms_total: Entier | None = Field(None, description=(
        "Nombre total d'ESSMS gérés par l'organisme, dans le projet ou non : décide s'il est un petit OG "
        "(moins de 15, moins de 8 en Corse et outre-mer en 2023)."))
    entite_nationale: EntiteNationale | None = Field(None, description=(
        "Entité nationale à laquelle l'organisme est rattaché, le cas échéant."))
