"""PDF conversion of the pieces: one headless LibreOffice batch per dossier."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import LibreOfficeIndisponible, raison_systeme
from ..interruption import a_nettoyer

PAQUETS = "libreoffice-writer-nogui libreoffice-calc-nogui"
DELAI_DEFAUT = 300
PREFIXE_PROFIL = "dossier-lo-"
ESPACE_MINIMAL = 16 * 1024 * 1024  # below this, a failed conversion is put down to a full disk


def trouver_soffice() -> str:
    """Path of LibreOffice's ``soffice``, or a French error naming the Debian packages."""
    chemin = shutil.which("soffice") or shutil.which("libreoffice")
    if chemin is None:
        raise LibreOfficeIndisponible(
            f"LibreOffice est introuvable : --pdf en a besoin (Debian : apt-get install {PAQUETS})"
        )
    return chemin


def nettoyer_profils_perimes(delai: float) -> None:
    """Remove the private LibreOffice profiles a killed run left in the temporary folder.

    A conversion is killed after ``delai`` seconds, so a profile untouched for longer than twice that
    belongs to no running conversion."""
    limite = time.time() - 2 * delai
    for profil in Path(tempfile.gettempdir()).glob(f"{PREFIXE_PROFIL}*"):
        try:
            if profil.is_dir() and not profil.is_symlink() and profil.stat().st_mtime < limite \
                    and profil.stat().st_uid == os.getuid():
                shutil.rmtree(profil, ignore_errors=True)
        except OSError:
            continue


def _disque_plein(dossier: Path) -> bool:
    """The folder of the PDFs, or the temporary folder of LibreOffice's profile, is (almost) full."""
    for chemin in (dossier, Path(tempfile.gettempdir())):
        try:
            etat = os.statvfs(chemin)
        except OSError:
            continue
        if etat.f_bavail * etat.f_frsize < ESPACE_MINIMAL:
            return True
    return False


def convertir_en_pdf(fichiers: list[Path], dossier: Path, delai: float | None = None) -> list[Path]:
    """Convert ``fichiers`` to PDF into ``dossier`` with a single LibreOffice call and a private profile."""
    if not fichiers:
        return []
    soffice = trouver_soffice()
    delai = delai or float(os.environ.get("DOSSIER_DELAI_PDF", DELAI_DEFAUT))
    nettoyer_profils_perimes(delai)
    with tempfile.TemporaryDirectory(prefix=PREFIXE_PROFIL) as profil, a_nettoyer(chemin=profil):
        commande = [
            soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={Path(profil).as_uri()}",
            "--convert-to", "pdf", "--outdir", str(dossier), *map(str, fichiers),
        ]
        try:
            processus = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            raise LibreOfficeIndisponible(f"LibreOffice ne démarre pas ({soffice}) : {raison_systeme(e)}") from None
        try:
            with a_nettoyer(groupe=processus.pid):
                _, erreur = processus.communicate(timeout=delai)
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)
            processus.wait()
            raise LibreOfficeIndisponible(f"LibreOffice ne répond pas : conversion PDF abandonnée après {delai:g} s") from None
        except BaseException:
            os.killpg(processus.pid, signal.SIGKILL)
            processus.wait()
            raise
    pdfs = [dossier / f"{f.stem}.pdf" for f in fichiers]
    manquants = [p.name for p in pdfs if not p.is_file() or p.stat().st_size == 0]
    if manquants:
        if _disque_plein(dossier):
            raise LibreOfficeIndisponible(f"la conversion PDF a échoué : plus d'espace disponible sur le disque "
                                          f"({dossier}) pour : {', '.join(manquants)}")
        detail = erreur.decode("utf-8", "replace").strip().splitlines()[-1:] if erreur else []
        raise LibreOfficeIndisponible(
            f"la conversion PDF a échoué (LibreOffice, code {processus.returncode}) pour : {', '.join(manquants)}"
            + (f" — {detail[0]}" if detail else "")
        )
    return pdfs
