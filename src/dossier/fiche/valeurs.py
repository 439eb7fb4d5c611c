"""Cell values of the workbook: what people type, read back into model values (and the reverse).

Readers are lenient where a person's intent is unambiguous (``12 000,50 €``, ``15/05/2023``, a FINESS
whose leading zero Excel dropped, ``Oui``), and raise ``ValueError`` with a French reason otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from openpyxl.utils.datetime import from_excel

from .. import identifiers as ids
from .disposition import Champ, libelle_choix, normaliser

OUI = "oui"
NON = "non"
_BOOLEENS = {"oui": True, "o": True, "vrai": True, "true": True, "x": True, "1": True, "yes": True,
             "non": False, "n": False, "faux": False, "false": False, "0": False, "no": False}
_ESPACES = re.compile(r"[\s\u00a0\u202f]+")
#: Fields whose text is a reference to another row (an OG id): surrounding spaces are dropped.
REFERENCES = frozenset({"id", "organisme", "@parent"})
SEPARATEUR_CATEGORIE = " — "


def vide(brut: Any) -> bool:
    return brut is None or isinstance(brut, str) and not brut.strip()


def _texte_de_nombre(brut: Any) -> str:
    if isinstance(brut, float) and brut.is_integer():
        return str(int(brut))
    if isinstance(brut, (dt.datetime, dt.date)):
        return brut.date().isoformat() if isinstance(brut, dt.datetime) else brut.isoformat()
    return str(brut)


def _identifiant(brut: Any, longueur: int) -> tuple[str, str | None]:
    """Digits of a FINESS or SIRET, its leading zero restored when Excel dropped it."""
    texte = _ESPACES.sub("", _texte_de_nombre(brut)).upper()
    if re.fullmatch(r"[0-9]+", texte) and len(texte) == longueur - 1:
        return "0" + texte, f"zéro initial rétabli : « {texte} » lu « 0{texte} »"
    return texte, None


def _identifiant_controle(brut: Any, longueur: int, erreur: Callable[[str], str | None]) -> tuple[str, str | None]:
    """An identifier as typed (leading zero restored), checked by ``erreur``; the message quotes the cell."""
    texte, note = _identifiant(brut, longueur)
    raison = erreur(texte)
    if raison:
        raise ValueError(raison.replace(f"« {texte} »", f"« {str(brut).strip()} »"))
    return texte, note


def _finess(brut: Any) -> tuple[str, str | None]:
    return _identifiant_controle(brut, 9, ids.erreur_finess)


def _siret(brut: Any) -> tuple[str, str | None]:
    return _identifiant_controle(brut, 14, ids.erreur_siret)


def lire_decimal(brut: Any) -> Decimal:
    """A number as typed: ``12 000,50 €``, ``1.234,5``, ``0,5``, a float of the cell."""
    if isinstance(brut, bool):
        raise ValueError(f"nombre attendu (reçu « {brut} »)")
    if isinstance(brut, int):
        return Decimal(brut)
    if isinstance(brut, float):
        return Decimal(repr(brut))
    texte = _ESPACES.sub("", str(brut)).replace("€", "").replace("EUR", "")
    if "," in texte:
        texte = texte.replace(".", "").replace(",", ".")
    try:
        valeur = Decimal(texte)
    except InvalidOperation:
        raise ValueError(f"nombre illisible « {str(brut).strip()} »") from None
    if not valeur.is_finite():
        raise ValueError(f"nombre illisible « {str(brut).strip()} »")
    return valeur


def _entier(brut: Any) -> int:
    valeur = lire_decimal(brut)
    if valeur != valeur.to_integral_value():
        raise ValueError(f"nombre entier attendu (reçu « {str(brut).strip()} »)")
    return int(valeur)


def lire_date(brut: Any) -> dt.date:
    if isinstance(brut, dt.datetime):
        return brut.date()
    if isinstance(brut, dt.date):
        return brut
    if isinstance(brut, (int, float)) and not isinstance(brut, bool) and 1 <= brut < 2958466:
        return from_excel(brut).date()
    texte = str(brut).strip()
    for motif in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(texte, motif).date()
        except ValueError:
            continue
    raise ValueError(f"date illisible « {texte} » (attendue JJ/MM/AAAA)")


def _booleen(brut: Any) -> bool:
    if isinstance(brut, bool):
        return brut
    cle = normaliser(_texte_de_nombre(brut))
    if cle not in _BOOLEENS:
        raise ValueError(f"« {str(brut).strip()} » : répondre oui ou non")
    return _BOOLEENS[cle]


def _choix(brut: Any, champ: Champ) -> Any:
    cle = normaliser(_texte_de_nombre(brut))
    for choix in champ.choix:
        if normaliser(choix) == cle or normaliser(libelle_choix(choix)) == cle:
            return choix
    raise ValueError(f"valeur « {str(brut).strip()} » non admise ; valeurs possibles : "
                     f"{', '.join(libelle_choix(c) for c in champ.choix)}")


def _region(brut: Any) -> str:
    cle = normaliser(brut)
    return next((r for r in ids.REGIONS if normaliser(r) == cle), str(brut).strip())


@cache
def _categories_par_nom() -> dict[str, str]:
    """Category code by its name as people type it (« EHPAD », « Résidence autonomie »): full label,
    and the acronym before « — »; a name shared by several codes is left out (ambiguous)."""
    noms: dict[str, set[str]] = {}
    for code, info in ids._categories().items():
        for nom in {info.libelle, *info.libelle.split(" — ")}:
            if normaliser(nom):
                noms.setdefault(normaliser(nom), set()).add(code)
    return {nom: codes.pop() for nom, codes in noms.items() if len(codes) == 1}


def _categorie(brut: Any) -> str:
    texte = _texte_de_nombre(brut).strip()
    code = re.match(r"[0-9]+", texte)
    if code and len(code.group()) <= 3 and (code.end() == len(texte) or not texte[code.end()].isalnum()):
        return code.group().zfill(3)
    par_nom = _categories_par_nom().get(normaliser(texte)) if len(texte) <= 200 else None
    if par_nom:
        return par_nom
    codes = set(re.findall(r"(?<![0-9])[0-9]{3}(?![0-9])", texte[:200]))
    if len(codes) == 1 and ids.categorie(next(iter(codes))):  # « EHPAD (500) »
        return codes.pop()
    raise ValueError(f"catégorie FINESS illisible « {texte} » (code à 3 chiffres, ex. 500, ou nom, ex. EHPAD)")


def lire(champ: Champ, brut: Any) -> tuple[Any, str | None]:
    """The model value of a non-empty cell and an optional note on a repair (raises ValueError)."""
    genre = champ.genre
    if genre == "finess":
        return _finess(brut)
    if genre == "siret":
        return _siret(brut)
    if genre in ("nombre", "montant"):
        valeur = lire_decimal(brut)
        if valeur < 0:
            raise ValueError(f"ne peut pas être négatif ({str(brut).strip()})")
        return valeur, None
    if genre == "entier":
        return _entier(brut), None
    if genre == "date":
        return lire_date(brut), None
    if genre == "booleen":
        return _booleen(brut), None
    if genre == "choix":
        return _choix(brut, champ), None
    if genre == "region":
        return _region(brut), None
    if genre == "categorie":
        return _categorie(brut), None
    if genre == "entiers":
        return [_entier(x) for x in re.split(r"[,;\s]+", _texte_de_nombre(brut).strip()) if x], None
    texte = _texte_de_nombre(brut)
    return (texte.strip() if champ.chemin[-1] in REFERENCES else texte), None


# --------------------------------------------------------------------------- writing


def _nombre_exact(valeur: Decimal) -> int | float | str:
    """A number Excel stores exactly, else its text (read back exactly by ``lire_decimal``)."""
    if valeur == valeur.to_integral_value() and abs(valeur) < 2**53:
        return int(valeur)
    flottant = float(valeur)
    return flottant if Decimal(repr(flottant)) == valeur else str(valeur)


def libelle_categorie(code: str) -> str:
    info = ids.categorie(code)
    return f"{code}{SEPARATEUR_CATEGORIE}{info.libelle}" if info else code


def cellule(champ: Champ, valeur: Any) -> Any:
    """What to write in the cell of ``champ`` for a model value (None: empty cell)."""
    if valeur is None:
        return None
    genre = champ.genre
    if genre in ("nombre", "montant", "entier"):
        return _nombre_exact(lire_decimal(valeur))
    if genre == "date":
        return lire_date(valeur)
    if genre == "booleen":
        return OUI if valeur else NON
    if genre == "categorie":
        return libelle_categorie(valeur)
    if genre == "entiers":
        return ", ".join(str(v) for v in valeur)
    if genre == "choix":
        return libelle_choix(valeur) if len(champ.choix) > 1 else valeur
    return str(valeur)
