"""The financing of a project: its amounts and the checks that bear on them (rules.md §10: financement and check agree)."""

from __future__ import annotations

import datetime as dt

from ..campaigns import Campagne
from ..model import Projet
from .financement import IDS_MONTANTS, Financement, _montants
from .recevabilite import verifier_recevabilite


def calculer_financement(projet: Projet, campagne: Campagne, aujourdhui: dt.date | None = None) -> Financement:
    """Forfaits, small-OG items, totals, advance/balance. Raises MontantsInconnus rather than guess."""
    fin = _montants(projet, campagne)
    fin.controles = verifier_recevabilite(projet, campagne, aujourdhui, montants=fin)
    fin.alertes = [c for c in fin.controles if c.id in IDS_MONTANTS and not c.ok]
    return fin
