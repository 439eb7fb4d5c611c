"""« Déposer une version », the versions' list and their differences, « Télécharger la fiche »."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ... import api
from .. import stockage
from ..droits import projet_ou_404
from ..journal import consigner
from ..models import Version
from .outils import EXTENSIONS_PROJET, EnvoiRefuse, enregistrer_version, lire_version_stockee, nom_affiche, \
    telechargement, verifier_envoi


@login_required
@require_POST
def deposer(request, pk: int):
    a = projet_ou_404(request, pk, ecriture=True)
    envoi = request.FILES.get("fichier")
    try:
        ext = verifier_envoi(envoi, EXTENSIONS_PROJET)
    except EnvoiRefuse as e:
        return render(request, "portail/erreur.html", {"statut": 400, "message": f"Fichier refusé : {e}."}, status=400)
    nom = nom_affiche(envoi.name)
    sha, taille = stockage.stocker_envoi(envoi)
    lu = lire_version_stockee(sha, ext, nom)
    enregistrer_version(a.projet, request.user, sha, taille, ext, nom, lu)
    return redirect(reverse("portail:projet", args=[pk]) + "#etat")


def _version(projet, numero: int) -> Version:
    v = Version.objects.filter(projet=projet, numero=numero).first()
    if v is None:
        raise Http404("version introuvable")
    return v


@login_required
@require_GET
def telecharger_version(request, pk: int, numero: int):
    a = projet_ou_404(request, pk)
    v = _version(a.projet, numero)
    consigner(request.user, "telechargement", f"version {v.numero}", a.projet)
    return telechargement(v.sha256, f"projet-{a.projet.pk}-version-{v.numero}{v.extension}")


@login_required
@require_GET
def fiche(request, pk: int):
    """The current version as a fiche to fill in Excel again."""
    a = projet_ou_404(request, pk)
    v = a.projet.version_courante()
    if v is None or not v.contenu:
        raise Http404("aucune version lisible")
    with tempfile.TemporaryDirectory(prefix="dossier-fiche-") as tmp:
        dest = Path(tmp) / "fiche.xlsx"
        api.exporter_fiche(v.contenu, dest)
        sha, _ = stockage.stocker_fichier(dest)
    consigner(request.user, "fiche", f"version {v.numero}", a.projet)
    return telechargement(sha, f"fiche-projet-{a.projet.pk}-version-{v.numero}.xlsx")


@login_required
@require_GET
def differences(request, pk: int):
    a = projet_ou_404(request, pk)
    try:
        n1, n2 = int(request.GET.get("de", "")), int(request.GET.get("a", ""))
    except ValueError:
        return render(request, "portail/erreur.html", {"statut": 400, "message": "Choisissez deux versions."}, status=400)
    v1, v2 = _version(a.projet, n1), _version(a.projet, n2)
    changements = api.comparer_donnees(v1.contenu, v2.contenu)
    gabarit = "portail/partiels/differences.html" if request.htmx else "portail/differences.html"
    return render(request, gabarit, {"projet": a.projet, "acces": a, "v1": v1, "v2": v2, "changements": changements})
