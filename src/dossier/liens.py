"""Why a symbolic link of a deposit folder is refused, in words the porteur understands (issue 20 item 18).

A link leading outside the folder is never read (pieces.md, "Only regular files are read"); a link
to a device, a FIFO or a socket (``/dev/zero``…) is named as such, so the porteur sees which file is
refused and why, not « pièce obligatoire absente ».
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .lecture import _nature


def motif_lien(chemin: Path) -> str:
    """The reason a link leading outside the deposit folder is refused."""
    try:
        cible = os.readlink(chemin)
    except OSError:
        cible = "?"
    try:
        mode = os.stat(chemin).st_mode
    except OSError:
        return f"lien symbolique cassé (vers {cible}) : refusé"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"lien vers un fichier spécial ({cible}, {_nature(mode)}) : refusé"
    return "lien symbolique vers l'extérieur du dossier : refusé (copier le fichier dans le dossier)"
