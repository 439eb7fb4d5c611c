"""Jobs a dead worker left « en cours »: marked failed with their reason, never left running forever.

django-tasks-db marks a task RUNNING when a worker claims it and records the worker's id; a worker
killed (``kill -9``, a machine that restarts) leaves it RUNNING. Before a worker starts (or is
restarted) under the same id, the tasks it had claimed are marked failed; a task running for longer
than ``DUREE_MAXIMALE`` under any id (a machine that never came back) is failed too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket

DUREE_MAXIMALE = dt.timedelta(hours=2)
RAISON = ("tâche interrompue : le worker qui l'exécutait s'est arrêté ({}) ; "
          "relancer l'opération depuis la page du projet")


class TacheInterrompue(Exception):
    """Recorded as the failure of a task whose worker stopped while running it."""


def identifiant_worker(donnees, seul: bool = False) -> str:
    """A worker id stable across restarts (needed to find what it left running), at most 64 characters:
    the machine's name and the data folder's (``serve`` on another port is the same worker); ``seul``
    for ``dossier portail worker``, which may run beside ``serve`` on the same machine and folder."""
    empreinte = hashlib.sha256(str(donnees).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    suffixe = f":{'worker-' if seul else ''}{empreinte}"
    return f"{socket.gethostname()[: 64 - len(suffixe)]}{suffixe}"


def marquer_interrompues(worker: str, maintenant: dt.datetime | None = None) -> int:
    """Fail the tasks left RUNNING by ``worker`` and those running for too long; return how many.

    Django must be set up. Each task is failed in its own update guarded by its status, so a task
    another worker finishes meanwhile keeps its result."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    maintenant = maintenant or timezone.now()
    nombre = 0
    for tache in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at"):
        if tache.worker_ids and tache.worker_ids[-1] == worker:
            cause = "arrêt ou redémarrage du portail"
        elif tache.started_at is not None and maintenant - tache.started_at > DUREE_MAXIMALE:
            cause = f"aucun résultat après {int(DUREE_MAXIMALE.total_seconds() // 3600)} h"
        else:
            continue
        nombre += _echouer(tache.pk, RAISON.format(cause), maintenant)
    return nombre


def _echouer(pk, raison: str, maintenant: dt.datetime) -> int:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    chemin = f"{TacheInterrompue.__module__}.{TacheInterrompue.__qualname__}"
    return DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=maintenant, return_value=None,
        exception_class_path=chemin, traceback=f"{chemin}: {raison}\n")


def reprendre_taches_du_portail(maintenant: dt.datetime | None = None) -> int:
    """The portal's jobs (``Tache``) whose queued task is gone: queued again, or failed after ``TENTATIVES_MAX`` runs.

    A job is left alone while its task is READY or RUNNING (a live worker, maybe on another machine);
    it is interrupted when its task failed under it (``marquer_interrompues``) or when it was never
    queued (the server killed between the job's commit and the queueing). Returns how many were handled."""
    from django.db import transaction
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from . import taches
    from .models import Tache

    maintenant = maintenant or timezone.now()
    actives = list(Tache.objects.filter(etat__in=("en_attente", "en_cours")))
    statuts = {str(pk): statut for pk, statut in DBTaskResult.objects.filter(
        pk__in=[t.id_resultat for t in actives if t.id_resultat]).values_list("pk", "status")}
    nombre = 0
    for tache in actives:
        statut = statuts.get(tache.id_resultat)
        if statut in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            continue
        if not tache.id_resultat and maintenant - tache.cree_le < dt.timedelta(minutes=1):
            continue  # being queued right now
        with transaction.atomic():
            if tache.tentatives >= taches.TENTATIVES_MAX:
                Tache.objects.filter(pk=tache.pk).update(etat="echouee", fin=maintenant, raison=(
                    f"interrompue {tache.tentatives} fois (arrêt du serveur ou du worker pendant la génération)"))
            else:
                Tache.objects.filter(pk=tache.pk).update(etat="en_attente", raison="reprise après une interruption")
                taches._mettre_en_file(tache)
        nombre += 1
    return nombre
