"""Bridge between ``dossier`` and one LibreOffice kept running (see ``convertisseur.py``).

This file is run as a script by a Python that has LibreOffice's UNO bridge (Debian: ``python3-uno`` for
the system ``python3``); it imports nothing from ``dossier``. It starts ``soffice`` listening on a UNO
socket on 127.0.0.1 (port given), serves conversion requests on a Unix socket (one JSON line per
connection: ``{"entree": path, "sortie": path, "delai": seconds}``, answered ``{"ok": true}`` or
``{"ok": false, "erreur": "..."}``), one at a time, and:

- restarts LibreOffice when it has died (crash, ``kill -9``) and retries the conversion once;
- kills LibreOffice when one conversion passes its delay (the next request gets a new one);
- stops LibreOffice and exits when its standard input closes (its owner stopped or died).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import uno  # noqa: F401  (LibreOffice's bridge: must come before the com.sun.star imports)
from com.sun.star.beans import PropertyValue

FILTRES = {
    "com.sun.star.text.TextDocument": "writer_pdf_Export",
    "com.sun.star.sheet.SpreadsheetDocument": "calc_pdf_Export",
    "com.sun.star.presentation.PresentationDocument": "impress_pdf_Export",
    "com.sun.star.drawing.DrawingDocument": "draw_pdf_Export",
}
DEMARRAGE = 60.0  # seconds LibreOffice may take to accept UNO connections


def _nom(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def _propriete(nom, valeur):
    return PropertyValue(Name=nom, Value=valeur)


class Bureau:
    """One soffice process and the UNO desktop driving it."""

    def __init__(self, soffice: str, port: int, profil: str) -> None:
        self.soffice, self.port, self.profil = soffice, port, profil
        self.processus: subprocess.Popen | None = None
        self.desktop = None
        self.demarrages = 0

    def demarrer(self) -> None:
        self.arreter()
        commande = [self.soffice, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
                    "--nologo", f"-env:UserInstallation={self.profil}",
                    f"--accept=socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext"]
        self.processus = subprocess.Popen(commande, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
        self.demarrages += 1
        local = uno.getComponentContext()
        resolveur = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        limite = time.monotonic() + DEMARRAGE
        while True:
            if self.processus.poll() is not None and not self.vivant():
                raise RuntimeError(f"LibreOffice s'est arrêté au démarrage (code {self.processus.returncode})")
            try:
                contexte = resolveur.resolve(
                    f"uno:socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
                if time.monotonic() > limite:
                    raise RuntimeError(f"LibreOffice n'accepte pas de connexion après {DEMARRAGE:g} s") from None
                time.sleep(0.1)
        self.desktop = contexte.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", contexte)

    def vivant(self) -> bool:
        """The office process (soffice.bin, started by the launcher in the same group) is running."""
        return any(nom.startswith("soffice") for _, nom in self.groupe())

    def groupe(self) -> list[tuple[int, str]]:
        """Live processes (pid, name) of LibreOffice's process group, from /proc."""
        if self.processus is None:
            return []
        pids = []
        for nom in os.listdir("/proc"):
            if nom.isdigit():
                try:
                    with open(f"/proc/{nom}/stat", "rb") as f:
                        champs = f.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                if int(champs[2]) == self.processus.pid and champs[0] != b"Z":
                    pids.append((int(nom), _nom(nom)))
        return sorted(pids)

    def arreter(self) -> None:
        """Kill the whole process group: the launcher may be gone while soffice.bin still runs."""
        self.desktop = None
        if self.processus is not None:
            try:
                os.killpg(self.processus.pid, signal.SIGKILL)
            except OSError:
                pass
            self.processus.wait()
        self.processus = None

    def convertir(self, entree: str, sortie: str) -> None:
        if not self.vivant() or self.desktop is None:
            self.demarrer()
        proprietes = (_propriete("Hidden", True), _propriete("ReadOnly", True))
        document = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(entree), "_blank", 0, proprietes)
        if document is None:
            raise RuntimeError("LibreOffice ne sait pas ouvrir ce fichier")
        try:
            filtre = next((f for t, f in FILTRES.items() if document.supportsService(t)), None)
            if filtre is None:
                raise RuntimeError("type de document inconnu de LibreOffice")
            document.storeToURL(uno.systemPathToFileUrl(sortie),
                                (_propriete("FilterName", filtre), _propriete("Overwrite", True)))
        finally:
            try:
                document.close(True)
            except Exception:  # noqa: BLE001 - the document is gone with a dead LibreOffice
                pass


def _servir(bureau: Bureau, serveur: socket.socket) -> None:
    while True:
        client, _ = serveur.accept()
        with client:
            try:
                client.settimeout(30)
                demande = json.loads(client.makefile("rb").readline() or b"{}")
                client.settimeout(None)
                reponse = _traiter(bureau, demande)
            except Exception as e:  # noqa: BLE001 - a bad request is answered, never fatal
                reponse = {"ok": False, "erreur": f"demande illisible : {e}"}
            try:
                client.sendall(json.dumps(reponse).encode("utf-8") + b"\n")
            except OSError:
                pass


def _traiter(bureau: Bureau, demande: dict) -> dict:
    if demande.get("etat"):
        vivant = bureau.vivant()
        bureaux = [pid for pid, nom in bureau.groupe() if nom.startswith("soffice")]
        return {"ok": True, "pid": bureaux[-1] if vivant and bureaux else None, "demarrages": bureau.demarrages,
                "groupe": bureau.processus.pid if bureau.processus else None}
    entree, sortie, delai = str(demande["entree"]), str(demande["sortie"]), float(demande.get("delai", 300))
    erreur = None
    for essai in range(2):
        try:
            if not bureau.vivant() or bureau.desktop is None:
                bureau.demarrer()  # LibreOffice's start has its own bound: the delay is the conversion's
        except Exception as e:  # noqa: BLE001 - a start that fails is retried once, then reported
            erreur = str(getattr(e, "Message", "") or e) or type(e).__name__
            bureau.arreter()
            continue
        depasse = threading.Event()

        def couper() -> None:
            depasse.set()
            bureau.arreter()

        minuteur = threading.Timer(delai, couper)
        minuteur.start()
        try:
            bureau.convertir(entree, sortie)
            if depasse.is_set():  # killed at the bound while finishing: the PDF may be incomplete
                return {"ok": False, "erreur": f"LibreOffice ne répond pas : conversion abandonnée après {delai:g} s"}
            return {"ok": True}
        except Exception as e:  # noqa: BLE001 - DisposedException, RuntimeException, IOException...
            erreur = str(getattr(e, "Message", "") or e) or type(e).__name__
            if depasse.is_set():
                return {"ok": False, "erreur": f"LibreOffice ne répond pas : conversion abandonnée après {delai:g} s"}
            if bureau.vivant() and essai == 0:
                # LibreOffice is alive: the file itself is the problem, a retry would fail the same way
                try:
                    bureau.desktop.getCurrentComponent()
                    return {"ok": False, "erreur": erreur}
                except Exception:  # noqa: BLE001 - the bridge is broken: restart below
                    pass
            bureau.arreter()
        finally:
            minuteur.cancel()
    return {"ok": False, "erreur": erreur}


def main() -> None:
    soffice, port, profil, adresse = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    bureau = Bureau(soffice, port, profil)
    serveur = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    serveur.bind(adresse)
    serveur.listen(64)

    def fin(*_):
        bureau.arreter()
        os._exit(0)

    signal.signal(signal.SIGTERM, fin)
    threading.Thread(target=lambda: (sys.stdin.buffer.read(), fin()), daemon=True).start()
    try:
        bureau.demarrer()
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"ok": False, "erreur": str(e)}), flush=True)
        fin()
    print(json.dumps({"ok": True, "pid": bureau.processus.pid}), flush=True)
    _servir(bureau, serveur)


if __name__ == "__main__":
    main()
