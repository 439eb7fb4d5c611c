"""Identifiants : FINESS (clé, département, région), SIRET, catégories FINESS et secteurs."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as _siret

_FINESS_RE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")

REGIONS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "Occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("9701",),
    "Martinique": ("9702",),
    "Guyane": ("9703",),
    "La Réunion": ("9704",),
    "Mayotte": ("9805",),
}
_REGION_DU_DEPARTEMENT = {dep: region for region, deps in REGIONS.items() for dep in deps}

SECTEURS = {
    "PA": "Personnes âgées",
    "PH": "Personnes handicapées",
    "DOM": "Domicile",
    "PDE": "Protection de l'enfance",
    "PDS": "Personnes en difficultés spécifiques",
    "AHI": "Accueil, hébergement, insertion",
    "PJM": "Protection juridique des majeurs",
    "multi": "Multi-secteurs",
    "sanitaire": "Sanitaire (non éligible)",
}

#: Categories of home-help services (SAA, SAAS) whose forfaits are prorated (rules.md §6).
CATEGORIES_DOMICILE_AIDE = frozenset({"460", "209"})


def normaliser_finess(valeur: str) -> str:
    """FINESS without spaces, upper case (``14 000 123 4`` -> ``140001234``)."""
    return re.sub(r"\s+", "", valeur).upper()


def finess_valide(finess: str) -> bool:
    """Format and Luhn check key (Corsica: 2A read as 21, 2B as 22)."""
    if not _FINESS_RE.match(finess) or ("A" in finess or "B" in finess) and finess[:2] not in ("2A", "2B"):
        return False
    chiffres = {"2A": "21", "2B": "22"}.get(finess[:2], finess[:2]) + finess[2:]
    return luhn.is_valid(chiffres)


def erreur_finess(valeur: str) -> str | None:
    """French reason why ``valeur`` is not a FINESS number, or None when it is valid."""
    finess = normaliser_finess(valeur)
    if not _FINESS_RE.match(finess):
        return f"numéro FINESS mal formé « {valeur} » (9 caractères : chiffres, 2A ou 2B pour la Corse)"
    if not finess_valide(finess):
        return f"clé de contrôle FINESS invalide « {valeur} »"
    return None


def departement(finess: str) -> str:
    """Département code from a FINESS prefix (4 characters overseas: 9701…9806)."""
    return finess[:4] if finess.startswith(("97", "98")) else finess[:2]


def region_du_finess(finess: str) -> str | None:
    """ARS région of a FINESS number, None when its département has no ARS région (e.g. 9806)."""
    return _REGION_DU_DEPARTEMENT.get(departement(finess))


def corse_ou_outre_mer(finess: str) -> bool:
    """True for Corsica or overseas (8-ESSMS thresholds)."""
    return finess.startswith(("2A", "2B", "97", "98"))


def normaliser_siret(valeur: str) -> str:
    return _siret.compact(re.sub(r"\s+", "", valeur))


def erreur_siret(valeur: str) -> str | None:
    """French reason why ``valeur`` is not a valid SIRET, or None (python-stdnum, La Poste included)."""
    if not valeur.strip():
        return "SIRET manquant (14 chiffres)"
    try:
        _siret.validate(normaliser_siret(valeur))
    except StdnumError:
        return f"SIRET invalide « {valeur} » (14 chiffres, clé de contrôle)"
    return None


def formater_siret(siret: str) -> str:
    """``12345678900012`` -> ``123 456 789 00012``."""
    return _siret.format(siret)


@dataclass(frozen=True)
class Categorie:
    code: str
    libelle: str
    secteur: str
    eligible: bool

    @property
    def libelle_secteur(self) -> str:
        return SECTEURS[self.secteur]


@cache
def _categories() -> dict[str, Categorie]:
    texte = resources.files("dossier.campaigns").joinpath("categories.toml").read_text("utf-8")
    return {code: Categorie(code=code, **v) for code, v in tomllib.loads(texte)["categories"].items()}


def categorie(code: str) -> Categorie | None:
    """FINESS category of an ESSMS, None when the code is not in the table."""
    return _categories().get(code)
