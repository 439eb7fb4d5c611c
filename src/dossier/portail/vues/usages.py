"""Usages: upload the measures file, see rates, gaps, blocking ESSMS and charts; download the report zip."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ... import api
from ...errors import DossierError
from ...usages.mesures import MesuresInvalides
from ...usages.sorties import resultat_json
from .. import stockage
from ..droits import projet_ou_404
from ..journal import consigner
from ..models import Mesures
from .outils import EnvoiRefuse, nom_affiche, projet_de_version, telechargement, verifier_envoi


def _calculer(sha: str, ext: str, projet):
    with tempfile.TemporaryDirectory(prefix="dossier-mesures-") as tmp:
        return api.calculer_usages_fichier(stockage.copier_vers(sha, Path(tmp) / f"mesures{ext}"), projet)


@login_required
@require_POST
def deposer_mesures(request, pk: int):
    a = projet_ou_404(request, pk, ecriture=True)
    version = a.projet.version_courante()
    projet = projet_de_version(version)
    if projet is None:
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      "La version courante du projet n'est pas valide."}, status=409)
    envoi = request.FILES.get("fichier")
    try:
        ext = verifier_envoi(envoi, (".csv", ".xlsx"))
    except EnvoiRefuse as e:
        return render(request, "portail/erreur.html", {"statut": 400, "message": f"Mesures refusées : {e}."}, status=400)
    sha, _ = stockage.stocker_envoi(envoi)
    resultat, problemes = None, []
    try:
        res, alertes = _calculer(sha, ext, projet)
        resultat = resultat_json(res)
        problemes = [{"chemin": p.chemin, "message": p.message, "niveau": "alerte"} for p in alertes]
    except MesuresInvalides as e:
        problemes = [{"chemin": p.chemin, "message": p.message, "niveau": "erreur"} for p in e.problemes]
    except DossierError as e:
        problemes = [{"chemin": "", "message": e.message, "niveau": "erreur"}]
    Mesures.objects.create(projet=a.projet, version=version, nom_original=nom_affiche(envoi.name), extension=ext,
                           sha256=sha, resultat=resultat, problemes=problemes, auteur=request.user)
    consigner(request.user, "usages", nom_affiche(envoi.name), a.projet)
    return redirect(reverse("portail:usages", args=[pk]))


@login_required
@require_GET
def page_usages(request, pk: int):
    a = projet_ou_404(request, pk)
    from ...usages.indicateurs import INDICATEURS

    mesures = a.projet.mesures.first()
    resultat = mesures.resultat if mesures else None
    libelles = {i.id: i.libelle for i in INDICATEURS}
    colonnes = [(i["id"], libelles.get(i["id"], i["id"])) for i in resultat["essms"][0]["indicateurs"]] \
        if resultat and resultat.get("essms") else []
    tache = a.projet.taches.filter(genre="usages").first()
    return render(request, "portail/usages.html", {"projet": a.projet, "acces": a, "mesures": mesures,
                                                   "resultat": resultat, "colonnes": colonnes, "tache": tache})


@login_required
@require_GET
def graphique(request, pk: int, indicateur: str):
    """A chart of the latest measures (PNG made by the library's report code)."""
    a = projet_ou_404(request, pk)
    mesures = a.projet.mesures.first()
    projet = projet_de_version(mesures.version) if mesures else None
    if projet is None or not mesures.resultat:
        raise Http404("pas de mesures")
    from ...usages.indicateurs import INDICATEURS
    from ...usages.rapport import ecrire_graphique

    ind = next((i for i in INDICATEURS if i.id == indicateur), None)
    if ind is None:
        raise Http404("indicateur inconnu")
    res, _ = _calculer(mesures.sha256, mesures.extension, projet)
    with tempfile.TemporaryDirectory(prefix="dossier-graphique-") as tmp:
        dest = Path(tmp) / "graphique.png"
        ecrire_graphique(res, ind, dest)
        return HttpResponse(dest.read_bytes(), content_type="image/png")


@login_required
@require_POST
def rapport(request, pk: int):
    """Queue the report of the latest measures (a job); the page then offers its download."""
    from ..taches import lancer_rapport_usages

    a = projet_ou_404(request, pk)
    mesures = a.projet.mesures.first()
    if mesures is None or not mesures.resultat:
        raise Http404("pas de mesures valides")
    if not a.projet.taches.filter(genre="usages", etat__in=["en_attente", "en_cours"]).exists():
        lancer_rapport_usages(a.projet, mesures, request.user)
    return redirect(reverse("portail:usages", args=[pk]))


@login_required
@require_GET
def telecharger_rapport(request, pk: int):
    a = projet_ou_404(request, pk)
    mesures = a.projet.mesures.exclude(rapport="").first()
    if mesures is None:
        raise Http404("pas de rapport")
    consigner(request.user, "telechargement", "rapport d'usages", a.projet)
    return telechargement(mesures.rapport, f"rapport-usages-projet-{a.projet.pk}.zip", "application/zip")
