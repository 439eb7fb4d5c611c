"""Project file skeleton written by ``dossier init``."""

from __future__ import annotations

import json
from importlib import resources


def _personne() -> dict:
    return {"civilite": "", "nom": "", "fonction": "", "email": ""}


SQUELETTE = {
    "version": 1,
    "campagne": "2023",
    "type_projet": "acquisition",
    "intitule": "",
    "depot": {"profil": "cnsa-2023", "date": None},
    "porteur": {
        "raison_sociale": "", "siret": "", "finess_ej": "", "statut_juridique": "", "adresse": "",
        "regime_tva": "TTC", "representant": _personne(),
    },
    "organismes": [{
        "id": "og1", "raison_sociale": "", "finess_ej": "", "siret": "", "statut_juridique": "",
        "representant": _personne(), "nb_essms_total": None,
    }],
    "solution": {
        "editeur": "", "logiciel": "", "version": "", "referencement_segur": "reference",
        "hebergement": "saas", "mise_en_concurrence": "sad", "contrat_editeur_date": None, "dpi_ght": False,
    },
    "essms": [{
        "finess_et": "", "finess_ej": "", "nom": "", "categorie": "", "organisme": "og1", "commune": "",
        "places": None, "professionnels": None, "personnes_accompagnees": None, "vague": 1,
    }],
    "gouvernance": {
        "chef_de_projet": {"nom": "", "fonction": "", "etp": None},
        "dpo": {"nom": "", "fonction": ""}, "rsi": {"nom": "", "fonction": ""},
        "responsable_traitement": {"nom": "", "fonction": ""},
        "instances": [{"nom": "Comité de pilotage", "composition": "", "frequence": "", "role": ""}],
        "referents": [{"organisme": "og1", "nom": "", "fonction": ""}],
        "amoa": {"prestataire": None, "financement_demande": False},
        "mutualisation": "",
    },
    "planning": {"debut": None, "fin_deploiement": None, "jalons": [], "vagues": []},
    "couts": {"postes": [], "rh": [], "ressources_autres": []},
    "note": {"contexte": "", "objectifs": [], "enjeux": [], "points_attention": []},
    "deploiement": {"strategie": "", "reprise_donnees": "", "interfaces": [], "services_socles": ["MSSanté", "DMP", "INS", "Pro Santé Connect"]},
    "conduite_changement": {"groupe_travail": "", "communication": "", "formation": "", "sensibilisation": "", "risques": []},
}


def squelette_json(exemple: bool = False) -> str:
    """The skeleton, or the reference example shipped with the package."""
    if exemple:
        return resources.files("dossier.campaigns").joinpath("exemple-normandie-2023.json").read_text("utf-8")
    return json.dumps(SQUELETTE, ensure_ascii=False, indent=2) + "\n"
