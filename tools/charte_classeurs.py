"""Generate the charter of the Excel workbooks (templates/classeurs.xlsx) from the styles of dossier.

    PYTHONPATH=src python3 tools/charte_classeurs.py [DOSSIER]     # default: templates/

The charter lists every cell style of the workbooks with a sample cell in that style; a consultant
edits it and renders with ``--templates`` (see ``dossier.render.charte``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dossier.render.charte import NOM_CHARTE
from dossier.render.classeurs.commun import ecrire_charte_par_defaut

RACINE = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    cible = Path(sys.argv[1]) if len(sys.argv) > 1 else RACINE / "templates"
    ecrire_charte_par_defaut(cible / NOM_CHARTE)
    print(cible / NOM_CHARTE)
