"""Middleware: the request-size cap (413, body drained), and French error pages with a reference."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.shortcuts import render

log = logging.getLogger("dossier.portail")

#: The administrator's upload of the public FINESS extract (about 100 Mo) has its own cap.
PLAFOND_EXTRAIT = 300 * 1024 * 1024
#: Past this, the body is not read to the end: the connection is closed after the 413 page.
DRAINAGE_MAX = 200 * 1024 * 1024


def reference() -> str:
    return secrets.token_hex(4).upper()


def page_erreur(request, statut: int, message: str = "", ref: str | None = None):
    """The French error page; its reference is in the server log too (made and logged by the template
    when the caller has none)."""
    return render(request, "portail/erreur.html", {"statut": statut, "message": message, "reference": ref}, status=statut)


def _drainer(request, longueur: int) -> None:
    flux = request.META.get("wsgi.input")
    if flux is None or longueur > DRAINAGE_MAX:
        return
    reste = longueur
    while reste > 0:
        morceau = flux.read(min(reste, 1 << 16))
        if not morceau:
            break
        reste -= len(morceau)


class TailleMaximale:
    """A request whose body is over TAILLE_MAX_REQUETE gets the French 413 page, the body read (and
    dropped) first so that the browser receives the page and not a connection reset."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            longueur = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            longueur = 0
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # no announced length: the cap could not be checked before reading (browsers always announce it)
            return render(request, "portail/erreur.html", {"statut": 411, "message":
                          "Envoi refusé : la taille de la requête doit être annoncée (Content-Length)."}, status=411)
        plafond = PLAFOND_EXTRAIT if request.path == "/administration/finess/" else settings.TAILLE_MAX_REQUETE
        if longueur > plafond:
            _drainer(request, longueur)
            ref = reference()
            log.warning("réponse 413 (référence %s) : %s octets sur %s", ref, longueur, request.path)
            mo = settings.TAILLE_MAX_FICHIER // (1024 * 1024)
            reponse = render(request, "portail/erreur.html",
                             {"statut": 413, "message": f"Le fichier envoyé dépasse la taille maximale de {mo} Mo.",
                              "reference": ref}, status=413)
            if longueur > DRAINAGE_MAX:
                reponse["Connection"] = "close"
            return reponse
        return self.get_response(request)


class ReferenceErreur:
    """An unexpected error: logged with a reference, and the French 500 page shows that reference
    (never a traceback). A bare 405 (require_POST) gets the French page too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if reponse.status_code == 405 and not reponse.content:
            permis = reponse.get("Allow", "")
            reponse = page_erreur(request, 405, "Cette adresse ne s'utilise que depuis un formulaire du portail.")
            reponse["Allow"] = permis
        return reponse

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied, SuspiciousOperation
        from django.http import Http404

        if isinstance(exception, (Http404, PermissionDenied, SuspiciousOperation)):
            return None
        ref = reference()
        log.error("erreur %s sur %s %s", ref, request.method, request.path, exc_info=exception)
        return page_erreur(request, 500, "", ref)
