"""Excel pieces, one module per workbook; ``commun`` holds the cell helpers they share.

Workbooks are built in code (their template is the charter ``classeurs.xlsx``, see ``charte``):
cells keep numbers, dates and formulas (French number formats), and every sheet opens with the
project title, the porteur and the date of the dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from openpyxl import Workbook

from ...model import Projet
from ...rules import Financement
from ..charte import charger_charte, poser_bandeaux
from .commun import STYLES, nouveau_classeur
from .financement import construire_plan_de_financement, marqueurs_financement
from .materiels import construire_materiels
from .planning import PHASES, construire_planning, marqueurs_planning
from .saad import construire_declaration_saad

#: Gantt sheets of each planning workbook: ``planning`` has the three, ``planning-projet``,
#: ``planning-deploiement`` and ``planning-conduite`` one each (profiles with one slot per planning).
_PHASES_PLANNINGS = {
    "planning": PHASES,
    "planning-projet": ("projet",),
    "planning-deploiement": ("deploiement",),
    "planning-conduite": ("conduite_changement",),
}
#: Workbook builders by name (a profile piece's ``modele``): each fills an empty workbook with its
#: sheets, using the helpers of ``commun``. A new workbook is one module and one entry here.
CONSTRUCTEURS: dict[str, Callable[[Workbook, Projet, Financement], None]] = {
    **{nom: partial(construire_planning, phases=phases) for nom, phases in _PHASES_PLANNINGS.items()},
    "plan-de-financement": construire_plan_de_financement,
    "declaration-heures-saad": construire_declaration_saad,
    "materiels": construire_materiels,
}
FICHIERS_XLSX = tuple(CONSTRUCTEURS)


def marqueurs_xlsx(modele: str, projet: Projet) -> list[str]:
    """What the ``[À COMPLÉTER : …]`` markers of the workbook ``modele`` ask for (``render`` lists them)."""
    if modele in _PHASES_PLANNINGS:
        return marqueurs_planning(projet, _PHASES_PLANNINGS[modele])
    return marqueurs_financement(projet) if modele == "plan-de-financement" else []


def rendre_xlsx(modele: str, projet: Projet, fin: Financement, dest: Path, modeles: Path | None = None) -> None:
    """Write the workbook ``modele`` (one of FICHIERS_XLSX) of ``projet`` to ``dest``.

    The charter ``classeurs.xlsx`` of ``modeles`` (``--templates``), when there is one, sets the
    appearance of their cell styles and their header and footer.
    """
    if modele not in CONSTRUCTEURS:
        raise ValueError(f"classeur inconnu « {modele} » ; classeurs : {', '.join(FICHIERS_XLSX)}")
    charte = charger_charte(modeles, frozenset(STYLES))
    wb = nouveau_classeur(charte)
    wb.properties.title = f"{projet.intitule} — {modele}"
    wb.properties.creator = projet.porteur.raison_sociale
    wb.properties.language = "fr-FR"
    CONSTRUCTEURS[modele](wb, projet, fin)
    if charte:
        for ws in wb.worksheets:
            poser_bandeaux(ws, charte.entete, charte.pied)
    wb.save(Path(dest))
