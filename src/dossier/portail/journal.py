"""Writing the journal (append-only)."""

from __future__ import annotations

import logging

from .models import Journal

log = logging.getLogger("dossier.portail")


def consigner(utilisateur, action: str, detail: str = "", projet=None) -> Journal:
    email = getattr(utilisateur, "email", "") or ""
    entree = Journal.objects.create(projet=projet, utilisateur=utilisateur if getattr(utilisateur, "pk", None) else None,
                                    email=email, action=action, detail=detail)
    log.info("journal %s %s projet=%s %s", email or "-", action, getattr(projet, "pk", "-"), detail)
    return entree


LIBELLES = {
    "creation": "a créé le projet", "version": "a déposé une version", "generation": "a demandé la génération des pièces",
    "telechargement": "a téléchargé", "invitation": "a invité", "adhesion": "a rejoint le projet",
    "transmission": "a transmis le projet pour relecture", "piece": "a déposé une pièce",
    "archive": "a téléchargé l'archive de dépôt", "archive_forcee": "a forcé l'archive de dépôt (dossier incomplet)",
    "finess": "a complété depuis FINESS", "usages": "a déposé des mesures d'usage", "export": "a exporté le projet",
    "suppression": "a supprimé le projet", "fiche": "a téléchargé la fiche", "compte": "a modifié un compte",
    "reglages": "a modifié les réglages", "extrait_finess": "a déposé l'extrait FINESS",
}
