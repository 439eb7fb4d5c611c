"""Retention: a project without activity for longer than the period the administrator set is deleted
with its files (journaled); stored files no row names any more are removed once they are a day old
(a younger one may belong to an upload whose row is not committed yet)."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import stockage
from .journal import consigner
from .models import ExtraitFiness, Mesures, PieceDeposee, PieceGeneree, Projet, Reglages, Version

AGE_MIN_ORPHELIN = 24 * 3600


def projets_expires(maintenant: dt.datetime | None = None) -> list[Projet]:
    maintenant = maintenant or timezone.now()
    limite = maintenant - dt.timedelta(days=30.44 * Reglages.courant().conservation_mois)
    projets = Projet.objects.annotate(derniere=Max("journal__le"))
    return [p for p in projets if (p.derniere or p.cree_le) < limite]


def empreintes_utilisees() -> set[str]:
    utilisees: set[str] = set()
    for modele, champs in ((Version, ["sha256"]), (PieceGeneree, ["sha256", "apercu"]), (PieceDeposee, ["sha256"]),
                           (Mesures, ["sha256", "rapport"]), (ExtraitFiness, ["sha256"])):
        for ligne in modele.objects.values_list(*champs):
            utilisees.update(v for v in ligne if v)
    return utilisees


def supprimer_orphelins() -> int:
    racine = stockage.racine()
    if not racine.is_dir():
        return 0
    utilisees = empreintes_utilisees()
    n = 0
    for chemin in racine.glob("??/*"):
        if chemin.name not in utilisees and time.time() - chemin.stat().st_mtime > AGE_MIN_ORPHELIN:
            chemin.unlink(missing_ok=True)
            n += 1
    return n


def purger(maintenant: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the expired projects, then orphan files; returns (projects, files)."""
    projets = projets_expires(maintenant)
    for p in projets:
        with transaction.atomic():
            consigner(None, "suppression", f"projet n° {p.pk} « {p.intitule} » : durée de conservation dépassée")
            p.delete()
    return len(projets), supprimer_orphelins()
