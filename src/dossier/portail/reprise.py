"""Jobs a dead worker left « en cours »: marked failed with their reason, never left running forever.

django-tasks-db marks a task RUNNING when a worker claims it and records the worker's id; a worker
killed (``kill -9``, a machine that restarts) leaves it RUNNING. Before a worker starts (or is
restarted) under the same id, the tasks it had claimed are marked failed; a task running for longer
than ``DUREE_MAXIMALE`` under any id (a machine that never came back) is failed too.
"""

from __future__ import annotations

import datetime as dt
import socket

DUREE_MAXIMALE = dt.timedelta(hours=2)
RAISON = ("tâche interrompue : le worker qui l'exécutait s'est arrêté ({}) ; "
          "relancer l'opération depuis la page du projet")


class TacheInterrompue(Exception):
    """Recorded as the failure of a task whose worker stopped while running it."""


def identifiant_worker(port: int | None = None) -> str:
    """A worker id stable across restarts on this machine (needed to find what it left running), at most 64 characters."""
    suffixe = f":{port}" if port is not None else ":worker"
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
