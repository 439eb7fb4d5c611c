"""Reading a project file: JSON parsing, validation, every problem at once with the path of its field."""

from __future__ import annotations

import difflib
import json
import typing
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from ..errors import DossierError, Probleme, ProjetInvalide, raison_systeme
from ..lecture import TAILLE_MAX_PROJET, LectureRefusee, lire_octets
from .coherence import _coherence
from .projet import Projet

# --------------------------------------------------------------------------- reading a file


class _ObjetJson(dict):
    """A JSON object remembering the keys it saw twice."""

    doublons: list[str]


def _objet(paires: list[tuple[str, Any]]) -> _ObjetJson:
    objet = _ObjetJson()
    objet.doublons = []
    for cle, valeur in paires:
        if cle in objet:
            objet.doublons.append(cle)
        objet[cle] = valeur
    return objet


def _constante_interdite(nom: str) -> Any:
    raise ValueError(f"valeur {nom} non admise en JSON")


_MESSAGES_JSON = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting value": "valeur attendue",
    "Unterminated string starting at": "texte non terminé (guillemet fermant manquant)",
    "Extra data": "données en trop après la fin du JSON",
    "Invalid control character at": "caractère de contrôle interdit dans un texte (saut de ligne : écrire \\n)",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def lire_json(texte: str, fichier: str = "") -> Any:
    """Parse JSON; syntax errors become a ProjetInvalide with line and column."""
    try:
        return json.loads(texte, object_pairs_hook=_objet, parse_constant=_constante_interdite)
    except json.JSONDecodeError as e:
        msg = _MESSAGES_JSON.get(e.msg, "syntaxe JSON invalide")
        raise ProjetInvalide(fichier, [Probleme("", f"JSON invalide ligne {e.lineno}, colonne {e.colno} : {msg}")]) from None
    except ValueError as e:
        raison = "nombre démesuré (plus de 4 300 chiffres)" if "int_max_str_digits" in str(e) else str(e)
        raise ProjetInvalide(fichier, [Probleme("", f"JSON invalide : {raison}")]) from None
    except RecursionError:
        raise ProjetInvalide(fichier, [Probleme("", "JSON invalide : imbrication trop profonde")]) from None


def charger_projet(chemin: str | Path) -> Projet:
    """Read and validate a project file; raise ProjetInvalide listing every problem."""
    chemin = Path(chemin)
    try:
        brut = lire_octets(chemin, TAILLE_MAX_PROJET)
    except FileNotFoundError:
        raise DossierError(f"fichier projet introuvable : {chemin}") from None
    except LectureRefusee as e:
        raise DossierError(f"fichier projet refusé : {chemin} ({e.raison})") from None
    except OSError as e:
        raise DossierError(f"fichier projet illisible : {chemin} ({raison_systeme(e)})") from None
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ProjetInvalide(
            str(chemin), [Probleme("", f"le fichier n'est pas encodé en UTF-8 (octet invalide à la position {e.start})")]
        ) from None
    donnees = lire_json(texte, str(chemin))
    longs = _textes_trop_longs(donnees)
    try:
        projet = valider(donnees, str(chemin))
    except ProjetInvalide as e:
        raise ProjetInvalide(str(chemin), e.problemes + longs) from None
    if longs:
        raise ProjetInvalide(str(chemin), longs)
    return projet


TEXTE_MAX_EXCEL = 32_767  # characters an Excel cell holds; longer texts would be cut without a word


def _textes_trop_longs(donnees: Any) -> list[Probleme]:
    """Texts longer than an Excel cell, each with its path: refused rather than cut in a workbook
    (walked without recursion: the JSON may be nested as deep as the parser allows)."""
    problemes, pile = [], [((), donnees)]
    while pile:
        loc, valeur = pile.pop()
        if isinstance(valeur, str) and len(valeur) > TEXTE_MAX_EXCEL:
            problemes.append(Probleme(formater_chemin(loc), f"texte de {len(valeur)} caractères : au-delà de {TEXTE_MAX_EXCEL}, "
                                              "une cellule Excel ne peut pas le contenir ; le raccourcir"))
        elif isinstance(valeur, dict):
            pile += [((*loc, str(k)), v) for k, v in reversed(valeur.items())]
        elif isinstance(valeur, list):
            pile += [((*loc, i), v) for i, v in reversed(list(enumerate(valeur)))]
    return problemes


def valider(donnees: Any, fichier: str = "") -> Projet:
    """Validate parsed JSON data against the model and the cross-field rules of contract.md."""
    if not isinstance(donnees, dict):
        raise ProjetInvalide(fichier, [Probleme("", "le projet doit être un objet JSON ({ … })")])
    problemes = _doublons_de_cles(donnees, "")
    projet = None
    try:
        projet = Projet.model_validate(donnees)
    except ValidationError as e:
        problemes += [_probleme(err) for err in e.errors()]
    except RecursionError:
        problemes.append(Probleme("", "structure trop profondément imbriquée"))
    problemes += _coherence(donnees)
    if problemes:
        raise ProjetInvalide(fichier, _uniques(problemes))
    assert projet is not None
    return projet


def _uniques(problemes: list[Probleme]) -> list[Probleme]:
    return list(dict.fromkeys(problemes))


def _doublons_de_cles(valeur: Any, chemin: str) -> list[Probleme]:
    problemes: list[Probleme] = []
    pile = [(valeur, chemin)]
    while pile:
        v, c = pile.pop()
        if isinstance(v, _ObjetJson):
            problemes += [
                Probleme(_joindre(c, cle), "clé répétée dans le même objet (seule la dernière valeur serait lue)")
                for cle in dict.fromkeys(v.doublons)
            ]
            pile += [(sv, _joindre(c, k)) for k, sv in v.items()]
        elif isinstance(v, list):
            pile += [(sv, f"{c}[{i}]") for i, sv in enumerate(v)]
    return sorted(problemes, key=lambda p: p.chemin)


def _joindre(chemin: str, cle: str) -> str:
    return f"{chemin}.{cle}" if chemin else cle


def formater_chemin(loc: tuple) -> str:
    chemin = ""
    for part in loc:
        chemin = f"{chemin}[{part}]" if isinstance(part, int) else _joindre(chemin, str(part))
    return chemin


def _modele_a(loc: tuple) -> type[BaseModel] | None:
    """The model class found at ``loc`` below Projet (for unknown-key suggestions)."""
    modele: Any = Projet
    for part in loc:
        if isinstance(part, int):
            continue
        champ = modele.model_fields.get(part) if isinstance(modele, type) and issubclass(modele, BaseModel) else None
        if champ is None:
            return None
        modele = _modele_dans(champ.annotation)
    return modele if isinstance(modele, type) and issubclass(modele, BaseModel) else None


def _modele_dans(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        trouve = _modele_dans(arg)
        if trouve is not None:
            return trouve
    return None


_TYPES_ATTENDUS = {
    "string_type": "doit être un texte (entre guillemets)",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "bool_type": "doit valoir true ou false",
    "bool_parsing": "doit valoir true ou false",
    "list_type": "doit être une liste [ … ]",
    "dict_type": "doit être un objet { … }",
    "model_type": "doit être un objet { … }",
    "model_attributes_type": "doit être un objet { … }",
    "missing": "champ obligatoire absent",
}


def _probleme(err: dict) -> Probleme:
    loc = tuple(err["loc"])
    typ = err["type"]
    chemin = formater_chemin(loc)
    if typ == "dossier":
        return Probleme(chemin, err["msg"])
    if typ == "extra_forbidden":
        modele = _modele_a(loc[:-1])
        cle = str(loc[-1])
        proche = difflib.get_close_matches(cle, list(modele.model_fields), n=1, cutoff=0.6) if modele else []
        conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
        return Probleme(chemin, f"clé inconnue « {cle} »{conseil}")
    if typ == "literal_error":
        attendu = err.get("ctx", {}).get("expected", "")
        return Probleme(chemin, f"valeur « {err.get('input')} » non admise ; valeurs possibles : {attendu.replace(' or ', ' ou ')}")
    if typ == "too_short":
        return Probleme(chemin, "la liste ne doit pas être vide")
    if typ in _TYPES_ATTENDUS:
        return Probleme(chemin, _TYPES_ATTENDUS[typ])
    return Probleme(chemin, f"valeur invalide ({typ})")
