"""Field types of the project model: validated scalars (FINESS, SIRET, dates, amounts, régions…), French messages."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .. import identifiers as ids

# --------------------------------------------------------------------------- field types


def _erreur(message: str) -> PydanticCustomError:
    return PydanticCustomError("dossier", message)


_INTERDITS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texte(v: Any) -> Any:
    if not isinstance(v, str):
        raise _erreur("doit être un texte (entre guillemets)")
    interdit = _INTERDITS_XML.search(v)
    if interdit:
        raise _erreur(f"caractère de contrôle interdit (U+{ord(interdit.group()):04X}) : Word et Excel ne peuvent pas l'enregistrer")
    return v


def _finess(v: Any) -> str:
    raison = ids.erreur_finess(_texte(v))
    if raison:
        raise _erreur(raison)
    return ids.normaliser_finess(v)


def _siret(v: Any) -> str:
    raison = ids.erreur_siret(_texte(v))
    if raison:
        raise _erreur(raison)
    return ids.normaliser_siret(v)


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.date):
        return v
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        raise _erreur(f"date invalide « {v} » (format attendu AAAA-MM-JJ)")
    try:
        date = dt.date.fromisoformat(v)
    except ValueError:
        raise _erreur(f"date impossible « {v} »") from None
    if not ANNEES_PLAUSIBLES[0] <= date.year <= ANNEES_PLAUSIBLES[1]:
        raise _erreur(f"date invraisemblable « {v} » (attendue entre {ANNEES_PLAUSIBLES[0]} et {ANNEES_PLAUSIBLES[1]})")
    return date


#: Dates of a project of the programme (deposit, contract, planning) lie in this range of years.
ANNEES_PLAUSIBLES = (2000, 2099)


def _nombre(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        raise _erreur(f"doit être un nombre (reçu « {v} »)")
    if isinstance(v, float) and not math.isfinite(v):
        raise _erreur("nombre non fini")
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if d < 0:
        raise _erreur(f"ne peut pas être négatif ({v})")
    if abs(d) >= Decimal(10) ** 12:
        raise _erreur(f"nombre démesuré ({v})")
    return d


def _montant(v: Any) -> Decimal:
    d = _nombre(v)
    if d != d.quantize(Decimal("0.01")):
        raise _erreur(f"montant avec plus de 2 décimales ({v})")
    return d


def _entier(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _erreur(f"doit être un nombre entier (reçu « {v} »)")
    if v < 0:
        raise _erreur(f"ne peut pas être négatif ({v})")
    if v >= 10**9:
        raise _erreur(f"nombre démesuré ({v})")
    return v


def _booleen(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _erreur(f"doit valoir true ou false (reçu « {v} »)")
    return v


def _region(v: Any) -> str:
    if _texte(v) not in ids.REGIONS:
        proche = difflib.get_close_matches(v, ids.REGIONS, n=1)
        conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
        raise _erreur(f"région inconnue « {v} »{conseil} ; régions admises : " + ", ".join(ids.REGIONS))
    return v


def _categorie(v: Any) -> str:
    if not re.fullmatch(r"[0-9]{3}", _texte(v)):
        raise _erreur(f"catégorie FINESS invalide « {v} » (code à 3 chiffres)")
    return v


def _non_vide(v: Any) -> str:
    if not _texte(v).strip():
        raise _erreur("ne doit pas être vide")
    return v


_SCHEMA_DATE = {"type": "string", "format": "date"}
_SCHEMA_NOMBRE = {"type": "number", "minimum": 0}
Texte = Annotated[str, BeforeValidator(_texte)]
Nom = Annotated[str, BeforeValidator(_non_vide), WithJsonSchema({"type": "string", "minLength": 1})]
Finess = Annotated[str, BeforeValidator(_finess), WithJsonSchema({"type": "string", "pattern": r"^\s*[0-9]\s*[0-9ABab](\s*[0-9]){7}\s*$"})]
Siret = Annotated[str, BeforeValidator(_siret), WithJsonSchema({"type": "string", "pattern": r"^[0-9\s]{14,}$"})]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema(_SCHEMA_DATE)]
Nombre = Annotated[Decimal, BeforeValidator(_nombre), WithJsonSchema(_SCHEMA_NOMBRE)]
Montant = Annotated[Decimal, BeforeValidator(_montant), WithJsonSchema({**_SCHEMA_NOMBRE, "multipleOf": 0.01})]
Entier = Annotated[int, BeforeValidator(_entier), WithJsonSchema({"type": "integer", "minimum": 0})]
Booleen = Annotated[bool, BeforeValidator(_booleen), WithJsonSchema({"type": "boolean"})]
Region = Annotated[str, BeforeValidator(_region), WithJsonSchema({"type": "string", "enum": list(ids.REGIONS)})]
CodeCategorie = Annotated[str, BeforeValidator(_categorie), WithJsonSchema({"type": "string", "pattern": r"^\d{3}$"})]
Textes = list[Texte]


def _domaine_segur(v: Any) -> str:
    if _texte(v).strip() not in ("MS1", "MS2"):
        raise _erreur(f"domaine Ségur inconnu « {v} » (MS1 : PA, PH, domicile ; MS2 : protection de l'enfance, difficultés spécifiques)")
    return v.strip()


DomaineSegur = Annotated[str, BeforeValidator(_domaine_segur), WithJsonSchema({"type": "string", "enum": ["MS1", "MS2"]})]


class Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
