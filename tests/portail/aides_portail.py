"""Helpers of the portal tests (imported by name: conftest modules are not importable twice)."""

from __future__ import annotations

import json
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
EXEMPLE = RACINE / "examples" / "normandie-2023-acquisition.json"
MOT_DE_PASSE = "Cheval-Agrafe-Batterie-42"


def envoi(contenu: bytes, nom: str, type_: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nom, contenu, type_)


def envoi_json(donnees: dict, nom: str = "projet.json"):
    return envoi(json.dumps(donnees, ensure_ascii=False).encode("utf-8"), nom, "application/json")


def texte(reponse) -> str:
    return reponse.content.decode("utf-8")
