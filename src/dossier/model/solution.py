"""The DUI software the grouping acquires or upgrades, its referencing and the GHT exception."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from .champs import Booleen, Date, DomaineSegur, Modele, Nom, Texte


class ConditionsGht(Modele):
    """The three cumulative conditions of the GHT exception (AAP Normandie 2023 §C)."""

    marche_public: Booleen = Field(False, description=(
        "true quand le GHT dispose d'un marché public ouvert aux ESSMS du projet (condition 1 de l'exception "
        "GHT)."))
    etude_couverture: Booleen = Field(False, description=(
        "true quand une étude décrit la couverture des exigences du DUI (cahier des charges national) par le "
        "DPI (condition 2)."))
    sans_autre_aide: Booleen = Field(False, description=(
        "true quand aucune aide européenne ni HOP'EN n'a été perçue pour ces ESSMS (condition 3)."))


class Solution(Modele):
    editeur: Nom = Field(description="Éditeur du logiciel de DUI.")
    logiciel: Nom = Field(description="Nom du logiciel de DUI, le même pour tous les ESSMS.")
    version: Texte | None = Field(None, description="Version du logiciel (version cible pour une mise à niveau).")
    referencement_segur: Literal["reference", "en_cours", "non_reference"] = Field(description=(
        "Référencement Ségur du logiciel : « reference » (référencé), « en_cours » (en cours de "
        "référencement) ou « non_reference »."))
    hebergement: Literal["interne", "externalise", "saas"] | None = Field(None, description=(
        "Hébergement : « interne » (serveurs de l'organisme), « externalise » (hébergeur) ou « saas » "
        "(logiciel en ligne)."))
    mise_en_concurrence: Literal["sad", "appel_offres", "autre"] | None = Field(None, description=(
        "Procédure d'achat : « sad » (système d'acquisition dynamique), « appel_offres » ou « autre »."))
    contrat_editeur_date: Date | None = Field(None, description=(
        "Date de signature du contrat avec l'éditeur (AAAA-MM-JJ) ; absente : pas encore signé."))
    dpi_ght: Booleen = Field(False, description=(
        "true quand la solution est le dossier patient informatisé (DPI) d'un GHT."))
    couloir: Literal["medico-social", "hopital"] = Field("medico-social", description=(
        "Couloir de référencement Ségur : « medico-social » (par défaut) ou « hopital » (DPI d'un GHT, "
        "exception sous conditions)."))
    conditions_ght: ConditionsGht | None = Field(None, description=(
        "Les trois conditions cumulatives de l'exception GHT (couloir hôpital)."))
    referencement_domaines: list[DomaineSegur] | None = Field(None, description=(
        "Domaines Ségur où le logiciel est référencé (ou candidat) : « MS1 » (PA, PH, domicile), « MS2 » "
        "(protection de l'enfance, difficultés spécifiques) ; absent : lu comme MS1 seul."))
