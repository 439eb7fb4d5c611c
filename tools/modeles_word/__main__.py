"""``python -m tools.modeles_word [DOSSIER]``: write the Word templates (default: the repository's templates/)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import RACINE, generer

if __name__ == "__main__":
    cible = Path(sys.argv[1]) if len(sys.argv) > 1 else RACINE / "templates"
    for chemin in generer(cible):
        print(chemin)
