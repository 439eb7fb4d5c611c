"""Pictures of the first page of generated PDFs (poppler's ``pdftoppm``), stored by content hash."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import stockage

DELAI = 30  # seconds for one picture


def premiere_page(sha256_pdf: str) -> str:
    """sha256 of a PNG of the stored PDF's first page (50 dpi); '' when it cannot be made."""
    if shutil.which("pdftoppm") is None:
        return ""
    with tempfile.TemporaryDirectory(prefix="dossier-apercu-") as tmp:
        base = Path(tmp) / "apercu"
        try:
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                            str(stockage.chemin(sha256_pdf)), str(base)],
                           check=True, capture_output=True, timeout=DELAI, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return ""
        png = base.with_suffix(".png")
        return stockage.stocker_fichier(png)[0] if png.exists() else ""
