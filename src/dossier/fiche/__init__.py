"""The project workbook (« fiche projet »): a project people fill in Excel, read back into the model."""

from __future__ import annotations

from pathlib import Path

from ..model import Projet, charger_projet
from .ecriture import ecrire_fiche
from .lecture import charger_fiche, lire_classeur, valider_lecture

EXTENSIONS_FICHE = (".xlsx", ".xlsm")

__all__ = ["EXTENSIONS_FICHE", "charger_fiche", "charger_projet_ou_fiche", "donnees_projet", "ecrire_fiche",
           "est_fiche", "lire_classeur", "valider_lecture"]


def est_fiche(chemin: str | Path) -> bool:
    return Path(chemin).suffix.lower() in EXTENSIONS_FICHE


def charger_projet_ou_fiche(chemin: str | Path) -> Projet:
    """The project of a JSON project file or of a project workbook (by its extension)."""
    return charger_fiche(chemin) if est_fiche(chemin) else charger_projet(chemin)


def donnees_projet(projet: Projet) -> dict:
    """Model data of a project as the workbook writer takes it."""
    return projet.model_dump(mode="python", exclude_none=True)
