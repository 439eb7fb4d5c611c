"""Many uploads at once: the HTTP server's layout, the collector's setting of its processes, the writers'
queue on SQLite, and versions numbered one after the other."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction


def _options(commande: list[str]) -> dict[str, str]:
    return {c: commande[i + 1] for i, c in enumerate(commande) if c.startswith("--") and i + 1 < len(commande)}


def test_serveur_http_en_processus_qui_ne_prennent_que_ce_qu_ils_servent(monkeypatch):
    """Failed before: processes of 4 threads taking up to 1 000 connections each (uneven spread)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    from dossier.portail import http_gunicorn, serveur

    commande = serveur.commande_http("127.0.0.1", 8000)
    options = _options(commande)
    assert int(options["--workers"]) == min((os.cpu_count() or 1) + 1, 17)
    assert options["--threads"] == "1"
    assert options["--worker-connections"] == "2"
    # gunicorn itself reads this command line and the hooks module
    monkeypatch.setattr(sys, "argv", ["gunicorn", *commande[3:]])
    application = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
    assert application.cfg.worker_connections == 2 and application.cfg.threads == 1
    assert application.cfg.post_worker_init is http_gunicorn.post_worker_init


def test_processus_http_ramasse_miettes_regle():
    """In a new process (freezing this one's objects would change the other tests)."""
    from dossier.portail.http_gunicorn import SEUIL_GC

    code = ("import gc\nfrom dossier.portail import http_gunicorn\nhttp_gunicorn.post_worker_init(None)\n"
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert SEUIL_GC > 700  # Python's default
    assert sortie == [str(SEUIL_GC), "True"]


def _verrou_libre() -> bool:
    from dossier.portail.ecriture import FICHIER_VERROU

    fd = os.open(settings.DONNEES / FICHIER_VERROU, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@pytest.mark.django_db(transaction=True)
def test_ecritures_en_file_sur_sqlite():
    from dossier.portail.ecriture import transaction_d_ecriture

    if connection.vendor != "sqlite":
        with transaction_d_ecriture():
            assert connection.in_atomic_block
        return
    with transaction_d_ecriture():
        assert connection.in_atomic_block and not _verrou_libre()  # another writer waits its turn
    assert _verrou_libre()
    with pytest.raises(ZeroDivisionError), transaction_d_ecriture():
        1 / 0
    assert _verrou_libre()  # released after the rollback too
    with transaction.atomic(), transaction_d_ecriture():
        # already holding SQLite's write lock: not queued (a queued writer waiting for SQLite's lock
        # while this one waits for the queue would block both until the timeout)
        assert _verrou_libre()


@pytest.mark.django_db(transaction=True)
def test_depots_simultanes_numerotes_a_la_suite(comptes, donnees_exemple, tmp_path):
    """Eight uploads of one project at once, each in its own thread and connection: versions 1 to 8."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("base SQLite en mémoire partagée des tests : verrous de table, pas de verrou d'écriture")
    import json

    from dossier.portail import stockage
    from dossier.portail.models import Journal, Projet, Version
    from dossier.portail.vues.outils import enregistrer_version, lire_version_stockee

    projet = Projet.objects.create(intitule="Essai", cree_par=comptes["porteur"])
    sha, taille = stockage.stocker(json.dumps(donnees_exemple, ensure_ascii=False).encode("utf-8"))
    lu = lire_version_stockee(sha, ".json", "projet.json")
    depart, erreurs = threading.Barrier(8), []

    def deposer() -> None:
        try:
            depart.wait(60)
            enregistrer_version(Projet.objects.get(pk=projet.pk), comptes["porteur"], sha, taille, ".json", "projet.json", lu)
        except Exception as e:  # noqa: BLE001 - reported below
            erreurs.append(e)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=deposer) for _ in range(8)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(120)
    assert erreurs == []
    assert sorted(Version.objects.filter(projet=projet).values_list("numero", flat=True)) == list(range(1, 9))
    assert Journal.objects.filter(projet=projet, action="version").count() == 8
