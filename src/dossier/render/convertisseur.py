"""A warm LibreOffice: one instance kept running between PDF conversions (portfolio, portal worker).

``Convertisseur`` starts, on its first conversion, the bridge ``pont_uno.py`` under a Python that has
LibreOffice's UNO module (Debian ``python3-uno``); the bridge starts ``soffice`` with a private profile,
listening for UNO on a free port of 127.0.0.1 only, and serves conversions on a Unix socket in a
private folder (mode 0700). LibreOffice is restarted when it dies (the conversion under way is retried
once), killed when a conversion passes its delay, and stopped with ``arreter()`` or at exit.

The object is picklable: a copy in another process (``ProcessPoolExecutor`` worker) is a client of the
same bridge; only the process that started it may restart or stop it. ``convertir_en_pdf`` has the
signature of ``pdf.convertir_en_pdf`` (the cold batch, still the default of ``dossier render --pdf``).
Several instances converting in parallel: ``conversions.GroupeConvertisseurs``.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from ..errors import LibreOfficeIndisponible, raison_systeme
from .pdf import DELAI_DEFAUT, _disque_plein, trouver_soffice

PAQUET_UNO = "python3-uno"
DEMARRAGE = 90.0  # seconds the bridge and LibreOffice may take to start
#: Private folders of warm instances (not ``pdf.PREFIXE_PROFIL``: the cold path removes its folders by
#: age, and a warm instance may sit idle for hours); one is stale when the process that made it is gone.
PREFIXE_INSTANCE = "dossier-uno-"
PROPRIETAIRE = "proprietaire"
PYTHONS_UNO = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "/opt/libreoffice/program/python")


def python_uno() -> str:
    """A Python interpreter that can ``import uno``: ``$DOSSIER_PYTHON_UNO`` or a known location."""
    candidats = [os.environ["DOSSIER_PYTHON_UNO"]] if os.environ.get("DOSSIER_PYTHON_UNO") else list(PYTHONS_UNO)
    for chemin in candidats:
        if Path(chemin).is_file() and subprocess.run([chemin, "-c", "import uno"], capture_output=True,
                                                     timeout=60).returncode == 0:
            return chemin
    raise LibreOfficeIndisponible("le module UNO de LibreOffice est introuvable : la conversion PDF à chaud en a "
                                  f"besoin (Debian : apt-get install {PAQUET_UNO})")


def nettoyer_instances_perimees() -> None:
    """Remove the private folders that warm instances of dead processes (``kill -9``) left behind."""
    for dossier in Path(tempfile.gettempdir()).glob(f"{PREFIXE_INSTANCE}*"):
        try:
            if not dossier.is_dir() or dossier.is_symlink() or dossier.stat().st_uid != os.getuid():
                continue
            pid = int((dossier / PROPRIETAIRE).read_text().strip())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(dossier, ignore_errors=True)
        except OSError:
            continue


def port_libre() -> int:
    """A TCP port free on 127.0.0.1 now (LibreOffice binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Convertisseur:
    """One LibreOffice kept running; ``convertir_en_pdf`` converts files one by one through it."""

    def __init__(self, delai: float | None = None) -> None:
        self.delai = delai or float(os.environ.get("DOSSIER_DELAI_PDF", DELAI_DEFAUT))
        self._proprietaire = os.getpid()
        self._verrou = threading.Lock()
        self._pont: subprocess.Popen | None = None
        self._dossier: str | None = None  # private folder: LibreOffice profile and the bridge's socket
        self.adresse: str | None = None
        self._a_la_sortie = False

    # -- state shared with worker processes --------------------------------------------------
    def __getstate__(self) -> dict:
        self.demarrer()
        return {"delai": self.delai, "adresse": self.adresse, "_proprietaire": self._proprietaire}

    def __setstate__(self, etat: dict) -> None:
        self.__init__(etat["delai"])
        self.adresse, self._proprietaire = etat["adresse"], etat["_proprietaire"]

    @property
    def proprietaire(self) -> bool:
        return os.getpid() == self._proprietaire

    # -- life cycle ---------------------------------------------------------------------------
    def actif(self) -> bool:
        return self._pont is not None and self._pont.poll() is None

    def demarrer(self) -> None:
        """Start the bridge and LibreOffice unless running (restart them if they died)."""
        if not self.proprietaire:
            return
        with self._verrou:
            if self.actif():
                return
            self._arreter_pont()
            soffice, python = trouver_soffice(), python_uno()
            nettoyer_instances_perimees()
            self._dossier = tempfile.mkdtemp(prefix=PREFIXE_INSTANCE)
            Path(self._dossier, PROPRIETAIRE).write_text(str(os.getpid()))
            self.adresse = os.path.join(self._dossier, "pont.sock")
            profil = Path(self._dossier, "profil").as_uri()
            commande = [python, "-I", str(Path(__file__).with_name("pont_uno.py")), soffice, str(port_libre()),
                        profil, self.adresse]
            try:
                self._pont = subprocess.Popen(commande, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL, start_new_session=True)
            except OSError as e:
                raise LibreOfficeIndisponible(f"LibreOffice ne démarre pas ({python}) : {raison_systeme(e)}") from None
            ligne = _lire_ligne(self._pont, DEMARRAGE)
            etat = _json(ligne)
            if not etat.get("ok"):
                self._arreter_pont()
                raise LibreOfficeIndisponible(f"LibreOffice ne démarre pas : {etat.get('erreur') or 'pas de réponse'}")
            if not self._a_la_sortie:
                atexit.register(self.arreter)
                self._a_la_sortie = True

    def arreter(self) -> None:
        """Stop LibreOffice and the bridge, remove the private profile (owner process only)."""
        if self.proprietaire:
            with self._verrou:
                self._arreter_pont()

    def _arreter_pont(self) -> None:
        if self._pont is not None:
            try:
                self._pont.stdin.close()  # the bridge stops LibreOffice and exits
                self._pont.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(self._pont.pid, signal.SIGKILL)  # the bridge and whatever is left in its group
            except OSError:
                pass
            self._pont.wait()
            self._pont = None
        if self._dossier:
            shutil.rmtree(self._dossier, ignore_errors=True)
            self._dossier = None

    def __enter__(self) -> Convertisseur:
        return self

    def __exit__(self, *_) -> None:
        self.arreter()

    # -- conversions --------------------------------------------------------------------------
    def etat(self) -> dict:
        """``{"pid": soffice pid or None, "demarrages": n}`` as the bridge sees it."""
        return self._demander({"etat": True}, 30)

    def convertir(self, entree: Path, sortie: Path) -> None:
        """Convert one file to the PDF ``sortie``; LibreOfficeIndisponible in French on failure."""
        self.demarrer()
        demande = {"entree": str(Path(entree).resolve()), "sortie": str(Path(sortie).resolve()), "delai": self.delai}
        reponse = self._demander(demande, 4 * self.delai + DEMARRAGE)
        if not reponse.get("ok"):
            raise LibreOfficeIndisponible(f"la conversion PDF a échoué (LibreOffice) pour : {Path(entree).name} — "
                                          f"{reponse.get('erreur')}")

    def convertir_en_pdf(self, fichiers: list[Path], dossier: Path, delai: float | None = None) -> list[Path]:
        """Convert ``fichiers`` into ``dossier`` (same names, ``.pdf``), as ``pdf.convertir_en_pdf``."""
        return [convertir_vers(self, Path(f), Path(dossier)) for f in fichiers]

    def _demander(self, demande: dict, delai: float) -> dict:
        if self.adresse is None:
            raise LibreOfficeIndisponible("LibreOffice (conversion à chaud) n'est pas démarré")
        for essai in range(2):
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(delai)
                    s.connect(self.adresse)
                    s.sendall(json.dumps(demande).encode("utf-8") + b"\n")
                    return _json(s.makefile("rb").readline())
            except socket.timeout:
                raise LibreOfficeIndisponible(f"LibreOffice ne répond pas : conversion PDF abandonnée après {delai:g} s") from None
            except OSError as e:
                if essai == 0 and self.proprietaire and not self.actif():
                    self.demarrer()  # the bridge itself died: start a new one, then retry
                    continue
                raise LibreOfficeIndisponible(f"LibreOffice (conversion à chaud) injoignable : {raison_systeme(e)}") from None
        raise AssertionError("unreachable")


def convertir_vers(convertisseur: Convertisseur, fichier: Path, dossier: Path) -> Path:
    """Convert one file into ``dossier`` (same name, ``.pdf``); the failure says when the disk is full."""
    pdf = dossier / f"{fichier.stem}.pdf"
    try:
        convertisseur.convertir(fichier, pdf)
    except LibreOfficeIndisponible:
        if _disque_plein(dossier):
            raise LibreOfficeIndisponible(f"la conversion PDF a échoué : plus d'espace disponible sur le "
                                          f"disque ({dossier}) pour : {fichier.name}") from None
        raise
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise LibreOfficeIndisponible(f"la conversion PDF a échoué (LibreOffice) pour : {fichier.name}")
    return pdf


def _lire_ligne(processus: subprocess.Popen, delai: float) -> bytes:
    """First line the bridge prints (its readiness), or b"" after ``delai`` seconds or if it died."""
    resultat: list[bytes] = []
    lecteur = threading.Thread(target=lambda: resultat.append(processus.stdout.readline()), daemon=True)
    lecteur.start()
    lecteur.join(delai)
    return resultat[0] if resultat else b""


def _json(ligne: bytes) -> dict:
    try:
        donnees = json.loads(ligne or b"{}")
    except ValueError:
        return {"ok": False, "erreur": "réponse illisible du pont UNO"}
    return donnees if isinstance(donnees, dict) else {"ok": False, "erreur": "réponse illisible du pont UNO"}
