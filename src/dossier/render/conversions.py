"""Several warm LibreOffice instances converting in parallel, and conversions that start while the
pieces are still being rendered.

LibreOffice converts one document at a time (its core is single-threaded), so one warm instance uses
one core. ``GroupeConvertisseurs`` keeps ``nombre`` instances (``convertisseur.Convertisseur``, one per
core by default, ``$DOSSIER_INSTANCES_LIBREOFFICE`` otherwise) and gives each file to the first free
one. ``lot(dossier)`` opens a batch: ``ajouter(fichier)`` starts its conversion at once, in the
background, while the caller renders the next piece; leaving the batch waits for every conversion and
raises the first failure, in French (nothing is left running on a folder about to be removed).

The group is picklable like ``Convertisseur``: a copy in another process is a client of the same
instances; only the process that started them may restart or stop them.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

from .convertisseur import Convertisseur, convertir_vers

VARIABLE_INSTANCES = "DOSSIER_INSTANCES_LIBREOFFICE"
INSTANCES_MAX = 8


def instances_par_defaut() -> int:
    """``$DOSSIER_INSTANCES_LIBREOFFICE`` when set (1 to 8), else one per core (at most 4)."""
    try:
        nombre = int(os.environ.get(VARIABLE_INSTANCES, ""))
    except ValueError:
        nombre = min(os.cpu_count() or 1, 4)
    return max(1, min(nombre, INSTANCES_MAX))


class Lot:
    """Conversions of one folder started as files come (``ajouter``); ``attendre`` returns the PDFs."""

    def __init__(self, groupe: GroupeConvertisseurs, dossier: Path) -> None:
        self.groupe, self.dossier = groupe, Path(dossier)
        self.en_cours: list[Future] = []

    def ajouter(self, fichier: Path) -> None:
        self.en_cours.append(self.groupe.soumettre(Path(fichier), self.dossier))

    def attendre(self) -> list[Path]:
        """Every conversion finished; the PDFs in the order added, or the first failure raised."""
        wait(self.en_cours)
        for futur in self.en_cours:
            erreur = futur.exception()
            if erreur is not None:
                raise erreur
        return [futur.result() for futur in self.en_cours]

    def abandonner(self) -> None:
        """Conversions not started are cancelled, those under way are waited for."""
        for futur in self.en_cours:
            futur.cancel()
        wait(self.en_cours)

    def __enter__(self) -> Lot:
        return self

    def __exit__(self, type_, *_) -> None:
        if type_ is None:
            self.attendre()
        else:
            self.abandonner()


class GroupeConvertisseurs:
    """``nombre`` warm LibreOffice instances; each file goes to the first free one."""

    def __init__(self, nombre: int | None = None, delai: float | None = None) -> None:
        self.nombre = max(1, nombre or instances_par_defaut())
        self.instances = [Convertisseur(delai) for _ in range(self.nombre)]
        self._preparer()

    def _preparer(self) -> None:
        self._libres: queue.SimpleQueue[Convertisseur] = queue.SimpleQueue()
        for instance in self.instances:
            self._libres.put(instance)
        self._executeur: ThreadPoolExecutor | None = None
        self._verrou = threading.Lock()

    def __getstate__(self) -> dict:
        return {"nombre": self.nombre, "instances": self.instances}  # each instance started when pickled

    def __setstate__(self, etat: dict) -> None:
        self.nombre, self.instances = etat["nombre"], etat["instances"]
        self._preparer()

    # -- life cycle ---------------------------------------------------------------------------
    def actif(self) -> bool:
        return all(instance.actif() for instance in self.instances)

    def demarrer(self) -> None:
        """Start every instance that is not running, all at once (each takes a few seconds)."""
        erreurs: list[BaseException] = []

        def demarrer_une(instance: Convertisseur) -> None:
            try:
                instance.demarrer()
            except BaseException as e:  # noqa: BLE001 - raised below, in the caller's thread
                erreurs.append(e)

        fils = [threading.Thread(target=demarrer_une, args=(i,), daemon=True) for i in self.instances]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join()
        if erreurs:
            raise erreurs[0]

    def arreter(self) -> None:
        with self._verrou:
            if self._executeur is not None:
                self._executeur.shutdown(wait=True, cancel_futures=True)
                self._executeur = None
        for instance in self.instances:
            instance.arreter()

    def __enter__(self) -> GroupeConvertisseurs:
        return self

    def __exit__(self, *_) -> None:
        self.arreter()

    def etat(self) -> list[dict]:
        return [instance.etat() for instance in self.instances]

    # -- conversions --------------------------------------------------------------------------
    @contextmanager
    def _instance_libre(self) -> Iterator[Convertisseur]:
        """The first free instance, given back when done (round robin: each goes to the end of the queue)."""
        instance = self._libres.get()
        try:
            yield instance
        finally:
            self._libres.put(instance)

    def _convertir_vers(self, fichier: Path, dossier: Path) -> Path:
        with self._instance_libre() as instance:
            return convertir_vers(instance, fichier, dossier)

    def soumettre(self, fichier: Path, dossier: Path) -> Future:
        """Start converting ``fichier`` into ``dossier`` in the background; the future gives the PDF."""
        with self._verrou:
            if self._executeur is None:
                self._executeur = ThreadPoolExecutor(self.nombre, thread_name_prefix="libreoffice")
            return self._executeur.submit(self._convertir_vers, Path(fichier), Path(dossier))

    def convertir(self, entree: Path, sortie: Path) -> None:
        with self._instance_libre() as instance:
            instance.convertir(entree, sortie)

    def lot(self, dossier: Path) -> Lot:
        return Lot(self, dossier)

    def convertir_en_pdf(self, fichiers: list[Path], dossier: Path, delai: float | None = None) -> list[Path]:
        """Convert ``fichiers`` into ``dossier`` in parallel (largest first), as ``pdf.convertir_en_pdf``."""
        ordre = sorted(range(len(fichiers)), key=lambda i: -_taille(Path(fichiers[i])))
        with self.lot(dossier) as lot:
            for i in ordre:
                lot.ajouter(Path(fichiers[i]))
        pdfs = dict(zip(ordre, lot.attendre()))
        return [pdfs[i] for i in range(len(fichiers))]


def _taille(chemin: Path) -> int:
    try:
        return chemin.stat().st_size
    except OSError:
        return 0


_PARTAGE: GroupeConvertisseurs | None = None
_VERROU_PARTAGE = threading.Lock()


def groupe_partage() -> GroupeConvertisseurs:
    """The process-wide group (created on first call, instances started on first conversion)."""
    global _PARTAGE
    with _VERROU_PARTAGE:
        if _PARTAGE is None or not _PARTAGE.instances[0].proprietaire:
            _PARTAGE = GroupeConvertisseurs()
        return _PARTAGE


def arreter_groupe_partage() -> None:
    if _PARTAGE is not None:
        _PARTAGE.arreter()
