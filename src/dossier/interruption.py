"""Ctrl-C and SIGTERM honoured within two seconds, even while one long C call runs.

Python runs a signal handler only between two bytecodes of the main thread: inside one long C
call (an lxml parse, a zlib compression, pydantic's validation of a large project) Ctrl-C waited as
long as the call. So the command line runs in a forked child (``superviser``) and the parent only
waits: on SIGINT or SIGTERM it asks the child to stop (SIGTERM, which the child turns into
``KeyboardInterrupt``: the usual path removes temporary files and stops LibreOffice) and, if the
child has not ended after ``DELAI_GRACE`` seconds, kills it and does that cleanup itself from
what the child declared with ``a_nettoyer`` (temporary paths, LibreOffice's process group).

Declarations travel as one JSON object per line (a path with a newline cannot cut one), and the
parent removes a declared path only when it can show the child created it for this command: an
absolute path whose name is one of the tool's temporary names, still the same file (device and
inode declared right after its creation), owned by the user, changed since the command started,
and neither the working directory nor one of its parents.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MESSAGE = "interrompu : aucun fichier partiel n'a été laissé"
CODE = 2
DELAI_GRACE = 1.0
SIGNAUX = (signal.SIGINT, signal.SIGTERM)

_canal: int | None = None  # write end of the pipe to the supervising parent (in the child)


def _interrompre(signum, frame) -> None:
    """SIGTERM cleans up like Ctrl-C: ``KeyboardInterrupt`` unwinds, removing temporary files.

    Once: a second SIGTERM (systemd signals every process of the group, then the parent forwards
    its own) must not break off that cleanup."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def installer() -> None:
    """SIGTERM raises ``KeyboardInterrupt`` like Ctrl-C (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrompre)


#: Names of the temporary files and folders the tool creates (``.rendu-*`` of render, the
#: ``.<hash>-*.tmp`` of ``fichiers``, LibreOffice's private profile): nothing else is ever removed by
#: the supervisor.
NOMS_TEMPORAIRES = re.compile(r"\.rendu-[A-Za-z0-9_]{8}|\.[0-9a-f]{12}-[a-z0-9_]{8}\.tmp|dossier-lo-[a-z0-9_]{8}")


def _declarer(declaration: dict) -> None:
    """One JSON object per line: ``json.dumps`` escapes every newline, so a path cannot cut it."""
    if _canal is not None:
        reste = memoryview((json.dumps(declaration, ensure_ascii=True) + "\n").encode("ascii"))
        while reste:  # a write interrupted by a signal may be partial
            reste = reste[os.write(_canal, reste):]


@contextmanager
def a_nettoyer(*, chemin: Path | str | None = None, groupe: int | None = None) -> Iterator[None]:
    """Tell the supervising parent what to remove (``chemin``, which the caller has just created) or
    kill (process ``groupe``) should it have to kill this process while the ``with`` block runs; the
    block's own cleanup covers every other case."""
    cle = f"{os.getpid()}-{id(object())}-{time.monotonic_ns()}"
    if chemin is not None:
        absolu = os.path.abspath(os.fspath(chemin))
        try:
            etat = os.lstat(absolu)
            _declarer({"+": cle, "chemin": absolu, "dev": etat.st_dev, "ino": etat.st_ino})
        except OSError:
            pass  # not there: nothing the parent could remove
    else:
        _declarer({"+": cle, "groupe": int(groupe)})
    try:
        yield
    finally:
        _declarer({"-": cle})


def _lire_declarations(lecture: int, registre: dict[str, dict]) -> None:
    with os.fdopen(lecture, "rb") as flux:
        for brut in flux:
            try:
                declaration = json.loads(brut)
            except ValueError:  # a line cut by the child's death: ignored
                continue
            if not isinstance(declaration, dict):
                continue
            if isinstance(declaration.get("+"), str):
                registre[declaration["+"]] = declaration
            elif isinstance(declaration.get("-"), str):
                registre.pop(declaration["-"], None)


def supprimable(declaration: dict, debut: float, cwd: str | None = None) -> bool:
    """Whether the supervisor may remove the declared path: see the module docstring."""
    chemin = declaration.get("chemin")
    if not isinstance(chemin, str) or not os.path.isabs(chemin) or os.path.normpath(chemin) != chemin:
        return False
    if not NOMS_TEMPORAIRES.fullmatch(os.path.basename(chemin)):
        return False
    try:
        etat = os.lstat(chemin)
        ici = os.path.realpath(cwd if cwd is not None else os.getcwd())
    except OSError:
        return False
    reel = os.path.realpath(chemin)
    if ici == reel or ici.startswith(reel.rstrip(os.sep) + os.sep):
        return False
    return ((etat.st_dev, etat.st_ino) == (declaration.get("dev"), declaration.get("ino"))
            and etat.st_uid == os.getuid() and etat.st_ctime >= debut - 1)


def _nettoyer(registre: dict[str, dict], debut: float) -> None:
    """Kill the declared process groups, then remove the declared paths it may remove (latest first)."""
    entrees = list(registre.values())[::-1]
    for declaration in entrees:
        if "groupe" in declaration:
            try:
                groupe = int(declaration["groupe"])
                if groupe > 1:
                    os.killpg(groupe, signal.SIGKILL)
            except (OSError, ValueError, TypeError):
                pass
    for declaration in entrees:
        if "chemin" in declaration and supprimable(declaration, debut):
            chemin = Path(declaration["chemin"])
            if chemin.is_dir() and not chemin.is_symlink():
                shutil.rmtree(chemin, ignore_errors=True)
            else:
                chemin.unlink(missing_ok=True)


def _mourir_avec(parent: int) -> None:
    """The child is killed if its supervising parent dies (``kill -9``, a timeout that kills only it):
    never a command left running alone, possibly stuck in a long C call (Linux ``PR_SET_PDEATHSIG``;
    elsewhere nothing changes). What it leaves is cleaned at the next run (stale ``.rendu-*``)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(CODE)


PR_SET_PDEATHSIG = 1


class _Signal(Exception):
    pass


def _signal_recu(signum, frame) -> None:
    raise _Signal


def _attendre(pid: int, delai: float) -> int | None:
    """The wait status of ``pid`` if it ends within ``delai`` seconds, else None."""
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        fini, statut = os.waitpid(pid, os.WNOHANG)
        if fini:
            return statut
        time.sleep(0.02)
    return None


def superviser() -> None:
    """Fork: the child returns at once and runs the command; the parent never returns.

    The parent waits for the child and exits with its code. On SIGINT/SIGTERM it sends SIGTERM to
    the child (which ignores SIGINT, so a Ctrl-C from the terminal, sent to both, stops it once),
    and after ``DELAI_GRACE`` seconds kills it and cleans up what it declared.
    """
    global _canal
    if not hasattr(os, "fork") or threading.current_thread() is not threading.main_thread():
        return
    debut = time.time()
    lecture, ecriture = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    # signals wait (blocked) until each process has its handlers; the parent's reader thread keeps
    # them blocked, so that they interrupt the main thread's waitpid
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNAUX)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _mourir_avec(parent)
        os.close(lecture)
        _canal = ecriture
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNAUX)
        return
    os.close(ecriture)
    registre: dict[str, dict] = {}
    lecteur = threading.Thread(target=_lire_declarations, args=(lecture, registre), daemon=True)
    lecteur.start()
    for sig in SIGNAUX:
        signal.signal(sig, _signal_recu)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNAUX)
        _, statut = os.waitpid(pid, 0)
        signal_recu = interrompu = False
    except _Signal:
        signal_recu = True
        for sig in SIGNAUX:
            signal.signal(sig, signal.SIG_IGN)
        os.kill(pid, signal.SIGTERM)
        statut = _attendre(pid, DELAI_GRACE)
        interrompu = statut is None
        if interrompu:
            os.kill(pid, signal.SIGKILL)
            _, statut = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(statut)
    if signal_recu or code < 0:
        lecteur.join(timeout=1)
        _nettoyer(registre, debut)  # what the child left (killed, or stopped while cleaning up)
    if interrompu or code < 0:
        texte = MESSAGE if signal_recu else f"erreur : arrêt brutal (signal {-code}) ; {MESSAGE.split(' : ')[1]}"
        os.write(2, (texte + "\n").encode("utf-8", "replace"))
        code = CODE
    os._exit(code)
