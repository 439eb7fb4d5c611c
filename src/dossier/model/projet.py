"""The project file as a whole."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from .champs import Booleen, Modele, Nom, Texte
from .essms import Essms
from .gouvernance import Gouvernance
from .organismes import Depot, Organisme, Porteur
from .planning import Couts, Planning
from .solution import Solution
from .textes import ConduiteChangement, Depense, Deploiement, Note, RegroupementInitial


class Projet(Modele):
    """A project of the programme ESMS numérique: one grouping, one solution, its ESSMS."""

    version: Literal[1] = Field(description="Version du format du fichier : 1.")
    campagne: Literal["2022", "2023", "2024", "2025"] = Field(description=(
        "Campagne dont les règles s'appliquent : « 2022 », « 2023 », « 2024 » ou « 2025 »."))
    type_projet: Literal["acquisition", "mise_a_niveau"] = Field(description=(
        "Type de projet : « acquisition » (nouveau logiciel) ou « mise_a_niveau » (montée du logiciel actuel "
        "vers une version référencée Ségur)."))
    intitule: Nom = Field(description="Intitulé du projet.")
    depot: Depot = Field(default_factory=Depot, description="Dépôt : profil de l'appel à projets et date prévue.")
    porteur: Porteur = Field(description="Porteur du projet.")
    organismes: list[Organisme] = Field(min_length=1, description="Organismes gestionnaires (OG) du regroupement.")
    solution: Solution = Field(description="Logiciel de DUI retenu.")
    essms: list[Essms] = Field(min_length=1, description="Établissements et services (ESSMS) du projet.")
    gouvernance: Gouvernance | None = Field(None, description="Gouvernance du projet.")
    planning: Planning | None = Field(None, description="Planning du projet.")
    couts: Couts | None = Field(None, description="Coûts et ressources du projet (plan de financement).")
    note: Note | None = Field(None, description="Textes de la note de présentation.")
    deploiement: Deploiement | None = Field(None, description="Textes de la stratégie de déploiement.")
    conduite_changement: ConduiteChangement | None = Field(None, description=(
        "Textes du plan de conduite du changement."))
    regroupement_initial: RegroupementInitial | None = Field(None, description=(
        "Regroupement déjà financé que le projet rejoint (projet de moins de 15 ESSMS)."))
    depenses: list[Depense] | None = Field(None, description=(
        "Dépenses payées (état récapitulatif des dépenses, demande de solde)."))
    sad_demande: Booleen = Field(False, description=(
        "2022 : true pour demander le forfait d'aide à l'achat via le SAD (15 000 €)."))
    portee_nationale: Booleen = Field(False, description=(
        "2022 : true pour un opérateur ayant une délégation pour gérer des missions particulières (portée "
        "nationale) : guichet national quel que soit le nombre d'ESSMS."))
    pieces: dict[str, Texte] | None = Field(None, description=(
        "Pièces fournies par le porteur : identifiant de la pièce → chemin du fichier, relatif au fichier "
        "projet."))

    def organisme(self, og_id: str) -> Organisme:
        return next(og for og in self.organismes if og.id == og_id)

    def essms_de(self, og_id: str) -> list[Essms]:
        return [e for e in self.essms if e.organisme == og_id]
