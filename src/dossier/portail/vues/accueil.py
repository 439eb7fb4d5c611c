"""Home page (the user's projects as a table) and « Nouveau projet » (an upload creates the project)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ... import api
from .. import stockage
from ..droits import peut_creer_projet, projets_visibles, role
from ..journal import consigner
from ..models import Membre, Projet
from .outils import EXTENSIONS_PROJET, EnvoiRefuse, enregistrer_version, lire_version_stockee, nom_affiche, \
    projet_de_version, verifier_envoi


@dataclass
class Ligne:
    """One row of the home table (the portfolio of issue 24 may fill it from dossier.portefeuille)."""

    projet: Projet
    version: object
    valide: bool
    problemes: int
    recevable: bool | None
    echeance: dt.date | None
    jours_restants: int | None


def lignes(projets, aujourdhui: dt.date | None = None) -> list[Ligne]:
    """One row per project, from the summary kept with its current version (computed at upload)."""
    aujourdhui = aujourdhui or dt.date.today()
    resultat = []
    for p in projets:
        v = p.version_courante()
        valide = v is not None and v.valide and bool(v.contenu)
        resume = dict(v.resume or {}) if valide else {}
        if valide and not resume:  # a version stored before summaries existed
            projet = projet_de_version(v)
            etat = api.etat_projet(projet) if projet is not None else None
            resume = {"recevable": etat.recevable, "echeance": etat.echeance.isoformat() if etat.echeance else None} \
                if etat else {}
        echeance = dt.date.fromisoformat(resume["echeance"]) if resume.get("echeance") else None
        resultat.append(Ligne(p, v, valide, len(v.problemes) if v else 0, resume.get("recevable"), echeance,
                              (echeance - aujourdhui).days if echeance else None))
    return resultat


@login_required
@require_GET
def accueil(request):
    projets = projets_visibles(request.user).prefetch_related("versions")
    return render(request, "portail/accueil.html", {
        "lignes": lignes(projets), "peut_creer": peut_creer_projet(request.user),
        "relecteur": role(request.user) == "relecteur"})


@login_required
@require_http_methods(["GET", "POST"])
def nouveau_projet(request):
    if not peut_creer_projet(request.user):
        raise PermissionDenied("seuls les consultants et les porteurs créent des projets")
    erreur = None
    if request.method == "POST":
        envoi = request.FILES.get("fichier")
        try:
            ext = verifier_envoi(envoi, EXTENSIONS_PROJET)
        except EnvoiRefuse as e:
            erreur = str(e)
        else:
            nom = nom_affiche(envoi.name)
            sha, taille = stockage.stocker_envoi(envoi)
            lu = lire_version_stockee(sha, ext, nom)
            if lu.intitule is None:
                erreur = "fichier illisible : " + "; ".join(str(p) for p in lu.problemes[:5])
            else:
                with transaction.atomic():
                    projet = Projet.objects.create(intitule=lu.intitule[:500], cree_par=request.user)
                    Membre.objects.create(projet=projet, utilisateur=request.user, droit="ecriture")
                    consigner(request.user, "creation", f"« {projet.intitule} »", projet)
                    enregistrer_version(projet, request.user, sha, taille, ext, nom, lu)
                return redirect("portail:projet", pk=projet.pk)
    return render(request, "portail/nouveau.html", {"erreur": erreur}, status=400 if erreur else 200)
