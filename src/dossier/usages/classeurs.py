"""The workbook charter helpers the usage workbooks share with the dossier's workbooks.

This is the one import from the Excel renderer: once ``render/xlsx.py`` is split into
``render/classeurs``, switch this block to ``from ..render.classeurs.commun import …`` (same names;
``NATURES`` comes from ``render.classeurs.financement``).
"""

from ..render.xlsx import MOIS, NATURES  # noqa: F401
from ..render.xlsx import _classeur as nouveau_classeur  # noqa: F401
from ..render.xlsx import _ecrire as ecrire  # noqa: F401
from ..render.xlsx import _en_tetes as en_tetes  # noqa: F401
from ..render.xlsx import _entete as entete  # noqa: F401
from ..render.xlsx import _formule as formule  # noqa: F401
from ..render.xlsx import _largeur_texte as largeur_texte  # noqa: F401
from ..render.xlsx import _largeurs as largeurs  # noqa: F401
from ..render.xlsx import _mise_en_page as mise_en_page  # noqa: F401
from ..render.xlsx import _note as note  # noqa: F401


def entete_du_jour(ws, titre: str, projet) -> int:
    """The charter's sheet header, dated today: a usage-stage workbook is not dated like the deposit."""
    import datetime as dt

    suivante = entete(ws, titre, projet)
    ecrire(ws, 4, 2, dt.date.today(), "valeur-date")
    return suivante
