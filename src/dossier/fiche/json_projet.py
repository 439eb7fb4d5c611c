"""The project file (JSON) of a validated project, as ``fiche import`` and ``essms import`` write it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..model import Projet
from ..sorties import nombre_json


def _json(valeur: Any) -> Any:
    """Decimals as JSON numbers (integers when whole), dates as AAAA-MM-JJ."""
    if isinstance(valeur, dict):
        return {k: _json(v) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [_json(v) for v in valeur]
    if isinstance(valeur, Decimal):
        return nombre_json(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return valeur


def donnees_json(donnees: dict) -> str:
    return json.dumps(_json(donnees), ensure_ascii=False, indent=2) + "\n"


def projet_json(projet: Projet) -> str:
    return donnees_json(projet.model_dump(mode="python", exclude_none=True, exclude_unset=True))
