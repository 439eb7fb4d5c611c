"""French error pages (404, 403, 400, 500): no traceback, a reference the server log carries."""

from __future__ import annotations

import logging

from ..intergiciels import page_erreur, reference

log = logging.getLogger("dossier.portail")


def introuvable(request, exception=None):
    return page_erreur(request, 404, "Cette page n'existe pas ou vous n'y avez pas accès.")


def interdit(request, exception=None):
    return page_erreur(request, 403, "Vous n'avez pas le droit de faire cette action sur ce projet.")


def requete_invalide(request, exception=None):
    return page_erreur(request, 400, "La requête n'a pas pu être comprise.")


def erreur_serveur(request):
    ref = reference()
    log.error("erreur %s sur %s %s (page 500)", ref, request.method, request.path)
    return page_erreur(request, 500, "", ref)


def csrf_refuse(request, reason=""):
    return page_erreur(request, 403, "Le formulaire a expiré ou n'a pas été envoyé depuis le portail : "
                                     "rechargez la page et recommencez.")
