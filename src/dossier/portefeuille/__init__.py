"""The consultant's portfolio: every project of a folder at a glance (issue 24).

Library first (the portal's home page calls the same functions): ``decouvrir`` finds the projects,
``analyser_projet`` makes one row, ``construire_portefeuille`` / ``portefeuille_de`` the table (both
cores), ``ecrire_classeur`` the Excel export, ``rendre_portefeuille`` the pieces of every valid project
with one warm LibreOffice.
"""

from __future__ import annotations

from .analyse import BLOQUANTS, STATUTS, LignePortefeuille, analyser_projet
from .decouverte import EntreeProjet, decouvrir
from .tableau import Portefeuille, TotalGroupe, construire_portefeuille, ligne_json, portefeuille_de, portefeuille_json, trier

__all__ = ["BLOQUANTS", "STATUTS", "EntreeProjet", "LignePortefeuille", "Portefeuille", "TotalGroupe",
           "analyser_projet", "construire_portefeuille", "decouvrir", "ligne_json", "portefeuille_de",
           "portefeuille_json", "trier"]
