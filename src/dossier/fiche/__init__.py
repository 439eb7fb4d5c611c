"""The project workbook (« fiche projet »): a project people fill in Excel, read back into the model."""

from __future__ import annotations

from pathlib import Path

from ..model import Projet, charger_projet

EXTENSIONS_FICHE = (".xlsx", ".xlsm")

__all__ = ["EXTENSIONS_FICHE", "charger_fiche", "charger_projet_ou_fiche", "donnees_projet", "ecrire_fiche",
           "est_fiche", "lire_classeur", "reperes_fiche", "valider_lecture"]


def est_fiche(chemin: str | Path) -> bool:
    return Path(chemin).suffix.lower() in EXTENSIONS_FICHE


def charger_projet_ou_fiche(chemin: str | Path) -> Projet:
    """The project of a JSON project file or of a project workbook (by its extension)."""
    if est_fiche(chemin):
        from .lecture import charger_fiche

        return charger_fiche(chemin)
    return charger_projet(chemin)


_PARESSEUX = {"ecrire_fiche": "ecriture", "charger_fiche": "lecture", "lire_classeur": "lecture",
              "valider_lecture": "lecture"}


def __getattr__(nom: str):
    """The workbook reader and writer are imported on first use: a JSON project never loads them."""
    if nom in _PARESSEUX:
        import importlib

        return getattr(importlib.import_module(f".{_PARESSEUX[nom]}", __name__), nom)
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")


def donnees_projet(projet: Projet) -> dict:
    """Model data of a project as the workbook writer takes it."""
    return projet.model_dump(mode="python", exclude_none=True, exclude_unset=True)


def reperes_fiche(projet: str | Path):
    """For a fiche, what names JSON paths as sheet and cell (``reperes.Reperes``); None for a JSON project."""
    if not est_fiche(projet):
        return None
    from .reperes import reperes

    return reperes(projet)
