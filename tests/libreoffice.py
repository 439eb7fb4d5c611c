"""LibreOffice in the tests: recalculate generated workbooks.

openpyxl writes formulas without cached values; LibreOffice computes every formula of such a file
when it loads it, and a conversion xlsx -> xlsx writes the values next to the formulas, which
openpyxl then reads with ``data_only=True``. One LibreOffice process converts all the files of a
test module at once, with a private profile (no clash with another running LibreOffice).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
RAISON_ABSENT = ("LibreOffice (soffice) introuvable : impossible de recalculer les formules "
                 "(installer libreoffice-calc-nogui, cf. « make libreoffice »)")
DELAI = 300


def recalculer(fichiers: list[Path], sortie: Path, profil: Path) -> dict[Path, Path]:
    """Convert ``fichiers`` (distinct names) to recalculated .xlsx in ``sortie``, in one LibreOffice call."""
    assert SOFFICE, RAISON_ABSENT
    noms = [f.name for f in fichiers]
    assert len(set(noms)) == len(noms), "les classeurs à recalculer doivent avoir des noms distincts"
    sortie.mkdir(parents=True, exist_ok=True)
    commande = [
        SOFFICE, "--headless", "--norestore", "--nolockcheck", "--nodefault",
        f"-env:UserInstallation={profil.resolve().as_uri()}",
        "--convert-to", "xlsx:Calc Office Open XML", "--outdir", str(sortie), *map(str, fichiers),
    ]
    resultat = subprocess.run(commande, capture_output=True, timeout=DELAI, check=False)
    convertis = {f: sortie / f.name for f in fichiers}
    manquants = [str(f) for f, c in convertis.items() if not c.is_file()]
    assert not manquants, (f"LibreOffice n'a pas converti {manquants} (code {resultat.returncode}) : "
                           + resultat.stderr.decode("utf-8", "replace"))
    return convertis
