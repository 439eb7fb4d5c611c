"""Excel pieces, one module per workbook; ``commun`` holds the cell helpers they share.

Workbooks are built in code (their template is the charter ``classeurs.xlsx``, see ``charte``):
cells keep numbers, dates and formulas (French number formats), and every sheet opens with the
project title, the porteur and the date of the dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from ...model import Projet
from ...rules import Financement
from ..charte import charger_charte, poser_bandeaux
from .commun import STYLES, nouveau_classeur
from .financement import construire_plan_de_financement
from .materiels import construire_materiels
from .planning import construire_planning
from .saad import construire_declaration_saad

#: Workbook slug -> builder filling an empty workbook with its sheets.
CONSTRUCTEURS: dict[str, Callable[[Workbook, Projet, Financement], None]] = {
    "planning": construire_planning,
    "plan-de-financement": construire_plan_de_financement,
    "declaration-heures-saad": construire_declaration_saad,
    "materiels": construire_materiels,
}
FICHIERS_XLSX = tuple(CONSTRUCTEURS)


def rendre_xlsx(fichier_slug: str, projet: Projet, fin: Financement, dest: Path, modeles: Path | None = None) -> None:
    """Write the workbook ``fichier_slug`` (one of FICHIERS_XLSX) of ``projet`` to ``dest``.

    The charter ``classeurs.xlsx`` of ``modeles`` (``--templates``), when there is one, sets the
    appearance of their cell styles and their header and footer.
    """
    if fichier_slug not in CONSTRUCTEURS:
        raise ValueError(f"classeur inconnu « {fichier_slug} » ; classeurs : {', '.join(FICHIERS_XLSX)}")
    charte = charger_charte(modeles, frozenset(STYLES))
    wb = nouveau_classeur(charte)
    wb.properties.title = f"{projet.intitule} — {fichier_slug}"
    wb.properties.creator = projet.porteur.raison_sociale
    wb.properties.language = "fr-FR"
    CONSTRUCTEURS[fichier_slug](wb, projet, fin)
    if charte:
        for ws in wb.worksheets:
            poser_bandeaux(ws, charte.entete, charte.pied)
    wb.save(Path(dest))
