"""``dossier serve``: the production HTTP server (gunicorn) and the task worker (django-tasks-db), supervised.

Both run as child processes, each in its own process group, declared to the command line's
interruption supervisor (``interruption.a_nettoyer``): if this process is killed they are killed
too. A child that dies is restarted (after a pause that grows while it keeps dying); before the
worker (re)starts, the tasks it left « en cours » are marked failed (``reprise``). Ctrl-C or SIGTERM
stops both within ``ATTENTE_ARRET`` seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .. import interruption
from ..errors import DossierError
from . import reprise
from .donnees import MODULE_REGLAGES, VARIABLE

ATTENTE_DEMARRAGE = 30.0  # seconds for gunicorn to listen
ATTENTE_ARRET = 0.4  # the command line's supervisor (interruption.superviser) kills everything after 1 s
PAUSE_MAXIMALE = 30.0
#: gunicorn's processes: one per core plus one (for a process waiting on the disk or the database), at
#: most 17 (about 100 Mo each), of ONE thread each. Reading and checking a fiche is Python work that
#: holds the GIL: threads of one process take turns on one core, so the cores are used through
#: processes. With 3 processes of 4 threads, 20 porteurs uploading at once were spread unevenly (a
#: process took 8 uploads while another had 5), and an upload holding SQLite's write lock waited for the
#: GIL of its process's other threads while the other uploads waited for that lock: p95 was 1.3 to 1.5
#: times the CPU floor (their CPU time / the cores), now 1.0. Measured on 2 cores (20 uploads at once,
#: 10 to 20 runs of each layout), one thread used 2 to 11 % less CPU per upload than two, and 3
#: processes about 5 % less than 5. A slow client (a large upload over a poor link) holds a process:
#: behind the reverse proxy the README describes, which receives the whole request before passing it
#: on, none does.
PROCESSUS_HTTP = min((os.cpu_count() or 1) + 1, 17)
THREADS = 1
#: A process takes a new connection only when its thread is free (plus one kept-alive connection): the
#: others wait in the kernel's queue for the first free process, instead of piling up in a busy one
#: (gunicorn's default is 1 000 connections per process).
CONNEXIONS_PAR_PROCESSUS = THREADS + 1


@dataclass
class Enfant:
    """A supervised child process: its command, the process, its restarts."""

    nom: str
    commande: list[str]
    processus: subprocess.Popen | None = None
    pause: float = 0.5
    demarre_a: float = 0.0
    redemarrages: int = field(default=0)

    def lancer(self, env: dict[str, str]) -> None:
        self.processus = subprocess.Popen(self.commande, env=env, stdin=subprocess.DEVNULL, start_new_session=True,
                                          preexec_fn=_mourir_avec_le_parent)
        self.demarre_a = time.monotonic()

    def arreter(self, sig: int = signal.SIGTERM) -> None:
        if self.processus is not None and self.processus.poll() is None:
            try:
                os.killpg(self.processus.pid, sig)
            except ProcessLookupError:
                pass


def _mourir_avec_le_parent() -> None:
    """In the child, before exec: killed if ``dossier serve`` dies (even by ``kill -9``), never left alone."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(interruption.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def commande_http(hote: str, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "dossier.portail.wsgi:application",
            "--bind", f"[{hote}]:{port}" if ":" in hote else f"{hote}:{port}",
            "--workers", str(PROCESSUS_HTTP), "--worker-class", "gthread", "--threads", str(THREADS),
            "--worker-connections", str(CONNEXIONS_PAR_PROCESSUS), "--config", "python:dossier.portail.http_gunicorn",
            "--graceful-timeout", "1", "--timeout", "300", "--log-level", "warning",
            "--error-logfile", "-", "--access-logfile", "-",
            "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms']


def commande_worker(identifiant: str) -> list[str]:
    return [sys.executable, "-m", "django", "db_worker", "--worker-id", identifiant,
            "--no-startup-delay", "--interval", "0.2", "--no-reload", "--verbosity", "1"]


def environnement(donnees: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[VARIABLE] = str(donnees)
    env["DJANGO_SETTINGS_MODULE"] = MODULE_REGLAGES
    env["PYTHONUNBUFFERED"] = "1"
    return env


def port_ouvert(hote: str, port: int) -> bool:
    try:
        with socket.create_connection((hote if hote not in ("0.0.0.0", "::") else "127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def verifier_port_libre(hote: str, port: int) -> None:
    """Refuse at once, in French, a port another program already listens on."""
    famille = socket.AF_INET6 if ":" in hote else socket.AF_INET
    with socket.socket(famille, socket.SOCK_STREAM) as essai:
        essai.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            essai.bind((hote, port))
        except OSError as e:
            raise DossierError(f"impossible d'écouter sur {hote}:{port} : {e.strerror or e} "
                               "(un autre programme utilise-t-il ce port ? en choisir un autre avec --port)") from None


def adresse(hote: str, port: int) -> str:
    return f"http://[{hote}]:{port}/" if ":" in hote else f"http://{hote}:{port}/"


def _recuperer_taches(identifiant: str, dire: Callable[[str], None]) -> None:
    try:
        nombre = reprise.marquer_interrompues(identifiant)
        reprises = reprise.reprendre_taches_du_portail()
    except Exception as e:  # noqa: BLE001 - the database is briefly unreachable: the worker retries later
        dire(f"tâches interrompues non vérifiées : {e}")
        return
    finally:
        from django.db import connections

        connections.close_all()  # the supervisor holds no connection (nor SQLite lock) while it waits
    if nombre or reprises:
        dire(f"travaux interrompus par un arrêt précédent : {reprises} relancé(s) ou marqué(s) en échec")


#: The retention period is applied at start and then once a day by ``dossier serve`` (not by extra workers).
PERIODE_PURGE = 24 * 3600


def purger_conservation(dire: Callable[[str], None]) -> None:
    """Delete the projects past the retention period the administrator set, and unreferenced files; said
    when something was deleted. A database briefly unreachable only postpones it to the next day."""
    from .conservation import purger

    try:
        projets, fichiers = purger()
    except Exception as e:  # noqa: BLE001 - never stops the portal
        dire(f"durée de conservation non appliquée : {e}")
        return
    if projets or fichiers:
        dire(f"durée de conservation : {projets} projet(s) et {fichiers} fichier(s) orphelin(s) supprimé(s)")


def superviser(donnees: Path, enfants: list[Enfant], identifiant_worker: str | None,
               dire: Callable[[str], None], pret: Callable[[], None] | None = None) -> None:
    """Start the children, restart any that dies, stop all on Ctrl-C/SIGTERM (KeyboardInterrupt)."""
    env = environnement(donnees)
    with ExitStack() as pile:
        try:
            for enfant in enfants:
                if identifiant_worker is not None and enfant.nom == "worker":
                    _recuperer_taches(identifiant_worker, dire)
                enfant.lancer(env)
                pile.enter_context(interruption.a_nettoyer(groupe=enfant.processus.pid))
            if pret is not None:
                pret()
            purge = any(e.nom == "serveur HTTP" for e in enfants)
            prochaine_purge = time.monotonic()
            while True:
                time.sleep(0.2)
                if purge and time.monotonic() >= prochaine_purge:
                    from django.db import connections

                    purger_conservation(dire)
                    connections.close_all()  # the supervisor holds no connection (nor SQLite lock) while it waits
                    prochaine_purge = time.monotonic() + PERIODE_PURGE
                for enfant in enfants:
                    code = enfant.processus.poll()
                    if code is None:
                        continue
                    duree = time.monotonic() - enfant.demarre_a
                    enfant.pause = 0.5 if duree > 60 else min(enfant.pause * 2, PAUSE_MAXIMALE)
                    dire(f"{enfant.nom} arrêté (code {code}) : redémarrage dans {enfant.pause:.0f} s")
                    time.sleep(enfant.pause)
                    if identifiant_worker is not None and enfant.nom == "worker":
                        _recuperer_taches(identifiant_worker, dire)
                    enfant.lancer(env)
                    enfant.redemarrages += 1
                    pile.enter_context(interruption.a_nettoyer(groupe=enfant.processus.pid))
        except KeyboardInterrupt:
            pass
        finally:
            arreter(enfants)
    dire("portail arrêté" if any(e.nom == "serveur HTTP" for e in enfants) else "worker des tâches arrêté")


def arreter(enfants: list[Enfant]) -> None:
    """Stop every child, SIGKILL after ATTENTE_ARRET: gunicorn gets SIGINT (quick shutdown: a request under
    way is cut, as nothing is acknowledged before its commit), the worker SIGTERM (a job under way is
    failed or retried at the next start, see ``reprise``)."""
    for enfant in enfants:
        enfant.arreter(signal.SIGINT if enfant.nom == "serveur HTTP" else signal.SIGTERM)
    limite = time.monotonic() + ATTENTE_ARRET
    for enfant in enfants:
        if enfant.processus is None:
            continue
        try:
            enfant.processus.wait(max(0.0, limite - time.monotonic()))
        except subprocess.TimeoutExpired:
            enfant.arreter(signal.SIGKILL)
            enfant.processus.wait()


def attendre_ecoute(http: Enfant, hote: str, port: int) -> None:
    """Wait until gunicorn listens; a gunicorn that exits first is reported in French."""
    limite = time.monotonic() + ATTENTE_DEMARRAGE
    while time.monotonic() < limite:
        if port_ouvert(hote, port):
            return
        if http.processus.poll() is not None:
            raise DossierError(f"le serveur HTTP n'a pas démarré (code {http.processus.returncode}) : voir les messages ci-dessus")
        time.sleep(0.1)
    raise DossierError(f"le serveur HTTP n'écoute toujours pas sur {hote}:{port} après {ATTENTE_DEMARRAGE:.0f} s")


def servir(donnees: Path, hote: str, port: int, dire: Callable[[str], None]) -> None:
    """The whole of ``dossier serve`` once the data folder is ready."""
    verifier_port_libre(hote, port)
    identifiant = reprise.identifiant_worker(donnees)
    http = Enfant("serveur HTTP", commande_http(hote, port))
    worker = Enfant("worker", commande_worker(identifiant))

    def pret() -> None:
        attendre_ecoute(http, hote, port)
        dire(f"Portail ESMS numérique démarré : {adresse(hote, port)}")
        dire(f"Données : {donnees}")
        dire("Arrêt : Ctrl-C")

    superviser(donnees, [http, worker], identifiant, dire, pret)


def travailler(donnees: Path, dire: Callable[[str], None], identifiant: str | None = None) -> None:
    """Only the worker (a second machine sharing the PostgreSQL queue), supervised the same way."""
    identifiant = identifiant or reprise.identifiant_worker(donnees, seul=True)
    worker = Enfant("worker", commande_worker(identifiant))
    superviser(donnees, [worker], identifiant, dire,
               lambda: dire(f"Worker {identifiant} démarré sur {donnees} ; arrêt : Ctrl-C"))
