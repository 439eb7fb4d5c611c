"""Home page (the portfolio table of the user's projects, its Excel export) and « Nouveau projet » (an upload creates the project)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ...portefeuille import BLOQUANTS
from ...portefeuille.classeur import feuille_projets, feuille_totaux
from ...portefeuille.tableau import TRIS
from .. import stockage
from ..droits import peut_creer_projet, projets_visibles, role
from ..journal import consigner
from ..models import Membre, Projet
from ..portefeuille import Filtres, tableau
from .outils import EXTENSIONS_PROJET, EnvoiRefuse, enregistrer_version, lire_version_stockee, nom_affiche, \
    verifier_envoi


TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def accueil(request):
    """Every role's home: the portfolio table of the visible projects (members' projects; a relecteur's
    transmitted projects of their région), filtered and sorted by the GET parameters."""
    filtres = Filtres.de(request.GET)
    t = tableau(projets_visibles(request.user), filtres)
    r = role(request.user)
    tris = {cle: filtres.parametres(tri=cle) for cle in TRIS}
    return render(request, "portail/accueil.html", {
        "tableau": t, "lignes": t.lignes, "filtres": filtres, "tris": tris, "export": filtres.parametres(),
        "peut_creer": peut_creer_projet(request.user), "relecteur": r == "relecteur", "statuts_bloquants": BLOQUANTS})


@login_required
@require_GET
def exporter_portefeuille(request):
    """The table as shown (same filters and order) as the library's Excel workbook."""
    t = tableau(projets_visibles(request.user), Filtres.de(request.GET))
    nom = f"portefeuille-{t.aujourdhui.isoformat()}.xlsx"
    contenu = _classeur(request, t, nom)
    consigner(request.user, "export_portefeuille", f"{len(t.lignes)} projet(s)")
    reponse = HttpResponse(contenu, content_type=TYPE_XLSX)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


def _classeur(request, t, nom: str) -> bytes:
    """The library's workbook; the « Fichier » cell of each row links to the project's page."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    feuille_projets(wb, t.portefeuille(), Path(nom))
    feuille_totaux(wb, t.portefeuille())
    wb.properties.title = "Portefeuille de projets ESMS numérique"
    ws = wb["Projets"]
    for n, x in enumerate(t.lignes, 2):
        ws.cell(n, 1).hyperlink = request.build_absolute_uri(reverse("portail:projet", args=[x.projet.pk]))
        ws.cell(n, 1).font = Font(color="0563C1", underline="single")
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


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
