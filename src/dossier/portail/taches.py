"""Background jobs (django-tasks, database backend): generate the pieces, write the usage report.

Each job works on a ``Tache`` row: its state, progress per piece and failure reason are in the
database, so the page shows them and a job interrupted (worker killed) is found again:
``reprendre_interrompues`` (run when a worker starts) queues it again once, then marks it failed.
"""

from __future__ import annotations

import logging
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .. import api
from ..errors import DossierError
from . import stockage
from .models import PieceGeneree, Tache

log = logging.getLogger("dossier.portail")
TENTATIVES_MAX = 2


def lancer_generation(projet, version, utilisateur) -> Tache:
    from .journal import consigner

    pdf = getattr(settings, "PORTAIL_PDF", True)
    with transaction.atomic():
        tache = Tache.objects.create(projet=projet, version=version, genre="pieces", demandee_par=utilisateur,
                                     parametres={"pdf": pdf})
        consigner(utilisateur, "generation", f"version {version.numero}" + (" avec PDF" if pdf else ""), projet)
    _mettre_en_file(tache)
    return tache


def _mettre_en_file(tache: Tache) -> None:
    def envoyer():
        resultat = (rapport_usages if tache.genre == "usages" else generer_pieces).enqueue(tache.pk)
        Tache.objects.filter(pk=tache.pk).update(id_resultat=str(resultat.id))

    transaction.on_commit(envoyer)


def _marquer(tache: Tache, **champs) -> None:
    for cle, valeur in champs.items():
        setattr(tache, cle, valeur)
    tache.save(update_fields=list(champs))


def convertisseur_du_worker():
    """The worker process's warm LibreOffice instances, one per core (started on the first conversion or
    by ``prechauffer``, restarted if one died): the pieces convert in parallel while they are rendered."""
    from ..render.conversions import groupe_partage

    return groupe_partage()


def prechauffer() -> None:
    """Start the worker's LibreOffice instances in the background, so that the first generation with
    PDF does not wait for them (a failure here is reported by that generation)."""
    import threading

    def demarrer() -> None:
        try:
            convertisseur_du_worker().demarrer()
        except Exception as e:  # noqa: BLE001 - the generation that needs LibreOffice says why in French
            log.warning("LibreOffice n'a pas démarré à l'avance : %s", e)

    threading.Thread(target=demarrer, name="prechauffage-libreoffice", daemon=True).start()


def _executer(tache_id: int, travail: Callable[[Tache], str]) -> str:
    """Claim the job ``tache_id`` and run ``travail`` on it; a failure is recorded with its reason in French
    (never left « en cours »), an unexpected one logged with its traceback for the administrator."""
    tache = Tache.objects.select_related("version", "projet").filter(pk=tache_id).first()
    if tache is None or tache.etat in ("terminee", "echouee"):
        return "rien à faire"
    _marquer(tache, etat="en_cours", debut=timezone.now(), tentatives=tache.tentatives + 1, raison="")
    try:
        return travail(tache)
    except DossierError as e:
        _marquer(tache, etat="echouee", fin=timezone.now(), raison=e.message)
        return e.message
    except Exception as e:  # noqa: BLE001 - recorded with its reason, never left "en cours"
        log.error("tâche %s : %s\n%s", tache_id, e, traceback.format_exc())
        _marquer(tache, etat="echouee", fin=timezone.now(), raison=f"erreur inattendue : {type(e).__name__}")
        return "échec"


@task()
def generer_pieces(tache_id: int) -> str:
    """Render the version's pieces (with PDF when asked), store them, record progress per piece."""
    return _executer(tache_id, _generer_pieces)


def _generer_pieces(tache: Tache) -> str:
    from .vues.outils import projet_de_version

    projet = projet_de_version(tache.version)
    if projet is None:
        raise DossierError("la version n'est pas valide")
    profil = api.profil_du_projet(projet)
    from ..render.pieces import fichiers_a_rendre

    noms = [f.nom for f in fichiers_a_rendre(profil, projet)]
    pdf = bool(tache.parametres.get("pdf"))
    etapes = noms + (["conversion PDF (LibreOffice)"] if pdf else [])
    _marquer(tache, progression=[{"nom": n, "etat": "a_faire"} for n in etapes])

    def avancer(nom: str) -> None:
        for e in tache.progression:
            if e["etat"] == "en_cours":
                e["etat"] = "fait"
            if e["nom"] == nom:
                e["etat"] = "en_cours"
        _marquer(tache, progression=tache.progression)

    with tempfile.TemporaryDirectory(prefix="dossier-rendu-") as tmp:
        sortie = Path(tmp) / "pieces"
        # PDFs through the warm LibreOffice instances the worker process keeps between jobs (issue 23 item 8)
        rapport = api.rendre_dossier(projet, sortie, pdf=pdf, progression=avancer,
                                     convertisseur=convertisseur_du_worker() if pdf else None)
        lignes = []
        for f in rapport.fichiers:
            chemin = sortie / f.nom
            sha, taille = stockage.stocker_fichier(chemin)
            lignes.append(PieceGeneree(projet=tache.projet, tache=tache, version=tache.version, nom=f.nom,
                                       sha256=sha, taille=taille))
    with transaction.atomic():
        PieceGeneree.objects.filter(tache=tache).delete()
        PieceGeneree.objects.bulk_create(lignes)
        for e in tache.progression:
            e["etat"] = "fait"
        _marquer(tache, etat="terminee", fin=timezone.now(), progression=tache.progression,
                 raison="; ".join(rapport.marqueurs[:5]))
    return f"{len(lignes)} fichier(s)"


def reprendre_interrompues() -> int:
    """Jobs left « en cours » by a worker that died: queued again (at most TENTATIVES_MAX runs in all),
    else marked failed with the reason. Call it when a worker starts (no other worker running)."""
    n = 0
    for tache in Tache.objects.filter(etat="en_cours"):
        if tache.tentatives >= TENTATIVES_MAX:
            _marquer(tache, etat="echouee", fin=timezone.now(),
                     raison=f"interrompue {tache.tentatives} fois (arrêt du serveur ou du traitement)")
        else:
            _marquer(tache, etat="en_attente", raison="reprise après une interruption")
            with transaction.atomic():
                _mettre_en_file(tache)
        n += 1
    return n


def lancer_rapport_usages(projet, mesures, utilisateur) -> Tache:
    with transaction.atomic():
        tache = Tache.objects.create(projet=projet, version=mesures.version, genre="usages", demandee_par=utilisateur,
                                     parametres={"mesures": mesures.pk},
                                     progression=[{"nom": "rapport d'usages", "etat": "a_faire"}])
        _mettre_en_file(tache)
    return tache


@task()
def rapport_usages(tache_id: int) -> str:
    """Write the usage report folder (Word, charts, workbooks) of a measures file, stored as a zip."""
    return _executer(tache_id, _rapport_usages)


def _rapport_usages(tache: Tache) -> str:
    import zipfile

    from .models import Mesures
    from .vues.outils import projet_de_version

    mesures = Mesures.objects.select_related("version").get(pk=tache.parametres["mesures"])
    projet = projet_de_version(mesures.version)
    if projet is None or not mesures.resultat:
        raise DossierError("mesures ou version du projet non valides")
    from ..usages.rapport import ecrire_rapport

    with tempfile.TemporaryDirectory(prefix="dossier-rapport-") as tmp:
        copie = stockage.copier_vers(mesures.sha256, Path(tmp) / f"mesures{mesures.extension}")
        res, _ = api.calculer_usages_fichier(copie, projet)
        sortie = Path(tmp) / "rapport"
        fichiers = ecrire_rapport(res, sortie)
        archive = Path(tmp) / "rapport.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for f in fichiers:
                z.write(f, f.relative_to(sortie).as_posix() if f.is_relative_to(sortie) else f.name)
        sha, _ = stockage.stocker_fichier(archive)
    with transaction.atomic():
        Mesures.objects.filter(pk=mesures.pk).update(rapport=sha)
        _marquer(tache, etat="terminee", fin=timezone.now(), progression=[{"nom": "rapport d'usages", "etat": "fait"}])
    return sha
