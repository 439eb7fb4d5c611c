"""FINESS: the administrator uploads the public extract once; « Compléter depuis FINESS » shows the
changes to the current version before they are kept as a new version."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import api
from ...errors import DossierError
from ...fiche.json_projet import donnees_json
from .. import stockage
from ..droits import projet_ou_404, role
from ..journal import consigner
from ..models import ExtraitFiness
from .outils import enregistrer_version, lire_version_stockee, nom_affiche

def chemin_extrait(extrait: ExtraitFiness) -> Path:
    """A working copy of the extract under the data folder (the library indexes it beside)."""
    dossier = Path(settings.DONNEES) / "finess"
    dossier.mkdir(exist_ok=True)
    chemin = dossier / f"{extrait.sha256}.csv"
    if not chemin.exists():
        tmp = dossier / f".{extrait.sha256}.tmp"
        shutil.copyfile(stockage.chemin(extrait.sha256), tmp)
        tmp.replace(chemin)
    return chemin


@login_required
@require_POST
def deposer_extrait(request):
    if role(request.user) != "administrateur":
        raise PermissionDenied("réservé à l'administrateur")
    envoi = request.FILES.get("fichier")
    if envoi is None or not envoi.name.lower().endswith(".csv") or envoi.size == 0:
        return render(request, "portail/erreur.html", {"statut": 400, "message":
                      "L'extrait FINESS est un fichier .csv non vide (etalab-cs1100502-stock-….csv)."}, status=400)
    sha, taille = stockage.stocker_envoi(envoi)
    extrait = ExtraitFiness.objects.create(sha256=sha, nom_original=nom_affiche(envoi.name), taille=taille, par=request.user)
    try:
        api.completer_finess({"essms": []}, chemin_extrait(extrait))
    except DossierError as e:
        extrait.delete()
        return render(request, "portail/erreur.html", {"statut": 400, "message": f"Extrait illisible : {e.message}"},
                      status=400)
    consigner(request.user, "extrait_finess", nom_affiche(envoi.name))
    return redirect("portail:administration")


def _completion(a):
    extrait = ExtraitFiness.objects.first()
    version = a.projet.version_courante()
    if extrait is None or version is None or not version.contenu:
        return None, version, None
    return api.completer_finess(version.contenu, chemin_extrait(extrait)), version, extrait


@login_required
@require_POST
def completer(request, pk: int):
    """Show what the extract would change (nothing kept yet)."""
    a = projet_ou_404(request, pk, ecriture=True)
    resultat, version, extrait = _completion(a)
    if resultat is None:
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      "Pas d'extrait FINESS déposé par l'administrateur, ou pas de version lisible."}, status=409)
    changements = api.comparer_donnees(version.contenu, resultat.donnees)
    return render(request, "portail/finess.html", {"projet": a.projet, "acces": a, "resultat": resultat,
                                                   "changements": changements, "version": version, "extrait": extrait})


@login_required
@require_POST
def garder(request, pk: int):
    """Keep the completion as a new version (computed again from the same version and extract)."""
    a = projet_ou_404(request, pk, ecriture=True)
    resultat, version, extrait = _completion(a)
    if resultat is None or str(version.numero) != request.POST.get("version") or extrait.sha256 != request.POST.get("extrait"):
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      "Le projet ou l'extrait a changé depuis l'aperçu : relancez « Compléter depuis FINESS »."}, status=409)
    sha, taille = stockage.stocker(donnees_json(resultat.donnees).encode("utf-8"))
    nom = f"projet-complete-finess-v{version.numero}.json"
    lu = lire_version_stockee(sha, ".json", nom)
    enregistrer_version(a.projet, request.user, sha, taille, ".json", nom, lu,
                        origine=f"complété depuis FINESS ({resultat.extrait}) à partir de la version {version.numero}")
    return redirect(reverse("portail:projet", args=[pk]) + "#etat")
