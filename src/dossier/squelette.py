"""Project file skeleton written by ``dossier init``, and what a valid project still lacks (``validate``)."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel

from .model import Projet
from .profiles import charger_profil, profils_disponibles

PROFIL_PAR_DEFAUT = "kit-idf-2023"  # the default list (former name cnsa-2023)


def _personne() -> dict:
    return {"civilite": "", "nom": "", "fonction": "", "email": ""}


SQUELETTE = {
    "version": 1,
    "campagne": "2023",
    "type_projet": "acquisition",
    "intitule": "",
    "depot": {"profil": None, "date": None},  # None: chosen from the région and the campaign
    "porteur": {
        "raison_sociale": "", "siret": "", "finess_ej": "", "region": None, "statut_juridique": "", "adresse": "",
        "commune": "", "regime_tva": "TTC", "representant": _personne(),
    },
    "organismes": [{
        "id": "og1", "raison_sociale": "", "finess_ej": "", "siret": "", "statut_juridique": "",
        "representant": _personne(), "nb_essms_total": None,
    }],
    "solution": {
        "editeur": "", "logiciel": "", "version": "", "referencement_segur": "reference",
        "hebergement": "saas", "mise_en_concurrence": "sad", "contrat_editeur_date": None, "dpi_ght": False,
        "couloir": "medico-social",
    },
    "essms": [{
        "finess_et": "", "finess_ej": "", "nom": "", "categorie": "", "organisme": "og1", "commune": "",
        "places": None, "professionnels": None, "personnes_accompagnees": None, "vague": 1,
        "financements_anterieurs": {"europeen": False, "esms_numerique": False, "sons_autre_solution": False},
    }],
    "gouvernance": {
        "chef_de_projet": {"nom": "", "fonction": "", "etp": None},
        "dpo": {"nom": "", "fonction": ""}, "rsi": {"nom": "", "fonction": ""},
        "responsable_traitement": {"nom": "", "fonction": ""},
        "instances": [{"nom": "Comité de pilotage", "composition": "", "frequence": "", "role": ""}],
        "referents": [{"organisme": "og1", "nom": "", "fonction": ""}],
        "amoa": {"prestataire": None, "financement_demande": False, "accord_ars": None},
        "mutualisation": "",
    },
    "planning": {"debut": None, "fin_deploiement": None, "jalons": [], "vagues": []},
    "couts": {"postes": [], "rh": [], "ressources_autres": []},
    "note": {"contexte": "", "objectifs": [], "enjeux": [], "points_attention": []},
    "deploiement": {"strategie": "", "reprise_donnees": "", "interfaces": [], "services_socles": ["MSSanté", "DMP", "INS", "Pro Santé Connect"]},
    "conduite_changement": {"groupe_travail": "", "communication": "", "formation": "", "sensibilisation": "", "risques": []},
    "sad_demande": False,
}


def profils_regionaux() -> dict[str, str]:
    """Région -> the deposit profile its ARS declares (``regions`` of the profile)."""
    return {region: nom for nom in profils_disponibles() for region in charger_profil(nom).regions}


def profil_de_region(region: str | None, campagne: str = SQUELETTE["campagne"]) -> str:
    """The deposit profile of a région's ARS for the campaign when it has its own, else the default one."""
    from .rules.profil_depot import choisir_profil

    return choisir_profil(campagne, region).nom


def squelette_json(exemple: bool = False, region: str | None = None) -> tuple[str, str]:
    """The skeleton (profile chosen from the région), or the reference example; with the profile's name."""
    if exemple:
        texte = resources.files("dossier.campaigns").joinpath("exemple-normandie-2023.json").read_text("utf-8")
        return texte, charger_profil(json.loads(texte)["depot"]["profil"]).nom
    squelette = copy.deepcopy(SQUELETTE)
    profil = profil_de_region(region)  # said to the user; left out of the file, so that it follows the région
    squelette["porteur"]["region"] = region
    return json.dumps(squelette, ensure_ascii=False, indent=2) + "\n", profil


# --------------------------------------------------------------------------- what a complete dossier needs

#: What the pieces need beyond a valid file, in the order of the fiche; ``[]`` walks each item of a list.
A_COMPLETER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Porteur", ("porteur.statut_juridique", "porteur.adresse", "porteur.commune")),
    ("Organismes", ("organismes[].siret", "organismes[].statut_juridique", "organismes[].nb_essms_total")),
    ("ESSMS", ("essms[].commune", "essms[].places", "essms[].professionnels", "essms[].personnes_accompagnees")),
    ("Solution", ("solution.version", "solution.hebergement", "solution.mise_en_concurrence")),
    ("Gouvernance", ("gouvernance.chef_de_projet.etp", "gouvernance.dpo", "gouvernance.rsi", "gouvernance.responsable_traitement",
                     "gouvernance.instances", "gouvernance.referents", "gouvernance.mutualisation")),
    ("Planning", ("depot.date", "planning.debut", "planning.fin_deploiement", "planning.jalons", "planning.vagues")),
    ("Coûts", ("couts.postes", "couts.rh")),
    ("Textes", ("note.contexte", "note.objectifs", "note.enjeux", "deploiement.strategie", "deploiement.reprise_donnees",
                "deploiement.interfaces", "conduite_changement.groupe_travail", "conduite_changement.communication",
                "conduite_changement.formation", "conduite_changement.sensibilisation", "conduite_changement.risques")),
)


@dataclass(frozen=True)
class ACompleter:
    """A field still empty that a complete dossier needs."""

    rubrique: str
    chemin: str  # e.g. ``essms[3].places``
    description: str  # the field's description in the model

    def __str__(self) -> str:
        return f"{self.chemin} : {self.description}"


def _vide(valeur: Any) -> bool:
    return valeur is None or (isinstance(valeur, str) and not valeur.strip()) or (isinstance(valeur, list) and not valeur)


def _description(modele: type[BaseModel], champ: str) -> str:
    return (modele.model_fields[champ].description or champ).rstrip(".")


def _parcourir(objet: Any, parties: list[str], chemin: str) -> list[tuple[str, str]]:
    """(path, description) of each empty field at ``parties`` below ``objet``."""
    nom, reste = parties[0], parties[1:]
    liste = nom.endswith("[]")
    nom = nom.removesuffix("[]")
    valeur = getattr(objet, nom)
    ici = f"{chemin}.{nom}" if chemin else nom
    if not reste:
        return [(ici, _description(type(objet), nom))] if _vide(valeur) else []
    if valeur is None:
        return [(ici, _description(type(objet), nom))]
    if liste:
        return [t for i, item in enumerate(valeur) for t in _parcourir(item, reste, f"{ici}[{i}]")]
    return _parcourir(valeur, reste, ici)


def _sans_objet(projet: Projet, chemin: str) -> bool:
    """A home-help service has no authorised places (its activity is counted in hours)."""
    m = re.fullmatch(r"essms\[(\d+)\]\.places", chemin)
    return bool(m) and projet.essms[int(m[1])].aide_a_domicile


def a_completer(projet: Projet) -> list[ACompleter]:
    """Everything a complete dossier still needs, in the order of the fiche (one entry per missing field)."""
    manques: list[ACompleter] = []
    for rubrique, chemins in A_COMPLETER:
        vus: set[str] = set()
        section = []
        for chemin in chemins:
            for ici, description in _parcourir(projet, chemin.split("."), ""):
                parent = ici.rsplit(".", 1)[0]
                if parent in vus or _sans_objet(projet, ici):  # an absent object is reported once
                    continue
                vus.add(ici)
                section.append(ACompleter(rubrique, ici, description))
        manques += sorted(section, key=lambda m: [int(i) for i in re.findall(r"\[(\d+)\]", m.chemin)])  # item order
    return manques
